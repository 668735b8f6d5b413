import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getUpload, interruptedUploads } from "@/db/queries/uploads";
import { uploads } from "@/db/schema";
import { uploadImportRequested } from "@/inngest/events";
import { importUploadJob } from "@/inngest/functions/import-upload";
import { createRunner } from "@/inngest/runner";
import { queueImport } from "@/lib/uploads/plan";
import { counts, setupUploads } from "./helpers/uploads";

// An in-process server restarted mid-import: bootstrap finds the cut-off imports (interruptedUploads)
// and sends their events again; the job continues after the last committed batch.
const { db, newOrg, store, importText } = setupUploads();
const quiet = { info: () => {}, debug: () => {}, warn: () => {}, error: () => {} };
const csv = (n: number, prefix: string) =>
  [
    "subscription_id,customer_id,customer_name,plan,amount,currency,interval,start_date",
    ...Array.from(
      { length: n },
      (_, i) => `${prefix}${i},c${i % 7},Customer ${i % 7},Pro,10.00,USD,month,2024-01-01`,
    ),
  ].join("\n");

describe("imports cut off by a restart", () => {
  it("are found and finished by the job, with exact counts", async () => {
    const orgId = await newOrg("restart");
    const done = await importText(orgId, csv(3, "done-"));
    const waiting = (await store(orgId, "subscription_id,start_date\nx,2024-01-01\n", "waiting.csv")).upload;
    const { upload } = await store(orgId, csv(12, "cut-"), "cut.csv");
    await queueImport(db(), { orgId, uploadId: upload.id });
    // What a killed process leaves: "importing", nothing or part of the file written.
    await db().update(uploads).set({ status: "importing" }).where(eq(uploads.id, upload.id));

    const found = await interruptedUploads(db());
    expect(found).toEqual([{ orgId, uploadId: upload.id }]);
    expect(found.map((u) => u.uploadId)).not.toContain(done.id);
    expect(found.map((u) => u.uploadId)).not.toContain(waiting.id);

    const runner = createRunner({ db: db(), jobs: [importUploadJob], logger: quiet });
    const { runIds } = await runner.send(found.map((u) => uploadImportRequested.create(u)));
    expect((await runner.waitForRun(runIds[0]!)).status).toBe("succeeded");
    const finished = await getUpload(db(), orgId, upload.id);
    expect(counts(finished!)).toEqual({
      status: "complete",
      read: 12,
      imported: 12,
      unchanged: 0,
      rejected: 0,
    });
    expect(await interruptedUploads(db())).toEqual([]);
  });
});
