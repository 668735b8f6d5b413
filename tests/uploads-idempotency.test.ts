import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getUpload, listRejections, listUploads } from "@/db/queries/uploads";
import { queryRows } from "@/db/rows";
import { auditLogs, customers, plans, subscriptionItems, uploads } from "@/db/schema";
import { rebuildRevenue } from "@/lib/metrics/derive";
import { endSubscriptionItem, saveSubscriptionItem, upsertCustomer } from "@/lib/revenue/items";
import { importUpload } from "@/lib/uploads/import";
import { queueImport } from "@/lib/uploads/plan";
import { deleteUpload } from "@/lib/uploads/undo";
import { AS_OF, counts, monthOf as month, setupUploads } from "./helpers/uploads";

const { db, newOrg, store, importText, movements, undo, parts } = setupUploads();

const HEADER = "subscription_id,customer_id,customer_name,plan,amount,currency,interval,start_date,end_date";
/** n rows: subscription s<i> of customer c<i % 7>, $10 × (i % 5 + 1) a month, some ended. */
function rows(from: number, to: number): string[] {
  const out: string[] = [];
  for (let i = from; i < to; i++) {
    const end = i % 4 === 0 ? "2024-09-01" : "";
    out.push(
      `s${i},c${i % 7},Customer ${i % 7},P${i % 3},${10 * ((i % 5) + 1)},USD,month,2024-0${(i % 8) + 1}-01,${end}`,
    );
  }
  return out;
}
const file = (lines: string[]) => `${[HEADER, ...lines].join("\n")}\n`;
const itemCount = async (orgId: string) =>
  (
    await db()
      .select({ id: subscriptionItems.id })
      .from(subscriptionItems)
      .where(eq(subscriptionItems.orgId, orgId))
  ).length;

describe("idempotent imports", () => {
  it("the same file twice is the same upload; a reordered copy changes nothing; an overlapping file adds only its new rows", async () => {
    const orgId = await newOrg("idem");
    const text = file(rows(0, 40));
    const first = await importText(orgId, text);
    expect(counts(first)).toEqual({ status: "complete", read: 40, imported: 40, unchanged: 0, rejected: 0 });
    const again = await store(orgId, text, "again.csv");
    expect(again.duplicate).toBe(true);
    expect(again.upload.id).toBe(first.id);
    expect((await listUploads(db(), orgId)).length).toBe(1);

    const before = await movements(orgId);
    const reordered = await importText(orgId, file(rows(0, 40).reverse()));
    expect(reordered.id).not.toBe(first.id);
    expect(counts(reordered)).toEqual({
      status: "complete",
      read: 40,
      imported: 0,
      unchanged: 40,
      rejected: 0,
    });
    expect(await itemCount(orgId)).toBe(40);

    const overlap = await importText(orgId, file(rows(30, 55)));
    expect(counts(overlap)).toEqual({
      status: "complete",
      read: 25,
      imported: 15,
      unchanged: 10,
      rejected: 0,
    });
    expect(await itemCount(orgId)).toBe(55);
    const after = await movements(orgId);
    expect(after.at(-1)?.endMrr).toBeGreaterThan(before.at(-1)?.endMrr ?? 0);
  });

  it("a changed row updates its item and counts as imported", async () => {
    const orgId = await newOrg("change");
    await importText(orgId, file(rows(0, 5)));
    const changed = rows(0, 5).map((r) => (r.startsWith("s2,") ? r.replace(",30,USD", ",35,USD") : r));
    const u = await importText(orgId, file(changed));
    expect(counts(u)).toEqual({ status: "complete", read: 5, imported: 1, unchanged: 4, rejected: 0 });
    const [s2] = await db()
      .select({ mrr: subscriptionItems.mrr })
      .from(subscriptionItems)
      .where(and(eq(subscriptionItems.orgId, orgId), eq(subscriptionItems.externalId, "s2")));
    expect(s2?.mrr).toBe(3_500);
  });
});

