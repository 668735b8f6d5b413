"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { UPLOAD_KINDS } from "@/db/schema/uploads";
import { sendEvent, uploadImportRequested } from "@/inngest";
import { audit } from "@/lib/audit";
import { queueImport } from "@/lib/uploads/plan";
import { action } from "./safe-action";

const blank = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

// Not exported: a "use server" file may export async functions only.
const ZStartImport = z.object({
  uploadId: z.uuid({ error: "Not found." }),
  kind: z.enum(UPLOAD_KINDS, { error: "Choose subscriptions, customers or events." }),
  /** JSON object: header (or "#3") → canonical field, or null to leave the column out. */
  mapping: z.preprocess(
    blank,
    z
      .string()
      .transform((text, ctx) => {
        try {
          const parsed = z.record(z.string(), z.string().nullable()).safeParse(JSON.parse(text));
          if (parsed.success) return parsed.data;
        } catch {}
        ctx.addIssue({ code: "custom", message: "The mapping is not valid." });
        return z.NEVER;
      })
      .optional(),
  ),
  dateOrder: z.preprocess(blank, z.enum(["mdy", "dmy"]).optional()),
  decimal: z.preprocess(blank, z.enum([".", ","]).optional()),
  defaultCurrency: z.preprocess(
    blank,
    z
      .string()
      .trim()
      .regex(/^[A-Za-z]{3}$/, "Use a 3-letter currency code, e.g. USD.")
      .transform((c) => c.toUpperCase())
      .optional(),
  ),
});

/**
 * Confirms an upload's kind and mapping (the user's overrides over the detected one) and queues its
 * import; the job does the rest. Form fields: orgSlug, uploadId, kind, mapping (JSON), dateOrder,
 * decimal, defaultCurrency.
 */
export const startImport = action(
  { access: { role: "member" }, schema: ZStartImport },
  async (input, { db, org, user, ip }) => {
    const upload = await queueImport(db, {
      orgId: org.id,
      uploadId: input.uploadId,
      kind: input.kind,
      mapping: input.mapping,
      options: { dateOrder: input.dateOrder, decimal: input.decimal, defaultCurrency: input.defaultCurrency },
    });
    await sendEvent(uploadImportRequested.create({ orgId: org.id, uploadId: upload.id }));
    await audit(db, {
      orgId: org.id,
      actorUserId: user.id,
      action: "upload.import_started",
      target: upload.id,
      metadata: { filename: upload.filename, kind: upload.kind },
      ip,
    });
    revalidatePath(`/${org.slug}/uploads`);
    return { ok: true as const, data: { uploadId: upload.id }, message: "Import started." };
  },
);
