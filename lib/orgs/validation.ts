import { z } from "zod";
import { ROLES } from "@/db/schema";
import { AppError } from "@/lib/errors";

/** Top-level paths an org slug must not shadow (`/[orgSlug]` lives beside them). */
const RESERVED_SLUGS = new Set([
  "api",
  "app",
  "admin",
  "auth",
  "sign-in",
  "sign-up",
  "sign-out",
  "invite",
  "orgs",
  "settings",
  "static",
  "public",
  "_next",
  "new",
  "login",
  "logout",
  "health",
  "favicon.ico",
  "robots.txt",
]);

export const ZSlug = z
  .string()
  .trim()
  .toLowerCase()
  .min(3, "Use at least 3 characters.")
  .max(40, "Use at most 40 characters.")
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, "Use lowercase letters, digits and dashes (not at the ends).")
  .refine((s) => !RESERVED_SLUGS.has(s), "This address is reserved; choose another.");

export const ZOrgName = z
  .string()
  .trim()
  .min(2, "Use at least 2 characters.")
  .max(80, "Use at most 80 characters.");

const CURRENCIES = new Set(Intl.supportedValuesOf("currency"));
export const ZCurrency = z
  .string()
  .trim()
  .toUpperCase()
  .refine((c) => CURRENCIES.has(c), "Use an ISO 4217 currency code such as USD, EUR or GBP.");

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return tz.length > 0;
  } catch {
    return false;
  }
}
export const ZTimeZone = z
  .string()
  .trim()
  .refine(isValidTimeZone, "Use an IANA time zone such as UTC, Europe/London or America/New_York.");

export const ZRole = z.enum(ROLES);

/** A slug suggestion from an org name: "Acme, Inc." → "acme-inc". */
export function slugify(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
}

/** Parses one field or throws a 422 AppError naming it. */
export function parseField<T>(schema: z.ZodType<T>, value: unknown, field: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const message = r.error.issues[0]?.message ?? "Invalid value.";
  throw new AppError(422, `${field}: ${message}`, { fieldErrors: { [field]: [message] } });
}