describe("kill and re-run", () => {
  it("continues after the last committed batch and ends with exact counts", async () => {
    const orgId = await newOrg("kill");
    const lines = rows(0, 95);
    lines.splice(50, 0, "bad,c1,Customer 1,P1,lots,USD,month,2024-01-01,"); // one rejected row in batch 6
    const { upload } = await store(orgId, file(lines));
    await queueImport(db(), { orgId, uploadId: upload.id });
    let seen = 0;
    await expect(
      importUpload(
        db(),
        { orgId, uploadId: upload.id },
        {
          batchSize: 10,
          asOf: AS_OF,
          onProgress: () => {
            seen++;
            if (seen === 3) throw new Error("simulated crash");
          },
        },
      ),
    ).rejects.toThrow("simulated crash");
    const crashed = await getUpload(db(), orgId, upload.id);
    expect(crashed).toMatchObject({ status: "failed", recordsDone: 30, rowsRead: 30, rowsImported: 30 });
    expect(await itemCount(orgId)).toBe(30);
    // A process killed outright leaves the upload "importing"; a re-run takes it from there too.
    await db().update(uploads).set({ status: "importing" }).where(eq(uploads.id, upload.id));

    const done = await importUpload(db(), { orgId, uploadId: upload.id }, { batchSize: 10, asOf: AS_OF });
    expect(counts(done.upload)).toEqual({
      status: "complete",
      read: 96,
      imported: 95,
      unchanged: 0,
      rejected: 1,
    });
    expect(await itemCount(orgId)).toBe(95);

    // The metrics equal a rebuild from scratch: every customer of the interrupted run was updated.
    const incremental = await movements(orgId);
    await rebuildRevenue(db(), orgId, { asOf: AS_OF });
    expect(await movements(orgId)).toEqual(incremental);
    expect(incremental.at(-1)?.endMrr).toBeGreaterThan(0);
  });
});

