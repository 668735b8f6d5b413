import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { organizations, subscriptionItems, uploads } from "@/db/schema";
import { setFxRate } from "@/lib/revenue/fx";
import { runCliOn } from "@/tests/helpers/cli";
import { createTestDb } from "@/tests/helpers/db";
import { parseMapOptions } from "./import";

let handle: DbHandle;
let dir: string;
let orgId: string;

beforeAll(async () => {
  handle = await createTestDb();
  const [org] = await handle.db.insert(organizations).values({ slug: "acme", name: "Acme" }).returning();
  orgId = org!.id;
  dir = mkdtempSync(path.join(tmpdir(), "meridian-import-cli-"));
});
afterAll(async () => {
  await handle.close();
  rmSync(dir, { recursive: true, force: true });
});

const cli = (...argv: string[]) => runCliOn(handle, argv);

describe("meridian import", () => {
  it("says what it had to guess, and --date-order, --decimal and --currency decide it", async () => {
    const [de] = await handle.db
      .insert(organizations)
      .values({ slug: "acme-de", name: "Acme DE" })
      .returning();
    await setFxRate(handle.db, { orgId: de!.id, currency: "EUR", date: "2020-01-01", rate: "1.1" });
    const file = path.join(dir, "abos.csv");
    writeFileSync(file, "Kunde;Betrag;Intervall;Beginn\nk1;49,00;jährlich;01.02.2024\n");
    const guessed = await cli("import", file, "--org", "acme-de");
    expect(guessed.code).toBe(0);
    expect(guessed.stdout).toContain("Warnings:");
    expect(guessed.stdout).toContain("reading as DD.MM.YYYY, as dates written with dots are");
    const told = path.join(dir, "abos-us.csv");
    writeFileSync(told, "Kunde;Betrag;Intervall;Beginn\nk2;1.200;jährlich;01.02.2024\n");
    const run = await cli(
      "import",
      told,
      "--org",
      "acme-de",
      "--date-order",
      "mdy",
      "--decimal",
      ".",
      "--currency",
      "eur",
      "--json",
    );
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout), run.stdout).toMatchObject({ rows_imported: 1, warnings: [] });
    const items = await handle.db
      .select({
        id: subscriptionItems.externalId,
        start: subscriptionItems.startDate,
        amount: subscriptionItems.unitAmount,
        currency: subscriptionItems.currency,
      })
      .from(subscriptionItems)
      .where(eq(subscriptionItems.orgId, de!.id))
      .orderBy(subscriptionItems.startDate);
    // k1: 01.02.2024 read day first, 49,00 in the org's USD; k2: month first as told, 1.200 with a
    // decimal point (1.20), in EUR.
    expect(items.map(({ start, amount, currency }) => ({ start, amount, currency }))).toEqual([
      { start: "2024-01-02", amount: 120, currency: "EUR" },
      { start: "2024-02-01", amount: 4900, currency: "USD" },
    ]);
    const bad = await cli("import", told, "--org", "acme-de", "--date-order", "ymd");
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("--date-order: use dmy (31/01/2024) or mdy (01/31/2024)");
  });

  it("imports with --map overrides, prints the counts as JSON, and recognises the same file again", async () => {
    const file = path.join(dir, "subs.csv");
    writeFileSync(
      file,
      "Ref,Who,Started,Price,Every\nr1,C1,2024-01-01,10,month\nr2,C2,2024-02-01,oops,month\n",
    );
    const run = await cli(
      "import",
      file,
      "--org",
      "acme",
      "--map",
      "Ref=subscription_id",
      "--map",
      "Who=customer_id",
      "--map",
      "Price=amount",
      "--json",
    );
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json).toEqual({
      upload_id: expect.any(String),
      status: "complete",
      rows_read: 2,
      rows_imported: 1,
      rows_rejected: 1,
      rows_unchanged: 0,
      items_ended: null,
      duplicate: false,
      warnings: [],
      error: null,
    });
    const items = await handle.db
      .select({ id: subscriptionItems.externalId, mrr: subscriptionItems.mrr })
      .from(subscriptionItems)
      .where(eq(subscriptionItems.orgId, orgId));
    expect(items).toEqual([{ id: "r1", mrr: 1000 }]);

    const again = await cli("import", file, "--org", "acme");
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`This file was uploaded before (upload ${json.upload_id}).`);
    expect(again.stdout).toContain("complete: 2 rows read, 1 imported, 0 unchanged, 1 rejected");
    expect(again.stdout).toContain("row 3, column 'Price': 'oops' is not an amount");

    // Next month's file, same columns, no --map: read with the choices above, and it says so.
    const next = path.join(dir, "subs-next.csv");
    writeFileSync(next, "Ref,Who,Started,Price,Every\nr3,C3,2024-03-01,20,month\n");
    const third = await cli("import", next, "--org", "acme");
    expect(third.code).toBe(0);
    expect(third.stdout).toContain(
      `Read as your import of ‘subs.csv’ (upload ${json.upload_id}), a file with the same columns: its column choices and formats.`,
    );
    expect(third.stdout).toContain("complete: 1 rows read, 1 imported, 0 unchanged, 0 rejected");
    const r3 = await handle.db
      .select({ id: subscriptionItems.externalId, mrr: subscriptionItems.mrr })
      .from(subscriptionItems)
      .where(eq(subscriptionItems.externalId, "r3"));
    expect(r3).toEqual([{ id: "r3", mrr: 2000 }]);
  });

  it("says when rows change subscriptions imported before, and --changes-from sets the day they take effect", async () => {
    await handle.db.insert(organizations).values({ slug: "acme-next", name: "Acme next" });
    const head = "Subscription ID,Customer ID,Amount,Interval,Start Date\n";
    const october = path.join(dir, "october.csv");
    writeFileSync(october, `${head}n1,k1,100.00,month,2024-01-01\nn2,k2,50.00,month,2024-01-01\n`);
    expect((await cli("import", october, "--org", "acme-next")).code).toBe(0);
    const november = path.join(dir, "november.csv");
    writeFileSync(november, `${head}n1,k1,200.00,month,2024-01-01\nn2,k2,50.00,month,2024-01-01\n`);
    const bad = await cli("import", november, "--org", "acme-next", "--changes-from", "2024-13-01");
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("--changes-from: use a date (2024-11-01) or start");
    const run = await cli("import", november, "--org", "acme-next", "--changes-from", "2024-11-01", "--json");
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      rows_imported: 1,
      rows_unchanged: 1,
      warnings: [
        expect.stringContaining(
          "1 of the first rows changes subscriptions imported before: the changes take effect on 2024-11-01",
        ),
      ],
    });
    const n1 = await handle.db
      .select({
        key: subscriptionItems.externalId,
        start: subscriptionItems.startDate,
        end: subscriptionItems.endDate,
      })
      .from(subscriptionItems)
      .where(like(subscriptionItems.externalId, "n1%"))
      .orderBy(subscriptionItems.startDate);
    expect(n1).toEqual([
      { key: "n1@2024-01-01..2024-11-01", start: "2024-01-01", end: "2024-11-01" },
      { key: "n1", start: "2024-11-01", end: null },
    ]);
  });

  it("warns when a file leaves out live subscriptions, and --end-missing ends them on the --changes-from day", async () => {
    await handle.db.insert(organizations).values({ slug: "acme-full", name: "Acme full" });
    const head = "Subscription ID,Customer ID,Amount,Interval,Start Date\n";
    const all = path.join(dir, "all.csv");
    writeFileSync(all, `${head}f1,k1,100.00,month,2024-01-01\nf2,k2,50.00,month,2024-01-01\n`);
    expect((await cli("import", all, "--org", "acme-full")).code).toBe(0);
    const fewer = path.join(dir, "fewer.csv");
    writeFileSync(fewer, `${head}f1,k1,100.00,month,2024-01-01\n`);
    const kept = await cli("import", fewer, "--org", "acme-full", "--json");
    expect(JSON.parse(kept.stdout)).toMatchObject({
      items_ended: null,
      warnings: [
        expect.stringContaining("1 subscription imported before and still live is not in this file"),
      ],
    });
    const f2 = () =>
      handle.db
        .select({ end: subscriptionItems.endDate })
        .from(subscriptionItems)
        .where(eq(subscriptionItems.externalId, "f2"));
    expect(await f2()).toEqual([{ end: null }]);

    // A dry run says what --end-missing would end, and keeps nothing.
    const uploadsBefore = await handle.db.select({ id: uploads.id }).from(uploads);
    const check = path.join(dir, "check.csv");
    writeFileSync(check, `${head}f1,k1,100.00,month,2024-01-01\n\n\n`);
    const dry = await cli(
      "import",
      check,
      "--org",
      "acme-full",
      "--changes-from",
      "2024-11-01",
      "--end-missing",
      "--dry-run",
    );
    expect(dry.code).toBe(0);
    expect(dry.stdout).toBe(
      [
        "Dry run: nothing was imported, and the file was not kept.",
        "With --end-missing: the file (1 row) leaves out 1 of the 2 subscriptions live on 2024-11-01 that earlier uploads imported; they would end on 2024-11-01, $50.00 of MRR. The largest:",
        "  f2  k2  $50.00",
        "",
      ].join("\n"),
    );
    const dryJson = await cli("import", check, "--org", "acme-full", "--end-missing", "--dry-run", "--json");
    expect(JSON.parse(dryJson.stdout)).toMatchObject({
      dry_run: true,
      upload_id: null,
      duplicate: false,
      kind: "subscriptions",
      left_out: {
        rows_read: 1,
        live: 2,
        missing: 1,
        missing_mrr: 5_000,
        examples: [{ subscription_id: "f2" }],
      },
    });
    expect(await f2()).toEqual([{ end: null }]);
    expect(await handle.db.select({ id: uploads.id }).from(uploads)).toEqual(uploadsBefore);

    // The same rows in another file, this time as the full list: f2 ends on the day given.
    writeFileSync(fewer, `${head}f1,k1,100.00,month,2024-01-01\n\n`);
    const ended = await cli(
      "import",
      fewer,
      "--org",
      "acme-full",
      "--changes-from",
      "2024-11-01",
      "--end-missing",
    );
    expect(ended.code).toBe(0);
    expect(ended.stdout).toContain("1 subscription imported before and not in this file ended.");
    expect(await f2()).toEqual([{ end: "2024-11-01" }]);
  });

  it("fails with one line for an unreadable file, an unknown org or a bad --map", async () => {
    const empty = path.join(dir, "empty.csv");
    writeFileSync(empty, "");
    expect(await cli("import", empty, "--org", "acme")).toMatchObject({
      code: 1,
      stderr: "meridian: The file is empty.\n",
    });
    expect((await cli("import", empty, "--org", "nope")).stderr).toBe(
      'meridian: organisation "nope" not found\n',
    );
    expect(() => parseMapOptions(["nofield"])).toThrow('--map "nofield": write it as "Header=field"');
    expect(parseMapOptions(["A=b", "Notes=", "X=Y=start_date"])).toEqual({
      A: "b",
      Notes: null,
      "X=Y": "start_date",
    });
  });
});
