import { and, asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getUpload, listRejections } from "@/db/queries/uploads";
import { customers, subscriptionItems, uploadTouchedCustomers } from "@/db/schema";
import { rebuildRevenue } from "@/lib/metrics/derive";
import { importUpload } from "@/lib/uploads/import";
import { ALL_CUSTOMERS } from "@/lib/uploads/import-write";
import { queueImport } from "@/lib/uploads/plan";
import { AS_OF, counts, setupUploads } from "./helpers/uploads";

// How batches meet: repeats of an earlier batch's item, customers named on rows of several batches,
// and the derived metrics of an import (incremental, or one rebuild above `rebuildAbove` customers).
const { db, newOrg, store, importText, movements } = setupUploads();

const HEADER = "subscription_id,customer_id,customer_name,plan,amount,currency,interval,start_date";
const file = (lines: string[]) => `${[HEADER, ...lines].join("\n")}\n`;
const items = (orgId: string) =>
  db()
    .select({ externalId: subscriptionItems.externalId, mrr: subscriptionItems.mrr })
    .from(subscriptionItems)
    .where(eq(subscriptionItems.orgId, orgId))
    .orderBy(asc(subscriptionItems.externalId));
const customerName = async (orgId: string, externalId: string) =>
  (
    await db()
      .select({ name: customers.name })
      .from(customers)
      .where(and(eq(customers.orgId, orgId), eq(customers.externalId, externalId)))
  )[0]?.name;

/** The derived metrics equal what a rebuild from scratch computes (MOV-2 holds either way). */
async function expectMetricsRebuilt(orgId: string) {
  const derived = await movements(orgId);
  await rebuildRevenue(db(), orgId, { asOf: AS_OF });
  expect(await movements(orgId)).toEqual(derived);
  return derived;
}

describe("batches", () => {
  it("a repeat of an earlier batch's item is rejected and changes nothing, not even its customer", async () => {
    const orgId = await newOrg("repeat");
    const u = await importText(
      orgId,
      file([
        "s1,c1,Acme,Pro,10.00,USD,month,2024-01-01",
        "s2,c2,Bolt,Pro,20.00,USD,month,2024-01-01",
        "s3,c1,Acme,Pro,30.00,USD,month,2024-01-01",
        "s1,c1,Acme Renamed,Pro,99.00,USD,month,2024-01-01", // line 5: batch 2 repeats s1 of batch 1
        "s4,c3,Cyan,Pro,40.00,USD,month,2024-01-01",
      ]),
      {},
      { batchSize: 2 },
    );
    expect(counts(u)).toEqual({ status: "complete", read: 5, imported: 4, unchanged: 0, rejected: 1 });
    expect(await items(orgId)).toEqual([
      { externalId: "s1", mrr: 1_000 },
      { externalId: "s2", mrr: 2_000 },
      { externalId: "s3", mrr: 3_000 },
      { externalId: "s4", mrr: 4_000 },
    ]);
    expect(await customerName(orgId, "c1")).toBe("Acme");
    const rejected = await listRejections(db(), orgId, u.id);
    expect(rejected.map((r) => [r.line, r.value, r.message])).toEqual([
      [
        5,
        "s1",
        "repeats the subscription of an earlier row (same id 's1'); it is imported once. If the file has a row per subscription item, map the item's id column as the subscription item id to import each item",
      ],
    ]);
  });

  it("a customer named on rows of several batches ends with the last value given", async () => {
    const orgId = await newOrg("names");
    const u = await importText(
      orgId,
      file([
        "s1,c1,Acme,Pro,10.00,USD,month,2024-01-01",
        "s2,c1,Acme,Pro,10.00,USD,month,2024-02-01",
        "s3,c1,Acme,Pro,10.00,USD,month,2024-03-01",
        "s4,c1,Acme Corp,Pro,10.00,USD,month,2024-04-01",
        "s5,c1,Acme,Pro,10.00,USD,month,2024-05-01", // batch 3 names it as batch 1 did: written again
        "s6,c2,,Pro,10.00,USD,month,2024-05-01",
      ]),
      {},
      { batchSize: 2 },
    );
    expect(counts(u)).toEqual({ status: "complete", read: 6, imported: 6, unchanged: 0, rejected: 0 });
    expect(await customerName(orgId, "c1")).toBe("Acme");
    expect(await customerName(orgId, "c2")).toBe("c2");
  });

  it("an item moved to another customer updates both customers' metrics", async () => {
    const orgId = await newOrg("moved");
    await importText(orgId, file(["s1,c1,Acme,Pro,10.00,USD,month,2024-01-01"]));
    const u = await importText(orgId, file(["s1,c2,Bolt,Pro,10.00,USD,month,2024-01-01"]));
    expect(counts(u)).toEqual({ status: "complete", read: 1, imported: 1, unchanged: 0, rejected: 0 });
    const derived = await expectMetricsRebuilt(orgId);
    expect(derived.at(-1)?.endMrr).toBe(1_000);
  });

  it("above rebuildAbove customers the import ends with one rebuild, also when it was killed and re-run", async () => {
    const orgId = await newOrg("rebuild");
    await importText(orgId, file(["s0,c0,Zero,Pro,5.00,USD,month,2023-12-01"]));
    const lines = Array.from(
      { length: 9 },
      (_, i) => `s${i + 1},c${i + 1},Customer ${i + 1},Pro,${i + 1}0.00,USD,month,2024-0${i + 1}-01`,
    );
    const { upload } = await store(orgId, file(lines));
    await queueImport(db(), { orgId, uploadId: upload.id });
    const hooks = { batchSize: 3, rebuildAbove: 2, asOf: AS_OF };
    await expect(
      importUpload(
        db(),
        { orgId, uploadId: upload.id },
        {
          ...hooks,
          onProgress: () => {
            throw new Error("simulated crash");
          },
        },
      ),
    ).rejects.toThrow("simulated crash");
    const marker = await db()
      .select({ id: uploadTouchedCustomers.customerId })
      .from(uploadTouchedCustomers)
      .where(eq(uploadTouchedCustomers.uploadId, upload.id));
    expect(marker).toEqual([{ id: ALL_CUSTOMERS }]);
    expect((await getUpload(db(), orgId, upload.id))?.recordsDone).toBe(3);

    const done = await importUpload(db(), { orgId, uploadId: upload.id }, hooks);
    expect(counts(done.upload)).toEqual({
      status: "complete",
      read: 9,
      imported: 9,
      unchanged: 0,
      rejected: 0,
    });
    const left = await db()
      .select()
      .from(uploadTouchedCustomers)
      .where(eq(uploadTouchedCustomers.uploadId, upload.id));
    expect(left).toEqual([]);
    const derived = await expectMetricsRebuilt(orgId);
    expect(derived.at(-1)?.endMrr).toBe(500 + 45_000); // $5 + $10 + … + $90 a month
  });
});
