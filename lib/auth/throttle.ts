import { and, count, eq, gt, min } from "drizzle-orm";
import type { Db } from "@/db/client";
import { authAttempts, memberships } from "@/db/schema";
import { audit } from "@/lib/audit";

export const THROTTLE = {
  windowMinutes: 15,
  /** Failed sign-ins for one email within the window before it is locked. */
  maxFailuresPerEmail: 10,
  /** Failed sign-ins from one IP (any email) within the window before it is locked. */
  maxFailuresPerIp: 30,
} as const;

export type ThrottleState = { allowed: true } | { allowed: false; retryAfterMinutes: number; reason: string };

async function failuresSince(db: Db, column: "email" | "ip", value: string, since: Date) {
  const [row] = await db
    .select({ n: count(), oldest: min(authAttempts.createdAt) })
    .from(authAttempts)
    .where(
      and(
        eq(column === "email" ? authAttempts.email : authAttempts.ip, value),
        eq(authAttempts.succeeded, false),
        gt(authAttempts.createdAt, since),
      ),
    );
  return { n: Number(row?.n ?? 0), oldest: row?.oldest ? new Date(row.oldest) : undefined };
}

/** Whether a sign-in for this email from this IP may be tried now. */
export async function checkThrottle(
  db: Db,
  { email, ip, now = new Date() }: { email: string; ip: string; now?: Date },
): Promise<ThrottleState> {
  const windowMs = THROTTLE.windowMinutes * 60_000;
  const since = new Date(now.getTime() - windowMs);
  for (const [column, value, limit] of [
    ["email", email, THROTTLE.maxFailuresPerEmail],
    ["ip", ip, THROTTLE.maxFailuresPerIp],
  ] as const) {
    const { n, oldest } = await failuresSince(db, column, value, since);
    if (n >= limit && oldest) {
      // The lock lifts when the oldest failure in the window leaves it.
      const retryMs = oldest.getTime() + windowMs - now.getTime();
      return {
        allowed: false,
        retryAfterMinutes: Math.max(1, Math.ceil(retryMs / 60_000)),
        reason:
          column === "email"
            ? "too many failed sign-ins for this account"
            : "too many failed sign-ins from your network",
      };
    }
  }
  return { allowed: true };
}

export function throttleMessage(state: Extract<ThrottleState, { allowed: false }>): string {
  const m = state.retryAfterMinutes;
  return `Too many attempts (${state.reason}). Try again in ${m} minute${m === 1 ? "" : "s"}.`;
}

/**
 * Records a real attempt (throttled ones are refused before the password is checked and only audited, so
 * hammering a locked account does not extend its lock). A failure is audit-logged in every org the
 * account belongs to, so their owners and admins see it; an unknown email is logged outside any org.
 */
export async function recordSignInAttempt(
  db: Db,
  attempt: { email: string; ip: string; succeeded: boolean; userId?: string },
): Promise<void> {
  await db
    .insert(authAttempts)
    .values({ email: attempt.email, ip: attempt.ip, succeeded: attempt.succeeded });
  if (!attempt.succeeded) await auditSignInProblem(db, { ...attempt, action: "auth.sign_in_failed" });
}

export async function auditSignInProblem(
  db: Db,
  p: { email: string; ip: string; userId?: string; action: "auth.sign_in_failed" | "auth.sign_in_throttled" },
): Promise<void> {
  const orgIds = p.userId
    ? (
        await db
          .select({ orgId: memberships.orgId })
          .from(memberships)
          .where(eq(memberships.userId, p.userId))
      ).map((m) => m.orgId)
    : [];
  for (const orgId of orgIds.length ? orgIds : [null]) {
    await audit(db, { orgId, action: p.action, actorUserId: p.userId ?? null, target: p.email, ip: p.ip });
  }
}
