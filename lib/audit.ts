import { and, desc, eq, lt } from "drizzle-orm";
import type { Db } from "@/db/client";
import { auditLogs, users } from "@/db/schema";

export type AuditEntry = {
  orgId?: string | null;
  actorUserId?: string | null;
  /** Dotted verb: `auth.sign_in_failed`, `member.role_changed`, `api_key.created`, ... */
  action: string;
  target?: string | null;
  metadata?: Record<string, unknown>;
  ip?: string | null;
};

export async function audit(db: Db, entry: AuditEntry): Promise<void> {
  await db.insert(auditLogs).values({
    orgId: entry.orgId ?? null,
    actorUserId: entry.actorUserId ?? null,
    action: entry.action,
    target: entry.target ?? null,
    metadata: entry.metadata ?? {},
    ip: entry.ip ?? null,
  });
}

/** An org's audit log, newest first, paged by id. */
export async function listAuditLog(db: Db, opts: { orgId: string; before?: number; limit?: number }) {
  return db
    .select({
      id: auditLogs.id,
      action: auditLogs.action,
      target: auditLogs.target,
      metadata: auditLogs.metadata,
      ip: auditLogs.ip,
      createdAt: auditLogs.createdAt,
      actorEmail: users.email,
    })
    .from(auditLogs)
    .leftJoin(users, eq(users.id, auditLogs.actorUserId))
    .where(and(eq(auditLogs.orgId, opts.orgId), opts.before ? lt(auditLogs.id, opts.before) : undefined))
    .orderBy(desc(auditLogs.id))
    .limit(opts.limit ?? 100);
}

/**
 * An entry's metadata as one readable line: `role: viewer → member`, `currency: EUR → USD`, `role: admin`.
 * Keys are sorted, since jsonb does not keep the order they were written in.
 */
export function describeMetadata(metadata: Record<string, unknown>): string {
  const show = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
  const isChange = (v: unknown): v is { from: unknown; to: unknown } =>
    typeof v === "object" && v !== null && "from" in v && "to" in v && Object.keys(v).length === 2;
  if (isChange(metadata)) return `${show(metadata.from)} → ${show(metadata.to)}`;
  return Object.keys(metadata)
    .sort()
    .map((k) => {
      const v = metadata[k];
      return isChange(v) ? `${k}: ${show(v.from)} → ${show(v.to)}` : `${k}: ${show(v)}`;
    })
    .join(", ");
}
