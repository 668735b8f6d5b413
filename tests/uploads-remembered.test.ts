import { asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { subscriptionItems } from "@/db/schema";
import { importUpload } from "@/lib/uploads/import";
import { previewUpload, queueImport, type TQueueImport } from "@/lib/uploads/plan";
import { AS_OF, counts, setupUploads } from "./helpers/uploads";

// A mapping the user fixed for one file is offered again for the org's next file with the same columns
// (a monthly export): lib/uploads/plan.ts, rememberedMapping.
const { db, newOrg, store } = setupUploads();

// "Who" and "When" name no field in any language: without the user's mapping the file has no customer.
const HEADER = "ID,Who,Plan,Amount,Currency,Interval,When";
const JAN = [HEADER, "s1,Acme,Pro,100,USD,monthly,03/04/2024", "s2,Bolt,Pro,50,USD,monthly,05/02/2024"];
const FEB = [HEADER, "s3,Cyan,Pro,70,USD,monthly,07/01/2024"];
const CHOICES = {
  kind: "subscriptions" as const,
  mapping: { Who: "customer_name", When: "start_date" },
  options: { dateOrder: "dmy" as const },
};

async function importFile(
  orgId: string,
  filename: string,
  lines: string[],
  plan: Omit<TQueueImport, "orgId" | "uploadId"> = {},
) {
  const { upload } = await store(orgId, lines.join("\n"), filename);
  await queueImport(db(), { orgId, uploadId: upload.id, ...plan });
  return (await importUpload(db(), { orgId, uploadId: upload.id }, { asOf: AS_OF })).upload;
}

const startDates = async (orgId: string) =>
  db()
    .select({ id: subscriptionItems.externalId, start: subscriptionItems.startDate })
    .from(subscriptionItems)
    .where(eq(subscriptionItems.orgId, orgId))
    .orderBy(asc(subscriptionItems.externalId));

describe("a remembered mapping", () => {
  it("is offered for the next file with the same columns, and its import reads the file with it", async () => {
    const orgId = await newOrg("remember");
    const jan = await importFile(orgId, "jan.csv", JAN, CHOICES);
    expect(counts(jan)).toMatchObject({ status: "complete", imported: 2, rejected: 0 });

    const { upload: feb } = await store(orgId, FEB.join("\n"), "feb.csv");
    const preview = await previewUpload(db(), { orgId, uploadId: feb.id });
    if (!preview.ok) throw new Error(preview.error.message);
    expect(preview.remembered).toMatchObject({
      uploadId: jan.id,
      filename: "jan.csv",
      overrides: CHOICES.mapping,
      dateOrder: "dmy",
    });
    const day = preview.remembered?.importedAt.slice(0, 10);
    expect(preview.mapping.find((m) => m.header === "Who")).toMatchObject({
      field: "customer_name",
      reason: `as in your import of 'jan.csv' (${day})`,
    });
    expect(preview.canImport).toBe(true);

    // Queued without any mapping (as `meridian import` without --map does): the remembered one is used.
    await queueImport(db(), { orgId, uploadId: feb.id });
    const done = (await importUpload(db(), { orgId, uploadId: feb.id }, { asOf: AS_OF })).upload;
    expect(counts(done)).toMatchObject({ status: "complete", imported: 1, rejected: 0 });
    expect(done.options.overrides).toEqual(CHOICES.mapping);
    expect(done.options.rememberedFrom).toEqual({ uploadId: jan.id, filename: "jan.csv" });
    expect(await startDates(orgId)).toEqual([
      { id: "s1", start: "2024-04-03" },
      { id: "s2", start: "2024-02-05" },
      { id: "s3", start: "2024-01-07" }, // day first, as chosen for jan.csv
    ]);
  });

  it("gives way to the user's own choices column by column", async () => {
    const orgId = await newOrg("remember-mine");
    await importFile(orgId, "jan.csv", JAN, CHOICES);
    const { upload } = await store(orgId, FEB.join("\n"), "feb.csv");
    const preview = await previewUpload(db(), {
      orgId,
      uploadId: upload.id,
      // As the preview page sends it: the remembered choices with the user's change.
      mapping: { ...CHOICES.mapping, Plan: null, Who: "company" },
      dateOrder: "mdy",
    });
    if (!preview.ok) throw new Error(preview.error.message);
    const byHeader = Object.fromEntries(preview.mapping.map((m) => [m.header, [m.field, m.reason]]));
    expect(byHeader.Plan).toEqual([null, "left out by you"]);
    expect(byHeader.When?.[1]).toMatch(/^as in your import of 'jan.csv'/); // the same choice as before
    expect(byHeader.Who).toEqual(["company", "chosen by you"]);
    expect(preview.sample[0]?.row?.start_date).toBe("2024-07-01"); // the user's month-first wins
  });

  it("is not offered for a file with other columns, nor from another org's file", async () => {
    const orgId = await newOrg("remember-not");
    await importFile(orgId, "jan.csv", JAN, CHOICES);
    const other = await store(
      orgId,
      [`${HEADER},Notes`, "s4,Dune,Pro,10,USD,monthly,01/01/2024,x"].join("\n"),
    );
    const p1 = await previewUpload(db(), { orgId, uploadId: other.upload.id });
    expect(p1.ok && p1.remembered).toBe(null);

    const elsewhere = await newOrg("remember-elsewhere");
    const theirs = await store(elsewhere, FEB.join("\n"), "feb.csv");
    const p2 = await previewUpload(db(), { orgId: elsewhere, uploadId: theirs.upload.id });
    expect(p2.ok && p2.remembered).toBe(null);
  });

  it("reads this file's ambiguous dates as the earlier file's were read, saying so", async () => {
    const orgId = await newOrg("remember-dates");
    const header = "Subscription ID,Customer,Amount,Currency,Interval,Start Date";
    // The first file's dates tell: day first. Nothing was re-mapped.
    const jan = await importFile(orgId, "jan.csv", [header, "a,Acme,10,USD,monthly,15/01/2024"]);
    expect(jan.options.overrides ?? {}).toEqual({});
    // Every date of the next one has day ≤ 12: alone it would be read month first.
    const { upload } = await store(orgId, [header, "b,Bolt,10,USD,monthly,02/10/2024"].join("\n"), "feb.csv");
    const preview = await previewUpload(db(), { orgId, uploadId: upload.id });
    if (!preview.ok) throw new Error(preview.error.message);
    expect(preview.remembered).toMatchObject({
      filename: "jan.csv",
      overrides: {},
      formats: { 5: { dateOrder: "dmy" } },
    });
    expect(preview.sample[0]?.row?.start_date).toBe("2024-10-02");
    const day = preview.remembered?.importedAt.slice(0, 10);
    expect(preview.problems.map((p) => p.message)).toContain(
      `column 'Start Date': every date has day ≤ 12 (e.g. '02/10/2024'); reading as DD/MM/YYYY, as your import of 'jan.csv' (${day}) did — choose MM/DD if that's wrong`,
    );
    expect(preview.kindReason).toBe(`as in your import of 'jan.csv' (${day})`);
    await queueImport(db(), { orgId, uploadId: upload.id });
    await importUpload(db(), { orgId, uploadId: upload.id }, { asOf: AS_OF });
    expect(await startDates(orgId)).toEqual([
      { id: "a", start: "2024-01-15" },
      { id: "b", start: "2024-10-02" },
    ]);
    // With no earlier file, the same rows are read month first, with the warning to check.
    const fresh = await newOrg("remember-none");
    const alone = await store(fresh, [header, "b,Bolt,10,USD,monthly,02/10/2024"].join("\n"), "feb.csv");
    const p = await previewUpload(db(), { orgId: fresh, uploadId: alone.upload.id });
    expect(p.ok && p.remembered).toBe(null);
    expect(p.ok && p.sample[0]?.row?.start_date).toBe("2024-02-10");
  });
});
