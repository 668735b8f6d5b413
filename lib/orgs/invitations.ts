import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, gt, isNull } from "drizzle-orm";
import type { Db } from "@/db/client";
import { one } from "@/db/rows";
import { invitations, memberships, organizations, type Role, users } from "@/db/schema";
import { audit } from "@/lib/audit";
import { ZEmail } from "@/lib/auth/users";
import { sendMail } from "@/lib/email/mailer";
import { env } from "@/lib/env";
import { AppError, forbidden, notFound } from "@/lib/errors";
import { canAssignRole } from "./roles";
import { parseField } from "./validation";

export const INVITATION_TTL_DAYS = 7;

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

export function invitationUrl(token: string): string {
  return `${env().appUrl}/invite/${token}`;
}

/** Creates a single-use invitation and mails its link; returns the token (the database keeps its hash). */
export async function inviteMember(
  db: Db,
  {
    orgId,
    actor,
    email: rawEmail,
    role,
  }: { orgId: string; actor: { userId: string; role: Role }; email: string; role: Role },
) {
  const email = parseField(ZEmail, rawEmail, "email");
  if (!canAssignRole(actor.role, null, role)) throw forbidden("Only an owner can invite another owner.");
  const [org] = await db.select().from(organizations).where(eq(organizations.id, orgId)).limit(1);
  if (!org) throw notFound();
  const [existing] = await db
    .select({ userId: users.id })
    .from(users)
    .innerJoin(memberships, and(eq(memberships.userId, users.id), eq(memberships.orgId, orgId)))
    .where(eq(users.email, email))
    .limit(1);
  if (existing)
    throw new AppError(409, `${email} is already a member.`, {
      fieldErrors: { email: ["Already a member."] },
    });

  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(Date.now() + INVITATION_TTL_DAYS * 86_400_000);
  const invitation = one(
    await db
      .insert(invitations)
      .values({ orgId, email, role, tokenHash: hashToken(token), invitedBy: actor.userId, expiresAt })
      .returning(),
    "invitation",
  );
  await audit(db, {
    orgId,
    actorUserId: actor.userId,
    action: "member.invited",
    target: email,
    metadata: { role },
  });
  const [inviter] = await db
    .select({ email: users.email, name: users.name })
    .from(users)
    .where(eq(users.id, actor.userId));
  const who = inviter?.name || inviter?.email || "A colleague";
  const url = invitationUrl(token);
  await sendMail({
    to: email,
    subject: `${who} invited you to ${org.name} on Meridian`,
    text: `${who} invited you to join ${org.name} on Meridian as ${role}.\n\nAccept the invitation: ${url}\n\nThe link works once and expires in ${INVITATION_TTL_DAYS} days.`,
    html: `<p>${escapeHtml(who)} invited you to join <b>${escapeHtml(org.name)}</b> on Meridian as ${role}.</p><p><a href="${url}">Accept the invitation</a></p><p>The link works once and expires in ${INVITATION_TTL_DAYS} days.</p>`,
  });
  return { invitation, token, url };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A usable invitation (not accepted, revoked or expired) for this token, with its org. */
export async function findPendingInvitation(db: Db, token: string) {
  const [row] = await db
    .select({
      invitation: invitations,
      org: { id: organizations.id, slug: organizations.slug, name: organizations.name },
    })
    .from(invitations)
    .innerJoin(organizations, eq(organizations.id, invitations.orgId))
    .where(
      and(
        eq(invitations.tokenHash, hashToken(token)),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
        gt(invitations.expiresAt, new Date()),
      ),
    )
    .limit(1);
  return row;
}

/**
 * Accepts an invitation for the signed-in user. The link is the credential (it went to that inbox), so
 * the account's email need not match; the acceptance is audit-logged with both addresses.
 */
export async function acceptInvitation(db: Db, { token, userId }: { token: string; userId: string }) {
  return db.transaction(async (tx) => {
    // Claim the row first: a second acceptance of the same link finds nothing to update.
    const [claimed] = await tx
      .update(invitations)
      .set({ acceptedAt: new Date(), acceptedBy: userId })
      .where(
        and(
          eq(invitations.tokenHash, hashToken(token)),
          isNull(invitations.acceptedAt),
          isNull(invitations.revokedAt),
          gt(invitations.expiresAt, new Date()),
        ),
      )
      .returning();
    if (!claimed) throw notFound("This invitation link is invalid, was already used, or has expired.");
    await tx
      .insert(memberships)
      .values({ orgId: claimed.orgId, userId, role: claimed.role })
      .onConflictDoNothing();
    await audit(tx, {
      orgId: claimed.orgId,
      actorUserId: userId,
      action: "member.joined",
      target: claimed.email,
      metadata: { role: claimed.role, invitationId: claimed.id },
    });
    return one(
      await tx.select().from(organizations).where(eq(organizations.id, claimed.orgId)),
      "organisation",
    );
  });
}

export async function listPendingInvitations(db: Db, orgId: string) {
  return db
    .select({
      id: invitations.id,
      email: invitations.email,
      role: invitations.role,
      expiresAt: invitations.expiresAt,
      createdAt: invitations.createdAt,
    })
    .from(invitations)
    .where(
      and(
        eq(invitations.orgId, orgId),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
        gt(invitations.expiresAt, new Date()),
      ),
    )
    .orderBy(desc(invitations.createdAt));
}

export async function revokeInvitation(
  db: Db,
  { orgId, actorUserId, invitationId }: { orgId: string; actorUserId: string; invitationId: string },
) {
  const [row] = await db
    .update(invitations)
    .set({ revokedAt: new Date() })
    .where(
      and(
        eq(invitations.orgId, orgId),
        eq(invitations.id, invitationId),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
      ),
    )
    .returning();
  if (!row) throw notFound("Invitation not found.");
  await audit(db, { orgId, actorUserId, action: "member.invitation_revoked", target: row.email });
}