describe("importing in steps", () => {
  // A Windows-style file with a BOM, multi-byte characters, quoted names spanning two lines and empty
  // lines: each step must start exactly where the last one stopped, in bytes and in line numbers.
  const messy = () => {
    const out = ["id,customer_id,customer_name,amount,interval,start_date"];
    const badLines: number[] = [];
    let line = 2;
    for (let i = 1; i <= 20; i++) {
      const name = i % 4 === 0 ? `"Café ${i}\r\nBüro ☕"` : `Kunde ${i} €`;
      const amount = i % 7 === 3 ? "ten" : `${10 + i}`; // rows 3, 10, 17: none starts a step
      if (i % 7 === 3) badLines.push(line);
      out.push(`s${i},c${i % 6},${name},${amount},month,2024-01-01`);
      line += i % 4 === 0 ? 2 : 1;
      if (i % 5 === 0) {
        out.push("");
        line++;
      }
    }
    return { text: `\uFEFF${out.join("\r\n")}\r\n`, badLines };
  };

  const stepByStep = async (orgId: string, text: string, forgetOffset: boolean) => {
    const { upload } = await store(orgId, text, "steps.csv", 7); // 7-byte pieces: characters cut in two
    await queueImport(db(), { orgId, uploadId: upload.id });
    const positions: { done: number; offset: number | null; line: number | null }[] = [];
    for (let step = 0; step < 20; step++) {
      if (forgetOffset) {
        // An import begun before the offset was stored: it re-parses and skips records_done records.
        await db()
          .update(uploads)
          .set({ resumeOffset: null, resumeLine: null })
          .where(eq(uploads.id, upload.id));
      }
      const { upload: now, done } = await importUpload(
        db(),
        { orgId, uploadId: upload.id },
        { batchSize: 3, maxBatches: 2, asOf: AS_OF },
      );
      positions.push({ done: now.recordsDone, offset: now.resumeOffset, line: now.resumeLine });
      if (done) return { upload: now, positions };
    }
    throw new Error("the import did not finish in 20 steps");
  };

  it("each step starts where the last stopped: the same rows, counts and rejected lines as one pass", async () => {
    const { text, badLines } = messy();
    const oneOrg = await newOrg("steps-one");
    const one = await importText(oneOrg, text);
    expect(counts(one)).toEqual({ status: "complete", read: 20, imported: 17, unchanged: 0, rejected: 3 });
    const lines = async (orgId: string, uploadId: string) =>
      (await listRejections(db(), orgId, uploadId)).map((r) => [r.line, r.column, r.value]);
    expect(await lines(oneOrg, one.id)).toEqual(badLines.map((l) => [l, "amount", "ten"]));
    const itemIds = async (orgId: string) =>
      (
        await db()
          .select({ id: subscriptionItems.externalId, mrr: subscriptionItems.mrr })
          .from(subscriptionItems)
          .where(eq(subscriptionItems.orgId, orgId))
      ).sort((a, b) => a.id.localeCompare(b.id));
    expect(await itemIds(oneOrg)).toHaveLength(17);
    const names = async (orgId: string) =>
      (await db().select({ name: customers.name }).from(customers).where(eq(customers.orgId, orgId)))
        .map((c) => c.name)
        .sort();

    for (const forgetOffset of [false, true]) {
      const orgId = await newOrg(`steps-${forgetOffset}`);
      const { upload, positions } = await stepByStep(orgId, text, forgetOffset);
      expect(counts(upload)).toEqual(counts(one));
      expect(await lines(orgId, upload.id)).toEqual(await lines(oneOrg, one.id));
      expect(await itemIds(orgId)).toEqual(await itemIds(oneOrg));
      expect(await names(orgId)).toEqual(await names(oneOrg));
      if (forgetOffset) continue;
      // After the first step (6 records): the offset is where record 7 starts in the text (BOM left
      // out, as the decoder does), and the line before it is the one record 6 ends on.
      const first = positions[0];
      expect(first?.done).toBe(6);
      const body = Buffer.from(text.slice(1));
      expect(
        body
          .subarray(first?.offset ?? 0)
          .toString()
          .startsWith("s7,c1,Kunde 7 €"),
      ).toBe(true);
      expect(first?.line).toBe(9); // header 1, s1-s3 2-4, s4 5-6, s5 7, empty 8, s6 9
    }
  });

  it("a step remembers the customers the steps before it wrote: a rename between steps stands, as within one", async () => {
    // c0 is on rows s0 (batch 1) and s7 (batch 3), the same both times; batches of 3 rows. The rename
    // comes after batch 1: inside one importUpload call (its progress hook), or between one-batch steps.
    const importRenaming = async (orgId: string, oneBatchSteps: boolean) => {
      const { upload } = await store(orgId, file(rows(0, 12)), "renamed.csv");
      await queueImport(db(), { orgId, uploadId: upload.id });
      const c0 = and(eq(customers.orgId, orgId), eq(customers.externalId, "c0"));
      const rename = () => db().update(customers).set({ name: "Renamed in the app" }).where(c0);
      for (let step = 0; step < 10; step++) {
        const { upload: now, done } = await importUpload(
          db(),
          { orgId, uploadId: upload.id },
          oneBatchSteps
            ? { batchSize: 3, maxBatches: 1, asOf: AS_OF }
            : {
                batchSize: 3,
                asOf: AS_OF,
                onProgress: async (p) => {
                  if (p.batches === 1) await rename();
                },
              },
        );
        if (oneBatchSteps && step === 0) await rename();
        if (done) return { upload: now, name: (await db().select().from(customers).where(c0))[0]?.name };
      }
      throw new Error("the import did not finish in 10 steps");
    };
    for (const oneBatchSteps of [false, true]) {
      const { upload, name } = await importRenaming(await newOrg(`carry-${oneBatchSteps}`), oneBatchSteps);
      expect(counts(upload)).toEqual({
        status: "complete",
        read: 12,
        imported: 12,
        unchanged: 0,
        rejected: 0,
      });
      // Row s7 repeats what this import already wrote for c0: it does not undo the newer rename.
      expect(name, oneBatchSteps ? "between steps" : "within one step").toBe("Renamed in the app");
    }
  });

  it("items name their customer by the id the run remembers; a customer deleted meanwhile is written again and the import finishes", async () => {
    const orgId = await newOrg("carry-deleted");
    const { upload } = await store(orgId, file(rows(0, 12)), "deleted.csv");
    await queueImport(db(), { orgId, uploadId: upload.id });
    const c0 = and(eq(customers.orgId, orgId), eq(customers.externalId, "c0"));
    let deletedId: string | undefined;
    // After batch 1 (s0-s2) the app deletes c0, and its item s0 with it; s7 (batch 3) names c0 again,
    // which the run remembers as written, with the deleted id.
    const { upload: done } = await importUpload(
      db(),
      { orgId, uploadId: upload.id },
      {
        batchSize: 3,
        asOf: AS_OF,
        onProgress: async (p) => {
          if (p.batches !== 1) return;
          const [gone] = await db().delete(customers).where(c0).returning();
          deletedId = gone?.id;
        },
      },
    );
    expect(deletedId).toBeDefined();
    expect(counts(done)).toEqual({ status: "complete", read: 12, imported: 12, unchanged: 0, rejected: 0 });
    const [again] = await db().select().from(customers).where(c0);
    expect(again?.id).toBeDefined();
    expect(again?.id).not.toBe(deletedId);
    const items = await db()
      .select({ key: subscriptionItems.externalId, customerId: subscriptionItems.customerId })
      .from(subscriptionItems)
      .where(eq(subscriptionItems.orgId, orgId));
    expect(items.filter((i) => i.customerId === again?.id).map((i) => i.key)).toEqual(["s7"]);
    expect(items).toHaveLength(11); // s0 went with the deleted customer
    // The metrics count the re-created customer's item: the import's rebuild saw it.
    const mrr = await queryRows<{ n: number | string }>(
      db(),
      sql`SELECT count(*) AS n FROM customer_movements WHERE org_id = ${orgId} AND customer_id = ${again?.id ?? ""}`,
    );
    expect(Number(mrr[0]?.n)).toBeGreaterThan(0);
  });
});

