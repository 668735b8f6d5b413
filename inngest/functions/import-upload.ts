import { and, eq, ne } from "drizzle-orm";
import { uploads } from "@/db/schema";
import { firstHistoryBackfill } from "@/lib/snapshots/backfill";
import { importUpload } from "@/lib/uploads/import";
import { defineJob } from "../define-job";
import { snapshotBackfillRequested, uploadImportRequested } from "../events";

/** Batches per step: each step is a few minutes at most, and a retried step resumes after the last batch. */
export const BATCHES_PER_STEP = 40;
/** Steps per run; then the run hands over to a fresh one (Inngest caps the steps of a run). */
const STEPS_PER_RUN = 100;

/**
 * Imports an uploaded CSV (lib/uploads/import.ts). Progress and the resume position live on the upload,
 * committed per batch, so a retried step or a new run continues after the last committed batch.
 */
export const importUploadJob = defineJob(
  {
    id: "import-upload",
    name: "Import an uploaded CSV",
    trigger: uploadImportRequested,
    concurrency: { limit: 1, key: "event.data.orgId" },
    onFailure: async ({ event, db, error }) => {
      await db
        .update(uploads)
        .set({
          status: "failed",
          error: error.message.slice(0, 2000),
          finishedAt: new Date(),
          updatedAt: new Date(),
        })
        .where(
          and(
            eq(uploads.orgId, event.data.orgId),
            eq(uploads.id, event.data.uploadId),
            ne(uploads.status, "complete"),
          ),
        );
    },
  },
  async ({ event, step, db }) => {
    const { orgId, uploadId } = event.data;
    for (let i = 0; i < STEPS_PER_RUN; i++) {
      const result = await step.run(`import-${i}`, async () => {
        const { upload, done } = await importUpload(
          db,
          { orgId, uploadId },
          { maxBatches: BATCHES_PER_STEP },
        );
        return {
          done,
          status: upload.status,
          rowsRead: upload.rowsRead,
          rowsImported: upload.rowsImported,
          rowsRejected: upload.rowsRejected,
          rowsUnchanged: upload.rowsUnchanged,
        };
      });
      if (result.done) {
        // The org's first data: give the executive dashboard its last 90 days of snapshots.
        if (result.status === "complete") {
          const backfill = await step.run("first-snapshots", async () => {
            const row = await firstHistoryBackfill(db, orgId);
            return row ? { id: row.id } : null;
          });
          if (backfill)
            await step.sendEvent(
              "backfill",
              snapshotBackfillRequested.create({ orgId, backfillId: backfill.id }),
            );
        }
        return result;
      }
    }
    await step.sendEvent("continue", uploadImportRequested.create({ orgId, uploadId }));
    return { done: false, continued: true };
  },
);
