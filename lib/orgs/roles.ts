import type { Role } from "@/db/schema";

const RANK: Record<Role, number> = { viewer: 0, member: 1, admin: 2, owner: 3 };

/** Whether `role` is at least `min` (owner > admin > member > viewer). */
export function hasRole(role: Role, min: Role): boolean {
  return RANK[role] >= RANK[min];
}

/**
 * What each role may do: viewers read; members also bring data in; admins also manage members (below
 * owner), API keys, settings and see the audit log; owners also grant or revoke ownership.
 */
export function canAssignRole(actor: Role, from: Role | null, to: Role): boolean {
  if (actor === "owner") return true;
  if (actor !== "admin") return false;
  return to !== "owner" && from !== "owner";
}
