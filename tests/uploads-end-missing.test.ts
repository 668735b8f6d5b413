import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { queryRows } from "@/db/rows";
import { subscriptionItems, uploads } from "@/db/schema";
import { saveSubscriptionItem, upsertCustomer } from "@/lib/revenue/items";
import { importUpload } from "@/lib/uploads/import";
import { leftOutItems } from "@/lib/uploads/left-out";
import { previewUpload, queueImport } from "@/lib/uploads/plan";
import { AS_OF, counts, monthOf as month, setupUploads } from "./helpers/uploads";

/*
 * A file that lists every live subscription (a full export each month): with `endMissing`, the items
 * earlier uploads imported that it leaves out end on the day chosen (churn or contraction that month,
 * MOV-1), and undo puts them back; one listed again later comes back on that file's day (reactivation).
 */

const { db, newOrg, store, importText, movements, undo, parts } = setupUploads();

const HEADER =
  "subscription_id,customer_id,customer_name,plan,amount,currency,interval,start_date,end_date,status";
/** s<i>: customer c<i>, $10 × (i % 5 + 1) a month from 2024-0<i % 8 + 1>-01; s0 and s4 ended 2024-09-01. */
function row(i: number, status = ""): string {
  const end = i % 4 === 0 ? "2024-09-01" : "";
  return `s${i},c${i},Customer ${i},P${i % 3},${10 * ((i % 5) + 1)},USD,month,2024-0${(i % 8) + 1}-01,${end},${status}`;
}
const file = (ids: number[]) => `${[HEADER, ...ids.map((i) => row(i))].join("\n")}\n`;
const ALL = [0, 1, 2, 3, 4, 5, 6, 7];
const WITHOUT_3_AND_5 = [0, 1, 2, 4, 6, 7];
const FULL_EXPORT = { options: { changesFrom: "2024-10-01", endMissing: true } };

const ends = async (orgId: string) =>
  Object.fromEntries(
    (
      await db()
        .select({ key: subscriptionItems.externalId, end: subscriptionItems.endDate })
        .from(subscriptionItems)
        .where(eq(subscriptionItems.orgId, orgId))
    ).map((i) => [i.key, i.end]),
  );

