import { z } from "zod";
import { UPLOAD_KINDS } from "@/db/schema/uploads";
import { notFound } from "@/lib/errors";

/** Shared by the /api/v1/uploads routes. */

export const ZKind = z.enum(UPLOAD_KINDS);
export const ZMappingOverrides = z.record(z.string().max(500), z.string().max(100).nullable());
export const ZImportOptions = z.object({
  date_order: z.enum(["mdy", "dmy"]).optional(),
  decimal: z.enum([".", ","]).optional(),
  default_currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/, "Use a 3-letter currency code.")
    .transform((c) => c.toUpperCase())
    .optional(),
  delimiter: z.enum([",", ";", "\t", "|"]).optional(),
  /** "minor": amounts are in cents (5000 = 50.00); unset: decided from the file (Baremetrics' template). */
  amounts_in: z.enum(["units", "minor"]).optional(),
});

/** An upload id from the path; anything that is not a uuid is simply not found. */
export function uploadIdParam(id: string): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) {
    throw notFound("Upload not found.");
  }
  return id.toLowerCase();
}