describe("undo", () => {
  it("removes the upload's items and only its own customers and plans, and the metrics return to before", async () => {
    const orgId = await newOrg("undo");
    const keep = await upsertCustomer(db(), orgId, { externalId: "c1", name: "Kept" });
    await saveSubscriptionItem(db(), orgId, {
      source: "manual",
      externalId: "m1",
      customerId: keep.id,
      quantity: 1,
      unitAmount: 5_000,
      currency: "USD",
      intervalUnit: "month",
      startDate: "2024-02-01",
    });
    await rebuildRevenue(db(), orgId, { asOf: AS_OF });
    const before = await movements(orgId);
    const u = await importText(orgId, file(rows(0, 20)));
    expect(u.rowsImported).toBe(20);
    expect(await movements(orgId)).not.toEqual(before);

    const result = await deleteUpload(db(), { orgId, uploadId: u.id, actorUserId: null, asOf: AS_OF });
    expect(result).toEqual({
      uploadId: u.id,
      itemsDeleted: 20,
      customersDeleted: 6,
      plansDeleted: 3,
      itemsRestored: 0,
      // The file named c1 "Customer 1": undo gives it back its name.
      customersRestored: 1,
      changesKept: 0,
    });
    expect(await movements(orgId)).toEqual(before);
    const left = await db()
      .select({ id: customers.externalId })
      .from(customers)
      .where(eq(customers.orgId, orgId));
    expect(left).toEqual([{ id: "c1" }]);
    const [kept] = await db().select().from(customers).where(eq(customers.orgId, orgId));
    expect(kept?.name).toBe("Kept");
    expect(await itemCount(orgId)).toBe(1);
    expect(await db().select().from(plans).where(eq(plans.orgId, orgId))).toEqual([]);
    expect(await getUpload(db(), orgId, u.id)).toBeUndefined();
    const [log] = await db().select().from(auditLogs).where(eq(auditLogs.orgId, orgId));
    expect(log).toMatchObject({ action: "upload.deleted", target: u.id });
  });
});

/** The file's changes to earlier uploads' items are corrections: rewritten from each item's start. */
const CORRECTIONS = { options: { changesFrom: "start" } };

