"use server";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { deleteUpload } from "@/lib/uploads/undo";
import { action } from "./safe-action";

/** Undoes an upload: removes what it imported, updates the metrics, audit-logs it. Form: orgSlug, uploadId. */
export const deleteUploadAction = action(
  { access: { role: "member" }, schema: z.object({ uploadId: z.uuid({ error: "Not found." }) }) },
  async (input, { db, org, user, ip }) => {
    const result = await deleteUpload(db, {
      orgId: org.id,
      uploadId: input.uploadId,
      actorUserId: user.id,
      ip,
    });
    revalidatePath(`/${org.slug}`, "layout");
    // The upload's page is gone: back to the list, which says what was removed.
    const removed = `${result.itemsDeleted} subscription items and ${result.customersDeleted} customers`;
    redirect(`/${org.slug}/uploads?deleted=${encodeURIComponent(removed)}`);
  },
);
