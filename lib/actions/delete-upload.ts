"use server";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { getUpload } from "@/db/queries/uploads";
import { notFound } from "@/lib/errors";
import { plural } from "@/lib/format";
import { deleteUpload, uploadWasImported } from "@/lib/uploads/undo";
import { action } from "./safe-action";

/**
 * Deletes an upload. One that was imported is undone (what it created removed, the metrics updated) only
 * when the form's `confirm` box is ticked; one never imported (still at its preview, or unreadable) is
 * discarded at once. Audit-logged either way. Form: orgSlug, uploadId, confirm.
 */
export const deleteUploadAction = action(
  {
    access: { role: "member" },
    schema: z.object({ uploadId: z.uuid({ error: "Not found." }), confirm: z.string().optional() }),
  },
  async (input, { db, org, user, ip }) => {
    const upload = await getUpload(db, org.id, input.uploadId);
    if (!upload) throw notFound("Upload not found.");
    if (uploadWasImported(upload) && input.confirm !== "yes") {
      return { ok: false, status: 422, error: "Tick the box to confirm that this import should be undone." };
    }
    const result = await deleteUpload(db, { orgId: org.id, uploadId: upload.id, actorUserId: user.id, ip });
    revalidatePath(`/${org.slug}`, "layout");
    // The upload's page is gone: back to the list, which says what was removed.
    if (!uploadWasImported(upload)) {
      redirect(`/${org.slug}/uploads?discarded=${encodeURIComponent(upload.filename)}`);
    }
    const removed =
      result.eventsDeleted !== undefined
        ? plural(result.eventsDeleted, "product event")
        : `${plural(result.itemsDeleted, "subscription item")} and ${plural(result.customersDeleted, "customer")}`;
    const restored =
      result.itemsRestored + result.customersRestored > 0
        ? `${plural(result.itemsRestored, "item")} and ${plural(result.customersRestored, "customer")}`
        : "";
    const query = new URLSearchParams({ deleted: removed });
    if (restored) query.set("restored", restored);
    if (result.changesKept > 0) query.set("kept", String(result.changesKept));
    redirect(`/${org.slug}/uploads?${query}`);
  },
);
