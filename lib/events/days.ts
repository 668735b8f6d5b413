import { z } from "zod";
import { AppError } from "@/lib/errors";

/** Calendar days and months as strings ("YYYY-MM-DD", "YYYY-MM"), the way ENG-1 counts days. */

const isRealDay = (s: string) => {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
};

export const ZDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Use YYYY-MM-DD.")
  .refine(isRealDay, "Not a calendar day.");
export const ZMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "Use YYYY-MM.");

/** Today's date in `timezone` (IANA), e.g. "2024-05-01". */
export function localDay(timezone: string, at: Date = new Date()): string {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone: timezone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(at);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function dayDiff(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Months from `from` to `to` ("YYYY-MM"). */
export function monthDiff(from: string, to: string): number {
  const [fy = 0, fm = 0] = from.split("-").map(Number);
  const [ty = 0, tm = 0] = to.split("-").map(Number);
  return (ty - fy) * 12 + (tm - fm);
}

/** Parses `value` with `schema` or throws a 422 naming `field`. */
export function parseParam<T>(schema: z.ZodType<T>, value: unknown, field: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const message = parsed.error.issues[0]?.message ?? "Invalid.";
  throw new AppError(422, `Invalid ${field}: ${message}`, { fieldErrors: { [field]: [message] } });
}
