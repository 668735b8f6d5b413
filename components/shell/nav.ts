import type { Role } from "@/db/schema";

/** The org's modules in the sidebar; a module appears here once it exists, and only for roles that may open it. */
export const MODULES: { href: string; label: string; minRole: Role }[] = [
  { href: "", label: "Home", minRole: "viewer" },
  { href: "/arr", label: "ARR", minRole: "viewer" },
  { href: "/customers", label: "Customers", minRole: "viewer" },
  { href: "/uploads", label: "Uploads", minRole: "viewer" },
  { href: "/metrics", label: "Executive metrics", minRole: "admin" },
  { href: "/settings", label: "Settings", minRole: "admin" },
];

export const SETTINGS_PAGES: { href: string; label: string }[] = [
  { href: "/settings", label: "General" },
  { href: "/settings/members", label: "Members" },
  { href: "/settings/api-keys", label: "API keys" },
  { href: "/settings/exchange-rates", label: "Exchange rates" },
  { href: "/settings/stripe", label: "Stripe" },
  { href: "/settings/jobs", label: "Jobs" },
  { href: "/settings/audit-log", label: "Audit log" },
];
