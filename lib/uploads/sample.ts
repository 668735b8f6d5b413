import { createReadStream } from "node:fs";
import { join } from "node:path";
import type { Db } from "@/db/client";
import type { Upload } from "@/db/schema";
import { sendEvent, uploadImportRequested } from "@/inngest";
import { queueImport } from "./plan";
import { storeUpload } from "./store";

/** The bundled sample (data/sample/README.md): 5,000 subscriptions of 500 companies. */
export const SAMPLE_FILE = join(process.cwd(), "data", "sample", "subscriptions.csv");

/**
 * "Load sample data": stores the sample file as an upload of the org and queues its import through the
 * same pipeline as any upload. Loaded already (the same file, imported or importing): nothing new.
 */
export async function queueSampleData(
  db: Db,
  { orgId, userId }: { orgId: string; userId: string | null },
): Promise<{ upload: Upload; queued: boolean }> {
  const { upload, duplicate } = await storeUpload(db, {
    orgId,
    userId,
    filename: "sample-subscriptions.csv",
    contentType: "text/csv",
    body: createReadStream(SAMPLE_FILE),
  });
  if (duplicate && upload.status !== "uploaded" && upload.status !== "failed")
    return { upload, queued: false };
  const queued = await queueImport(db, { orgId, uploadId: upload.id, kind: "subscriptions" });
  await sendEvent(uploadImportRequested.create({ orgId, uploadId: queued.id }));
  return { upload: queued, queued: true };
}
