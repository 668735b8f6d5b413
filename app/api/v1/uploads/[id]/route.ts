// GET|DELETE /api/v1/uploads/:id – one upload with its import's status and counts, or undo it.
import { getUpload, uploadJson } from "@/db/queries/uploads";
import { apiHandler } from "@/lib/api/handler";
import { notFound } from "@/lib/errors";
import { uploadIdParam } from "@/lib/uploads/api";
import { deleteUpload } from "@/lib/uploads/undo";

export const GET = apiHandler<never, never, { id: string }>(
  { role: "viewer" },
  async ({ db, org, params }) => {
    const upload = await getUpload(db, org.id, uploadIdParam(params.id));
    if (!upload) throw notFound("Upload not found.");
    return { upload: uploadJson(upload) };
  },
);

export const DELETE = apiHandler<never, never, { id: string }>(
  { role: "member" },
  async ({ db, org, user, ip, params }) => {
    const r = await deleteUpload(db, {
      orgId: org.id,
      uploadId: uploadIdParam(params.id),
      actorUserId: user?.id ?? null,
      ip,
    });
    return {
      upload_id: r.uploadId,
      items_deleted: r.itemsDeleted,
      customers_deleted: r.customersDeleted,
      plans_deleted: r.plansDeleted,
      items_restored: r.itemsRestored,
      customers_restored: r.customersRestored,
      changes_kept: r.changesKept,
      ...(r.eventsDeleted === undefined ? {} : { events_deleted: r.eventsDeleted }),
    };
  },
);
