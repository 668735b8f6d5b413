import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DbHandle, openPglite } from "@/db/client";
import { migrateDb } from "@/db/migrate";
import { getMovements } from "@/db/queries/revenue";
import { queryRows } from "@/db/rows";
import { organizations } from "@/db/schema";
import { revenueRefresh } from "@/inngest/functions/revenue-refresh";
import { createRunner } from "@/inngest/runner";
import { orgsNeedingRebuild, updateRevenueForCustomers } from "@/lib/metrics/derive";
import { saveSubscriptionItem, upsertCustomer } from "@/lib/revenue/items";
import { createTestDb } from "./helpers/db";

// The derived revenue tables are UNLOGGED (db/schema/revenue-derived.ts): a crash empties them, and the
// start-up revenue-refresh job must then rebuild every org with items, exactly as before.

const DERIVED = [
  "customer_plan_changes",
  "customer_movements",
  "revenue_monthly",
  "revenue_cohorts",
  "revenue_retention",
  "revenue_derived_state",
];
const quiet = { info: () => {}, debug: () => {}, warn: () => {}, error: () => {} };
const thisMonth = new Date().toISOString().slice(0, 7);
const lastYear = `${Number(thisMonth.slice(0, 4)) - 1}${thisMonth.slice(4)}`;

/** An org with two customers: $75/month since a year ago, and $40/month from this month. */
async function seedOrg(h: DbHandle) {
  const [org] = await h.db.insert(organizations).values({ slug: "crash", name: "Crash" }).returning();
  const orgId = org!.id;
  const ids: string[] = [];
  for (const [externalId, unitAmount, start] of [
    ["c1", 7_500, lastYear],
    ["c2", 4_000, thisMonth],
  ] as const) {
    const c = await upsertCustomer(h.db, orgId, { externalId, name: externalId });
    await saveSubscriptionItem(h.db, orgId, {
      source: "manual",
      externalId: `${externalId}-item`,
      customerId: c.id,
      quantity: 1,
      unitAmount,
      currency: "USD",
      intervalUnit: "month",
      intervalCount: 1,
      startDate: `${start}-01`,
    });
    ids.push(c.id);
  }
  await updateRevenueForCustomers(h.db, orgId, ids);
  return orgId;
}

const movements = (h: DbHandle, orgId: string) =>
  getMovements(h.db, { orgId, from: lastYear, to: thisMonth });

async function rowCounts(h: DbHandle): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of DERIVED) {
    const [row] = await queryRows<{ n: number }>(
      h.db,
      sql`SELECT count(*)::int AS n FROM ${sql.identifier(table)}`,
    );
    out[table] = row?.n ?? -1;
  }
  return out;
}

/** What the start-up refresh does, through the job runner. */
async function refresh(h: DbHandle) {
  const runner = createRunner({ db: h.db, jobs: [revenueRefresh], logger: quiet });
  const { runIds } = await runner.send({ name: "revenue/refresh.requested", data: {} });
  return runner.waitForRun(runIds[0]!);
}

/** Asserts the org's tables are empty and underived, refreshes, and compares with `before`. */
async function expectRecovery(h: DbHandle, orgId: string, before: unknown) {
  expect(Object.values(await rowCounts(h))).toEqual(DERIVED.map(() => 0));
  expect(await orgsNeedingRebuild(h.db)).toEqual([orgId]);
  expect((await refresh(h)).status).toBe("succeeded");
  expect(await orgsNeedingRebuild(h.db)).toEqual([]);
  expect(await movements(h, orgId)).toEqual(before);
}

describe("unlogged derived tables", () => {
  let h: DbHandle;
  beforeAll(async () => {
    h = await createTestDb();
  });
  afterAll(() => h.close());

  it("are unlogged, and emptied as crash recovery empties them, they are rebuilt by the refresh job", async () => {
    const orgId = await seedOrg(h);
    // The per-customer tables are partitioned (lib/metrics/partitions.ts): their org's leaves are unlogged.
    const rows = await queryRows<{ relname: string; relpersistence: string }>(
      h.db,
      sql`SELECT c.relname, c.relpersistence FROM pg_class c
        LEFT JOIN pg_inherits i ON i.inhrelid = c.oid LEFT JOIN pg_class p ON p.oid = i.inhparent
        WHERE c.relkind = 'r' AND coalesce(p.relname, c.relname) IN (${sql.join(
          DERIVED.map((t) => sql`${t}`),
          sql`, `,
        )}) ORDER BY c.relname`,
    );
    const hex = orgId.replaceAll("-", "");
    const leaves = ["cmv", "cpc"].flatMap((t) => [`${t}_${hex}_0`, `${t}_${hex}_1`]);
    const tables = DERIVED.filter((t) => !t.startsWith("customer_"));
    expect(rows).toEqual([...leaves, ...tables].sort().map((relname) => ({ relname, relpersistence: "u" })));
    const before = await movements(h, orgId);
    expect(before.at(-1)).toMatchObject({ month: thisMonth, new: 4_000, endMrr: 11_500, activeCustomers: 2 });
    expect(before[0]).toMatchObject({ month: lastYear, new: 7_500, endMrr: 7_500 });
    // Crash recovery resets every unlogged table to empty; on a shared server we cannot crash, so do
    // what it does.
    await h.db.execute(sql.raw(`TRUNCATE ${DERIVED.join(", ")}`));
    await expectRecovery(h, orgId, before);
  });
});

describe("a real crash of an embedded database", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "meridian-crash-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("empties the derived tables, and the refresh job rebuilds them", async () => {
    let h = openPglite(dir);
    await migrateDb(h);
    const orgId = await seedOrg(h);
    const before = await movements(h, orgId);
    expect((await rowCounts(h)).customer_movements).toBe(2);
    await h.close();

    // Another process opens the data directory, reads, and is killed without shutting down.
    const child = `(async () => {
      const { PGlite } = await import("@electric-sql/pglite");
      const db = new PGlite(process.argv[1]);
      const { rows } = await db.query("SELECT count(*)::int AS n FROM customer_movements");
      process.stdout.write(String(rows[0].n));
      process.kill(process.pid, "SIGKILL");
    })();`;
    const { signal, stdout } = await new Promise<{ signal: string | null; stdout: string }>((resolve) => {
      execFile(process.execPath, ["-e", child, dir], { cwd: process.cwd() }, (error, out) =>
        resolve({ signal: (error as { signal?: string } | null)?.signal ?? null, stdout: out }),
      );
    });
    expect({ signal, stdout }).toEqual({ signal: "SIGKILL", stdout: "2" });

    h = openPglite(dir);
    try {
      await expectRecovery(h, orgId, before);
    } finally {
      await h.close();
    }
  }, 120_000);
});
