"use server";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { audit } from "@/lib/audit";
import { queueSampleData } from "@/lib/uploads/sample";
import { action } from "./safe-action";

/** Imports the bundled sample subscriptions into the org (see lib/uploads/sample.ts). Form: orgSlug. */
export const loadSampleData = action(
  { access: { role: "member" }, schema: z.object({}) },
  async (_input, { db, org, user, ip }) => {
    const { upload, queued } = await queueSampleData(db, { orgId: org.id, userId: user.id });
    if (queued) {
      await audit(db, {
        orgId: org.id,
        actorUserId: user.id,
        action: "upload.import_started",
        target: upload.id,
        metadata: { filename: upload.filename, kind: "subscriptions", sample: true },
        ip,
      });
    }
    revalidatePath(`/${org.slug}/uploads`);
    redirect(`/${org.slug}/uploads/${upload.id}`);
  },
);
