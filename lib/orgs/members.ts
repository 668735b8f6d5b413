import { and, asc, count, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { memberships, type Role, users } from "@/db/schema";
import { audit } from "@/lib/audit";
import { AppError, forbidden, notFound } from "@/lib/errors";
import { canAssignRole } from "./roles";

export async function listMembers(db: Db, orgId: string) {
  return db
    .select({
      userId: users.id,
      email: users.email,
      name: users.name,
      role: memberships.role,
      since: memberships.createdAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.orgId, orgId))
    .orderBy(asc(users.email));
}

type MemberChange = { orgId: string; actor: { userId: string; role: Role }; userId: string };

async function lockMember(tx: Db, orgId: string, userId: string) {
  // FOR UPDATE on the org's owner rows serialises concurrent demotions, so two owners can't demote each other.
  const rows = await tx
    .select({ userId: memberships.userId, role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.orgId, orgId), eq(memberships.role, "owner")))
    .for("update");
  const [member] = await tx
    .select({ role: memberships.role, email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)))
    .limit(1);
  if (!member) throw notFound("Member not found.");
  return { member, ownerCount: rows.length };
}

export async function changeMemberRole(
  db: Db,
  { orgId, actor, userId, role }: MemberChange & { role: Role },
) {
  return db.transaction(async (tx) => {
    const { member, ownerCount } = await lockMember(tx, orgId, userId);
    if (member.role === role) return;
    if (!canAssignRole(actor.role, member.role, role))
      throw forbidden("Only an owner can grant or remove the owner role.");
    if (member.role === "owner" && ownerCount <= 1) {
      throw new AppError(409, "An organisation needs at least one owner: make someone else owner first.");
    }
    await tx
      .update(memberships)
      .set({ role })
      .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)));
    await audit(tx, {
      orgId,
      actorUserId: actor.userId,
      action: "member.role_changed",
      target: member.email,
      metadata: { from: member.role, to: role },
    });
  });
}

export async function removeMember(db: Db, { orgId, actor, userId }: MemberChange) {
  await db.transaction(async (tx) => {
    const { member, ownerCount } = await lockMember(tx, orgId, userId);
    const self = userId === actor.userId;
    if (!self && !canAssignRole(actor.role, member.role, "viewer"))
      throw forbidden("Only an owner can remove an owner.");
    if (member.role === "owner" && ownerCount <= 1) {
      throw new AppError(409, "An organisation needs at least one owner: make someone else owner first.");
    }
    await tx.delete(memberships).where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)));
    await audit(tx, {
      orgId,
      actorUserId: actor.userId,
      action: self ? "member.left" : "member.removed",
      target: member.email,
      metadata: { role: member.role },
    });
  });
}

export async function countMembers(db: Db, orgId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(memberships).where(eq(memberships.orgId, orgId));
  return Number(row?.n ?? 0);
}
