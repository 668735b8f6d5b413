import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { uploadRejections } from "@/db/schema";
import { leftOutItems } from "@/lib/uploads/left-out";
import { previewUpload } from "@/lib/uploads/plan";
import { counts, itemsByCustomer, monthOf as month, setupUploads } from "./helpers/uploads";

/*
 * Exports with a row per subscription item (Stripe's subscription items, Zuora's rate plan charges, a
 * CRM's line items): the item id column keys each item (itemKeyOf), so a base plan and its add-on under one
 * subscription id are two items of that subscription's customer, not a row and its rejected repeat.
 */

const { db, newOrg, store, importText, movements, undo } = setupUploads();

const HEADER =
  "Subscription ID,Subscription Item ID,Customer ID,Customer Name,Plan,Amount,Currency,Interval,Start Date";
const LINES = {
  base: "sub_1,si_1,cus_1,Acme,Base,100.00,USD,month,2024-01-01",
  addon: "sub_1,si_2,cus_1,Acme,Add-on,20.00,USD,month,2024-03-01",
  beta: "sub_2,si_3,cus_2,Beta,Base,50.00,USD,month,2024-02-01",
};
const file = (...lines: string[]) => `${[HEADER, ...lines].join("\n")}\n`;

describe("a row per subscription item", () => {
  it("imports each item under its subscription, once in any order, and a full export ends the add-on it leaves out", async () => {
    const orgId = await newOrg("items-per-row");
    const { upload } = await store(orgId, file(LINES.base, LINES.addon, LINES.beta), "items.csv");
    const preview = await previewUpload(db(), { orgId, uploadId: upload.id });
    if (!preview.ok) throw new Error(preview.error.message);
    expect(preview.mapping.filter((m) => m.field?.endsWith("_id")).map((m) => [m.header, m.field])).toEqual([
      ["Subscription ID", "subscription_id"],
      ["Subscription Item ID", "item_id"],
      ["Customer ID", "customer_id"],
    ]);
    expect(preview.problems).toEqual([]);

    const first = await importText(orgId, file(LINES.base, LINES.addon, LINES.beta));
    expect(counts(first)).toEqual({ status: "complete", read: 3, imported: 3, unchanged: 0, rejected: 0 });
    const items = (await itemsByCustomer(db(), orgId)).map((i) => [i.key, i.customer, i.plan, i.mrr]);
    expect(items.sort()).toEqual([
      ["si_1", "Acme", "Base", 10_000],
      ["si_2", "Acme", "Add-on", 2_000],
      ["si_3", "Beta", "Base", 5_000],
    ]);
    // MOV-1: the add-on is Acme's expansion in March, not a new customer.
    const before = await movements(orgId);
    expect(month(before, "2024-03")).toMatchObject({ new: 0, expansion: 2_000 });
    expect(month(before, "2024-12").endMrr).toBe(17_000);

    // The same rows in another order: nothing new, nothing changed.
    const again = await importText(orgId, file(LINES.beta, LINES.addon, LINES.base));
    expect(counts(again)).toEqual({ status: "complete", read: 3, imported: 0, unchanged: 3, rejected: 0 });

    // Next export without the add-on: the check names it alone, and the import ends it alone.
    const fullExport = { options: { changesFrom: "2024-10-01", endMissing: true } };
    const { upload: next } = await store(orgId, file(LINES.beta, LINES.base), "next.csv");
    const left = await leftOutItems(db(), { orgId, uploadId: next.id, ...fullExport });
    expect(left).toMatchObject({ live: 3, missing: 1, missingMrr: 2_000 });
    expect(left.examples.map((e) => e.subscriptionId)).toEqual(["si_2"]);
    const ended = await importText(orgId, file(LINES.beta, LINES.base), fullExport);
    expect(ended.itemsEnded).toBe(1);
    const after = await movements(orgId);
    expect(month(after, "2024-10")).toMatchObject({ contraction: 2_000, churn: 0 });
    expect(month(after, "2024-12").endMrr).toBe(15_000);

    await undo(orgId, ended.id);
    expect(await movements(orgId)).toEqual(before);
  });

  it("without the item column, a subscription's second row is a repeat and says how to import each item", async () => {
    const orgId = await newOrg("items-unmapped");
    const u = await importText(orgId, file(LINES.base, LINES.addon), {
      mapping: { "Subscription Item ID": null },
    });
    expect(counts(u)).toEqual({ status: "complete", read: 2, imported: 1, unchanged: 0, rejected: 1 });
    expect((await itemsByCustomer(db(), orgId)).map((i) => i.key)).toEqual(["sub_1"]);
    const [rejection] = await db()
      .select({ line: uploadRejections.line, message: uploadRejections.message })
      .from(uploadRejections)
      .where(eq(uploadRejections.uploadId, u.id));
    expect(rejection).toEqual({
      line: 3,
      message:
        "repeats the subscription of row 2 (same id 'sub_1'); it is imported once. If the file has a row per subscription item, map the item's id column as the subscription item id to import each item",
    });
  });

  it("a row without an item id falls back to its subscription id", async () => {
    const orgId = await newOrg("items-fallback");
    const u = await importText(orgId, file(LINES.base, "sub_9,,cus_9,Gamma,Base,30.00,USD,month,2024-01-01"));
    expect(counts(u)).toMatchObject({ imported: 2, rejected: 0 });
    expect((await itemsByCustomer(db(), orgId)).map((i) => i.key)).toEqual(["si_1", "sub_9"]);
  });
});
