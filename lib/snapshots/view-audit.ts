import { and, eq, gt } from "drizzle-orm";
import type { Db } from "@/db/client";
import { auditLogs } from "@/db/schema";
import { audit } from "@/lib/audit";

/** A view is logged once per person per this many minutes: the page refreshes itself every 30 s. */
export const VIEW_LOG_MINUTES = 10;

/** Audit-logs a view of the executive metrics dashboard (deduplicated; see VIEW_LOG_MINUTES). */
export async function auditMetricsView(
  db: Db,
  { orgId, userId, ip }: { orgId: string; userId: string; ip?: string },
) {
  const since = new Date(Date.now() - VIEW_LOG_MINUTES * 60_000);
  const [recent] = await db
    .select({ id: auditLogs.id })
    .from(auditLogs)
    .where(
      and(
        eq(auditLogs.orgId, orgId),
        eq(auditLogs.actorUserId, userId),
        eq(auditLogs.action, "metrics.viewed"),
        gt(auditLogs.createdAt, since),
      ),
    )
    .limit(1);
  if (!recent) await audit(db, { orgId, actorUserId: userId, action: "metrics.viewed", ip: ip ?? null });
}