describe("a full export ends the subscriptions it no longer lists (endMissing)", () => {
  it("ends them on the day chosen: that month's churn, the months before unchanged; undo puts them back", async () => {
    const orgId = await newOrg("end-missing");
    await importText(orgId, file(ALL));
    const before = await movements(orgId);

    const b = await importText(orgId, file(WITHOUT_3_AND_5), FULL_EXPORT);
    expect(b.options.endMissingOn).toBe("2024-10-01");
    expect(counts(b)).toEqual({ status: "complete", read: 6, imported: 0, unchanged: 6, rejected: 0 });
    expect(b.itemsEnded).toBe(2);
    // s0 and s4 had ended before the day: they stay as they were.
    expect(await ends(orgId)).toEqual({
      s0: "2024-09-01",
      s1: null,
      s2: null,
      s3: "2024-10-01",
      s4: "2024-09-01",
      s5: "2024-10-01",
      s6: null,
      s7: null,
    });
    const after = await movements(orgId);
    for (const m of ["2024-04", "2024-06", "2024-09"]) expect(month(after, m)).toEqual(month(before, m));
    // MOV-1: s3 ($40) and s5 ($10) churn in October (their customers have nothing else).
    expect(month(after, "2024-10").churn - month(before, "2024-10").churn).toBe(5_000);
    expect(month(before, "2024-12").endMrr - month(after, "2024-12").endMrr).toBe(5_000);
    // Nothing of the run is left behind.
    const seen = await queryRows<{ n: number | string }>(
      db(),
      sql`SELECT count(*) AS n FROM upload_seen_keys WHERE upload_id = ${b.id}`,
    );
    expect(Number(seen[0]?.n)).toBe(0);

    expect(await undo(orgId, b.id)).toMatchObject({ itemsDeleted: 0, itemsRestored: 2, changesKept: 0 });
    expect((await ends(orgId)).s3).toBeNull();
    expect(await movements(orgId)).toEqual(before);
  });

  it("one left out and listed again later comes back on that file's day: a reactivation, the gap kept", async () => {
    const orgId = await newOrg("end-missing-back");
    await importText(orgId, file(ALL));
    await importText(orgId, file(WITHOUT_3_AND_5), FULL_EXPORT);
    const ended = await movements(orgId);
    const endedOn = { s0: "2024-09-01", s3: "2024-10-01", s4: "2024-09-01", s5: "2024-10-01" };
    expect(await ends(orgId)).toMatchObject(endedOn);

    // January's export lists s3 again (as the first file had it); s5 stays out.
    const { upload } = await store(orgId, file([0, 1, 2, 3, 4, 6, 7]), "january.csv");
    const preview = await previewUpload(db(), { orgId, uploadId: upload.id });
    if (!preview.ok) throw new Error(preview.error.message);
    expect(preview.earlier).toMatchObject({ matched: 7, changed: 1, live: 4, missing: 0 });
    await queueImport(db(), { orgId, uploadId: upload.id, options: { changesFrom: "2025-01-01" } });
    const back = (await importUpload(db(), { orgId, uploadId: upload.id }, { asOf: AS_OF })).upload;
    expect(counts(back)).toEqual({ status: "complete", read: 7, imported: 1, unchanged: 6, rejected: 0 });
    expect(await parts(orgId, "s3")).toMatchObject([
      { key: "s3@2024-04-01..2024-10-01", startDate: "2024-04-01", endDate: "2024-10-01", startedOn: null },
      { key: "s3", startDate: "2025-01-01", endDate: null, startedOn: "2024-04-01" },
    ]);
    const after = await movements(orgId);
    // October's churn and the gap's months stay; January counts s3's $40 as reactivation (MOV-1).
    for (const m of ["2024-10", "2024-11", "2024-12"]) expect(month(after, m)).toEqual(month(ended, m));
    expect(month(after, "2025-01")).toMatchObject({ reactivation: 4_000, new: 0 });
    expect(month(after, "2025-01").endMrr - month(ended, "2025-01").endMrr).toBe(4_000);

    // The same file again changes nothing; undo puts s3 back as the full export left it.
    const again = await importText(orgId, `${file([0, 1, 2, 3, 4, 6, 7])}\n`, {
      options: { changesFrom: "2025-02-01" },
    });
    expect(counts(again)).toMatchObject({ imported: 0, unchanged: 7 });
    expect(await undo(orgId, again.id)).toMatchObject({ itemsRestored: 0 });
    // The earlier part goes (it is the first upload's, so not counted as deleted); s3 gets its span back.
    expect(await undo(orgId, back.id)).toMatchObject({ itemsDeleted: 0, itemsRestored: 1, changesKept: 0 });
    expect(await ends(orgId)).toEqual({ ...Object.fromEntries(ALL.map((i) => [`s${i}`, null])), ...endedOn });
    expect(await movements(orgId)).toEqual(ended);
  });

  it("a canceled subscription listed as live again comes back on the day; as a correction, from its start", async () => {
    const orgId = await newOrg("end-missing-canceled");
    const head = "subscription_id,customer_id,amount,interval,start_date,end_date\n";
    await importText(
      orgId,
      `${head}k1,c1,20,month,2024-01-01,2024-05-01\nk2,c2,30,month,2024-01-01,2024-05-01\n`,
    );
    await importText(orgId, `${head}k1,c1,20,month,2024-01-01,\nk2,c2,30,month,2024-01-01,\n`, {
      options: { changesFrom: "2024-08-01" },
    });
    expect(await parts(orgId, "k1")).toMatchObject([
      {
        key: "k1@2024-01-01..2024-05-01",
        startDate: "2024-01-01",
        endDate: "2024-05-01",
        status: "canceled",
      },
      { key: "k1", startDate: "2024-08-01", endDate: null, status: "active" },
    ]);
    const list = await movements(orgId);
    expect(month(list, "2024-05").churn).toBe(5_000);
    expect(month(list, "2024-06").endMrr).toBe(0);
    expect(month(list, "2024-08")).toMatchObject({ reactivation: 5_000, endMrr: 5_000 });

    const fixed = await newOrg("end-missing-canceled-fix");
    await importText(fixed, `${head}k1,c1,20,month,2024-01-01,2024-05-01\n`);
    await importText(fixed, `${head}k1,c1,20,month,2024-01-01,\n`, { options: { changesFrom: "start" } });
    expect(await ends(fixed)).toEqual({ k1: null });
    expect(month(await movements(fixed), "2024-06").endMrr).toBe(2_000);
  });

  it("the preview counts the live subscriptions imported before that the file leaves out", async () => {
    const orgId = await newOrg("end-missing-preview");
    await importText(orgId, file(ALL));
    const { upload } = await store(orgId, file(WITHOUT_3_AND_5), "next.csv");
    const preview = await previewUpload(db(), { orgId, uploadId: upload.id });
    if (!preview.ok) throw new Error(preview.error.message);
    // s0 and s4 ended in 2024: matched, but not live.
    expect(preview.earlier).toEqual({ matched: 6, changed: 0, live: 6, missing: 2 });
  });

  it("a row the import rejects still lists its subscription by id: it neither changes nor ends", async () => {
    const orgId = await newOrg("end-missing-rejected");
    await importText(orgId, file(ALL));
    // s1's start date cannot be read (the mapping's parsing); s2 is in a currency with no exchange rate
    // (the import's staging rules); s5 is left out.
    const rows = [0, 1, 2, 3, 4, 6, 7].map((i) =>
      i === 1 ? row(i).replace("2024-02-01", "2024-13-45") : i === 2 ? row(i).replace("USD", "JPY") : row(i),
    );
    const text = `${[HEADER, ...rows].join("\n")}\n`;
    const { upload } = await store(orgId, text, "with-bad-rows.csv");
    const preview = await previewUpload(db(), { orgId, uploadId: upload.id });
    if (!preview.ok) throw new Error(preview.error.message);
    expect(preview.rowsWithErrors).toBe(2);
    expect(preview.earlier).toMatchObject({ live: 6, missing: 1 });

    await queueImport(db(), { orgId, uploadId: upload.id, ...FULL_EXPORT });
    const done = (await importUpload(db(), { orgId, uploadId: upload.id }, { asOf: AS_OF })).upload;
    expect(counts(done)).toEqual({ status: "complete", read: 7, imported: 0, unchanged: 5, rejected: 2 });
    expect(done.itemsEnded).toBe(1);
    expect(await ends(orgId)).toMatchObject({ s1: null, s2: null, s3: null, s5: "2024-10-01" });
  });

  it("before the import, the whole file is read to say what it would end on the day: as many as the import ends", async () => {
    const orgId = await newOrg("end-missing-left-out");
    // More rows than the preview reads: it can only say how many were live.
    const many = Array.from({ length: 1_500 }, (_, i) => i + 8);
    await importText(orgId, file([...ALL, ...many]));
    const next = [0, 1, 2, 4, 6, 7, ...many.filter((i) => i % 500 !== 1)].map((i) =>
      i === 9 ? row(i).replace("2024-02-01", "2024-13-45") : row(i),
    );
    const { upload } = await store(orgId, `${[HEADER, ...next].join("\n")}\n`, "next.csv");
    const preview = await previewUpload(db(), { orgId, uploadId: upload.id });
    if (!preview.ok) throw new Error(preview.error.message);
    expect(preview.truncated).toBe(true);
    // Every 4th ended in 2024-09 (row()).
    expect(preview.earlier).toMatchObject({ live: 1_131, missing: null });

    const input = { orgId, uploadId: upload.id, ...FULL_EXPORT };
    const left = await leftOutItems(db(), input);
    // s3 ($40), s5 ($10), s501, s1001, s1501 ($20 each); s9 (its date unreadable) stays listed.
    expect(left).toMatchObject({ day: "2024-10-01", rowsRead: 1_503, live: 1_131, missing: 5 });
    expect(left.missingMrr).toBe(11_000);
    expect(left.examples.map((e) => [e.subscriptionId, e.customer, e.plan, e.mrr])).toEqual([
      ["s3", "Customer 3", "P0", 4_000],
      ["s1001", "Customer 1001", "P2", 2_000],
      ["s1501", "Customer 1501", "P1", 2_000],
      ["s501", "Customer 501", "P0", 2_000],
      ["s5", "Customer 5", "P2", 1_000],
    ]);
    // On 2024-03-01 only s1001 of them had started (February); the others start later in 2024.
    expect((await leftOutItems(db(), { ...input, options: { endMissing: "2024-03-01" } })).missing).toBe(1);

    await queueImport(db(), input);
    const done = (await importUpload(db(), { orgId, uploadId: upload.id }, { asOf: AS_OF })).upload;
    expect(done).toMatchObject({ rowsRejected: 1, itemsEnded: 5 });
  });

  it("without an id column, rows are known by their values: a row whose amount cannot be read names nothing", async () => {
    const orgId = await newOrg("end-missing-no-ids");
    const head = "customer_id,plan,amount,currency,interval,start_date\n";
    const line = (c: number, amount = `${10 * c}`) => `c${c},Pro,${amount},USD,month,2024-0${c}-01\n`;
    await importText(orgId, head + line(1) + line(2) + line(3) + line(4));
    const text = head + line(2) + line(1) + line(3, "abc");
    const { upload } = await store(orgId, text, "no-ids.csv");
    const input = { orgId, uploadId: upload.id, ...FULL_EXPORT };
    const left = await leftOutItems(db(), input);
    expect(left).toMatchObject({ rowsRead: 3, live: 4, missing: 2, missingMrr: 7_000 });
    expect(left.examples.map((e) => [e.customer, e.mrr])).toEqual([
      ["c4", 4_000],
      ["c3", 3_000],
    ]);
    await queueImport(db(), input);
    const done = (await importUpload(db(), { orgId, uploadId: upload.id }, { asOf: AS_OF })).upload;
    expect(done).toMatchObject({ rowsRejected: 1, rowsUnchanged: 2, itemsEnded: 2 });
  });

  it("without the option, or for another org's items, the Stripe sync's or a form's, nothing ends", async () => {
    const orgId = await newOrg("end-missing-scope");
    const other = await newOrg("end-missing-other");
    await importText(orgId, file(ALL));
    await importText(other, file(ALL));
    const customer = await upsertCustomer(db(), orgId, { externalId: "c3", name: "Customer 3" });
    await saveSubscriptionItem(db(), orgId, {
      source: "manual",
      externalId: "by-hand",
      customerId: customer.id,
      quantity: 1,
      unitAmount: 9_900,
      currency: "USD",
      intervalUnit: "month",
      startDate: "2024-02-01",
    });

    const plain = await importText(orgId, file(WITHOUT_3_AND_5), {
      options: { changesFrom: "2024-10-01" },
    });
    expect(plain.itemsEnded).toBeNull();
    expect((await ends(orgId)).s3).toBeNull();

    const full = await importText(orgId, file([...WITHOUT_3_AND_5].reverse()), FULL_EXPORT);
    expect(full.itemsEnded).toBe(2);
    expect(await ends(orgId)).toMatchObject({ s3: "2024-10-01", s5: "2024-10-01", "by-hand": null });
    expect(await ends(other)).toMatchObject({ s3: null, s5: null });
  });

  it("a stop mid-way, run again, ends exactly the same items once", async () => {
    const orgId = await newOrg("end-missing-stop");
    await importText(orgId, file(ALL));
    const { upload } = await store(orgId, file(WITHOUT_3_AND_5), "full.csv");
    await queueImport(db(), { orgId, uploadId: upload.id, ...FULL_EXPORT });
    let batches = 0;
    await expect(
      importUpload(
        db(),
        { orgId, uploadId: upload.id },
        {
          asOf: AS_OF,
          batchSize: 2,
          onProgress: () => {
            if (++batches === 2) throw new Error("killed");
          },
        },
      ),
    ).rejects.toThrow("killed");
    const [stopped] = await db().select().from(uploads).where(eq(uploads.id, upload.id));
    expect(stopped?.itemsEnded).toBeNull();
    expect((await ends(orgId)).s3).toBeNull();

    await queueImport(db(), { orgId, uploadId: upload.id });
    const done = (await importUpload(db(), { orgId, uploadId: upload.id }, { asOf: AS_OF, batchSize: 2 }))
      .upload;
    expect(counts(done)).toEqual({ status: "complete", read: 6, imported: 0, unchanged: 6, rejected: 0 });
    expect(done.itemsEnded).toBe(2);
    expect(await ends(orgId)).toMatchObject({ s1: null, s2: null, s3: "2024-10-01", s5: "2024-10-01" });
    const changes = await queryRows<{ n: number | string }>(
      db(),
      sql`SELECT count(*) AS n FROM upload_item_changes WHERE upload_id = ${upload.id}`,
    );
    expect(Number(changes[0]?.n)).toBe(2);
  });

  it("a trial left out ends with its trial period; an item that starts after the day is left alone", async () => {
    const orgId = await newOrg("end-missing-trial");
    const head = "subscription_id,customer_id,amount,interval,start_date,status\n";
    await importText(
      orgId,
      `${head}t1,c1,20,month,2024-02-01,trialing\nt2,c2,10,month,2024-12-01,active\nt3,c3,10,month,2024-01-01,active\n`,
    );
    const u = await importText(orgId, `${head}t3,c3,10,month,2024-01-01,active\n`, {
      options: { changesFrom: "2024-06-01", endMissing: true },
    });
    expect(u.itemsEnded).toBe(1);
    expect(await ends(orgId)).toEqual({ t1: "2024-06-01", t2: null, t3: null });
    const periods = await queryRows<{ kind: string; start_date: string; end_date: string | null }>(
      db(),
      sql`SELECT p.kind, p.start_date::text, p.end_date::text FROM subscription_item_periods p
          JOIN subscription_items i ON i.id = p.item_id
          WHERE i.org_id = ${orgId} AND i.external_id = 't1'`,
    );
    expect(periods).toEqual([{ kind: "trialing", start_date: "2024-02-01", end_date: "2024-06-01" }]);
    const [t1] = await db()
      .select({ status: subscriptionItems.status })
      .from(subscriptionItems)
      .where(and(eq(subscriptionItems.orgId, orgId), eq(subscriptionItems.externalId, "t1")));
    expect(t1?.status).toBe("trialing");
  });

  it("corrections from the start end what is missing on the day the import is queued", async () => {
    const orgId = await newOrg("end-missing-start");
    await importText(orgId, file(ALL));
    const u = await importText(orgId, file(WITHOUT_3_AND_5), {
      options: { changesFrom: "start", endMissing: true },
    });
    const today = new Date().toISOString().slice(0, 10);
    expect(u.options).toMatchObject({ changesFrom: "start", endMissingOn: today });
    expect(await ends(orgId)).toMatchObject({ s1: null, s5: today });
  });
});