describe("undo of an upload that changed an earlier upload's rows", () => {
  const item = async (orgId: string, key: string) => {
    const [row] = await db()
      .select({
        mrr: subscriptionItems.mrr,
        unitAmount: subscriptionItems.unitAmount,
        customer: customers.externalId,
        plan: plans.externalId,
        endDate: subscriptionItems.endDate,
      })
      .from(subscriptionItems)
      .innerJoin(customers, eq(customers.id, subscriptionItems.customerId))
      .leftJoin(plans, eq(plans.id, subscriptionItems.planId))
      .where(and(eq(subscriptionItems.orgId, orgId), eq(subscriptionItems.externalId, key)));
    return row;
  };
  const customerName = async (orgId: string, key: string) =>
    (
      await db()
        .select({ name: customers.name })
        .from(customers)
        .where(and(eq(customers.orgId, orgId), eq(customers.externalId, key)))
    )[0]?.name;
  it("puts back the items and customers it changed, as they were before it, and the metrics with them", async () => {
    const orgId = await newOrg("undo-restore");
    await importText(orgId, file(rows(0, 8)));
    const before = await movements(orgId);
    // s2: $30 → $35 and plan P2 → P9 (a new plan); s3 moves from c3 to a new customer c99; c1 is renamed.
    const changed = rows(0, 8).map((r) =>
      r.startsWith("s2,")
        ? r.replace(",P2,30,USD", ",P9,35,USD")
        : r.startsWith("s3,")
          ? r.replace("s3,c3,Customer 3", "s3,c99,Customer 99")
          : r.replace(",Customer 1,", ",Renamed,"),
    );
    const b = await importText(orgId, file(changed), CORRECTIONS);
    expect(counts(b)).toMatchObject({ imported: 2, unchanged: 6 });
    expect(await item(orgId, "s2")).toMatchObject({ unitAmount: 3_500, plan: "P9" });
    expect(await item(orgId, "s3")).toMatchObject({ customer: "c99" });
    expect(await customerName(orgId, "c1")).toBe("Renamed");
    expect(await movements(orgId)).not.toEqual(before);

    const result = await undo(orgId, b.id);
    expect(result).toMatchObject({
      itemsDeleted: 0,
      customersDeleted: 1, // c99, which only s3 named while b stood
      plansDeleted: 1, // P9
      itemsRestored: 2,
      customersRestored: 1,
      changesKept: 0,
    });
    expect(await item(orgId, "s2")).toMatchObject({ unitAmount: 3_000, mrr: 3_000, plan: "P2" });
    expect(await item(orgId, "s3")).toMatchObject({ customer: "c3" });
    expect(await customerName(orgId, "c1")).toBe("Customer 1");
    expect(await customerName(orgId, "c99")).toBeUndefined();
    expect(await movements(orgId)).toEqual(before);
    const logs = await db().select().from(auditLogs).where(eq(auditLogs.orgId, orgId));
    expect(logs.find((l) => l.action === "upload.deleted")?.metadata).toMatchObject({
      restored: { items: 2, customers: 1 },
    });
  });

  it("a later upload's change stays until it is undone too, in either order", async () => {
    for (const order of ["later first", "earlier first"] as const) {
      const orgId = await newOrg(`undo-chain-${order.split(" ")[0]}`);
      await importText(orgId, file(rows(0, 4)));
      const at = (amount: number) =>
        file(rows(0, 4).map((r) => (r.startsWith("s2,") ? r.replace(",30,USD", `,${amount},USD`) : r)));
      const b = await importText(orgId, at(35), CORRECTIONS);
      const c = await importText(orgId, at(40), CORRECTIONS);
      expect((await item(orgId, "s2"))?.unitAmount).toBe(4_000);
      if (order === "earlier first") {
        expect(await undo(orgId, b.id)).toMatchObject({ itemsRestored: 0, changesKept: 0 });
        expect((await item(orgId, "s2"))?.unitAmount).toBe(4_000); // c's change stands
        expect(await undo(orgId, c.id)).toMatchObject({ itemsRestored: 1 });
      } else {
        expect(await undo(orgId, c.id)).toMatchObject({ itemsRestored: 1 });
        expect((await item(orgId, "s2"))?.unitAmount).toBe(3_500);
        expect(await undo(orgId, b.id)).toMatchObject({ itemsRestored: 1 });
      }
      expect((await item(orgId, "s2"))?.unitAmount).toBe(3_000);
    }
  });

  it("keeps a change made since by hand, and says so", async () => {
    const orgId = await newOrg("undo-kept");
    await importText(orgId, file(rows(0, 4)));
    const b = await importText(
      orgId,
      file(rows(0, 4).map((r) => (r.startsWith("s2,") ? r.replace(",30,USD", ",35,USD") : r))),
      CORRECTIONS,
    );
    const [s2] = await db()
      .select({ id: subscriptionItems.id })
      .from(subscriptionItems)
      .where(and(eq(subscriptionItems.orgId, orgId), eq(subscriptionItems.externalId, "s2")));
    await endSubscriptionItem(db(), { orgId, itemId: s2?.id ?? "", endDate: "2024-10-01" });
    expect(await undo(orgId, b.id)).toMatchObject({ itemsRestored: 0, changesKept: 1 });
    expect(await item(orgId, "s2")).toMatchObject({ unitAmount: 3_500, endDate: "2024-10-01" });
  });

  it("undoing the upload that created an item another upload changed deletes it, with the change", async () => {
    const orgId = await newOrg("undo-creator");
    const a = await importText(orgId, file(rows(0, 4)));
    await importText(
      orgId,
      file(rows(0, 4).map((r) => (r.startsWith("s2,") ? r.replace(",30,USD", ",35,USD") : r))),
      CORRECTIONS,
    );
    expect(await undo(orgId, a.id)).toMatchObject({ itemsDeleted: 4, itemsRestored: 0 });
    expect(await item(orgId, "s2")).toBeUndefined();
    const left = await queryRows<{ n: number | string }>(
      db(),
      sql`SELECT count(*) AS n FROM upload_item_changes c JOIN uploads u ON u.id = c.upload_id WHERE u.org_id = ${orgId}`,
    );
    expect(Number(left[0]?.n)).toBe(0);
  });
});

