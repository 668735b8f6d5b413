import { notFound } from "next/navigation";
import { cache } from "react";
import { getDb } from "@/db/client";
import type { Organization, Role } from "@/db/schema";
import { findMembershipBySlug } from "@/lib/orgs/organizations";
import { hasRole } from "@/lib/orgs/roles";
import { requireUser, type SessionUser } from "./session";

export type OrgContext = { user: SessionUser; org: Organization; role: Role };

const membership = cache(async (slug: string, userId: string) =>
  findMembershipBySlug(getDb(), { slug, userId }),
);

/**
 * For pages under /[orgSlug]: anonymous → sign-in; not a member, or below `minRole` → 404, so a page
 * never tells an outsider that an org (or an admin page) exists.
 */
export async function requireOrgPage(
  slug: string,
  minRole: Role = "viewer",
  path = `/${slug}`,
): Promise<OrgContext> {
  const user = await requireUser(path);
  const m = await membership(slug, user.id);
  if (!m || !hasRole(m.role, minRole)) notFound();
  return { user, org: m.org, role: m.role };
}