describe("next month's export: changed terms take effect on the day chosen (changesFrom)", () => {
  it("splits the item there: the months before keep their revenue, the change is that month's expansion; undo joins it again", async () => {
    const orgId = await newOrg("split");
    const a = await importText(orgId, file(rows(0, 8)));
    expect(a.options.changesFrom).toBe(new Date().toISOString().slice(0, 10)); // the default: the day it was queued
    const before = await movements(orgId);
    // s2: $30 a month from 2024-03-01, now $35.
    const next = rows(0, 8).map((r) => (r.startsWith("s2,") ? r.replace(",30,USD", ",35,USD") : r));
    const b = await importText(orgId, file(next), { options: { changesFrom: "2024-07-15" } });
    expect(counts(b)).toMatchObject({ imported: 1, unchanged: 7, rejected: 0 });
    expect(await parts(orgId, "s2")).toEqual([
      {
        key: "s2@2024-03-01..2024-07-15",
        startDate: "2024-03-01",
        endDate: "2024-07-15",
        startedOn: null,
        unitAmount: 3_000,
        status: "active",
      },
      {
        key: "s2",
        startDate: "2024-07-15",
        endDate: null,
        startedOn: "2024-03-01",
        unitAmount: 3_500,
        status: "active",
      },
    ]);
    const after = await movements(orgId);
    for (const m of ["2024-03", "2024-04", "2024-05", "2024-06"])
      expect(month(after, m)).toEqual(month(before, m));
    expect(month(after, "2024-07").expansion - month(before, "2024-07").expansion).toBe(500);
    expect(month(after, "2024-12").endMrr - month(before, "2024-12").endMrr).toBe(500);

    // The same rows from another file, in another order: nothing to change, nothing split again.
    const again = await importText(orgId, file([...next].reverse()), {
      options: { changesFrom: "2024-08-01" },
    });
    expect(counts(again)).toMatchObject({ imported: 0, unchanged: 8 });
    expect((await parts(orgId, "s2")).length).toBe(2);
    // A later file ends s2: its later part ends; its terms did not change, so nothing is split.
    const ended = next.map((r) => (r.startsWith("s2,") ? r.replace(/,$/, ",2024-10-01") : r));
    const c = await importText(orgId, file(ended), { options: { changesFrom: "2024-09-01" } });
    expect(counts(c)).toMatchObject({ imported: 1, unchanged: 7 });
    expect((await parts(orgId, "s2")).map((p) => [p.key, p.startDate, p.endDate])).toEqual([
      ["s2@2024-03-01..2024-07-15", "2024-03-01", "2024-07-15"],
      ["s2", "2024-07-15", "2024-10-01"],
    ]);

    // Undo goes latest first across a split: b's split cannot be handed on to c's change.
    await expect(undo(orgId, b.id)).rejects.toThrow(
      /imported after this file, changed the same subscriptions again: delete it first/,
    );
    expect(await undo(orgId, c.id)).toMatchObject({ itemsRestored: 1 });
    expect((await parts(orgId, "s2")).at(-1)?.endDate).toBeNull();
    expect(await undo(orgId, b.id)).toMatchObject({ itemsDeleted: 0, itemsRestored: 1, changesKept: 0 });
    expect(await parts(orgId, "s2")).toEqual([
      {
        key: "s2",
        startDate: "2024-03-01",
        endDate: null,
        startedOn: null,
        unitAmount: 3_000,
        status: "active",
      },
    ]);
    expect(await movements(orgId)).toEqual(before);
  });

  it("a trial that converts is split into its trial and its paid part; a day before the start changes it from its start", async () => {
    const orgId = await newOrg("split-trial");
    const head = "subscription_id,customer_id,amount,interval,start_date,status\n";
    await importText(orgId, `${head}t1,c1,20,month,2024-02-01,trialing\nt2,c2,10,month,2024-06-01,active\n`);
    const u = await importText(
      orgId,
      `${head}t1,c1,20,month,2024-02-01,active\nt2,c2,15,month,2024-06-01,active\n`,
      {
        options: { changesFrom: "2024-05-01" },
      },
    );
    expect(counts(u)).toMatchObject({ imported: 2 });
    expect((await parts(orgId, "t1")).map((p) => [p.key, p.startDate, p.endDate, p.status])).toEqual([
      ["t1@2024-02-01..2024-05-01", "2024-02-01", "2024-05-01", "trialing"],
      ["t1", "2024-05-01", null, "active"],
    ]);
    const periods = await queryRows<{
      key: string;
      kind: string;
      start_date: string;
      end_date: string | null;
    }>(
      db(),
      sql`SELECT i.external_id AS key, p.kind, p.start_date::text, p.end_date::text FROM subscription_item_periods p
          JOIN subscription_items i ON i.id = p.item_id WHERE i.org_id = ${orgId}`,
    );
    expect(periods).toEqual([
      {
        key: "t1@2024-02-01..2024-05-01",
        kind: "trialing",
        start_date: "2024-02-01",
        end_date: "2024-05-01",
      },
    ]);
    // t2 started after the day: $15 from its start, one item.
    expect((await parts(orgId, "t2")).map((p) => [p.key, p.startDate, p.unitAmount])).toEqual([
      ["t2", "2024-06-01", 1_500],
    ]);
    const list = await movements(orgId);
    expect(month(list, "2024-04").endMrr).toBe(0);
    expect(month(list, "2024-05")).toMatchObject({ new: 2_000, endMrr: 2_000 });
    expect(month(list, "2024-06")).toMatchObject({ new: 1_500, endMrr: 3_500 });
  });

  it("undoing the upload that created a split item deletes both of its parts", async () => {
    const orgId = await newOrg("split-creator");
    const a = await importText(orgId, file(rows(0, 4)));
    const next = rows(0, 4).map((r) => (r.startsWith("s2,") ? r.replace(",30,USD", ",35,USD") : r));
    await importText(orgId, file(next), { options: { changesFrom: "2024-07-15" } });
    expect((await parts(orgId, "s2")).length).toBe(2);
    expect(await undo(orgId, a.id)).toMatchObject({ itemsDeleted: 5 });
    expect(await itemCount(orgId)).toBe(0);
  });
});
