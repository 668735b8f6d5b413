import { and, desc, eq, inArray, ne, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import {
  type AlertKind,
  type MetricAlert,
  type MetricsSnapshot,
  memberships,
  metricAlerts,
  metricsSnapshots,
  organizations,
  users,
} from "@/db/schema";
import { audit } from "@/lib/audit";
import { sendMail } from "@/lib/email/mailer";
import { env } from "@/lib/env";
import { notFound } from "@/lib/errors";
import { formatMoney } from "@/lib/money";
import { getMetricsConfig, type Thresholds } from "./config";
import { addDays } from "./dates";

/*
 * check-alerts: after each snapshot, compare it with the org's thresholds. A breach opens an alert (stored,
 * shown on the dashboard) and mails the recipients once; while that alert is open or acknowledged, further
 * breaches only update its numbers (no repeat mail); a snapshot without the breach resolves it, and a later
 * breach opens a new alert with a new mail.
 */

export type Breach = { kind: AlertKind; value: number; threshold: number; message: string };

const pct = (fraction: number) => `${(fraction * 100).toFixed(1)}%`;

/** The breaches of one snapshot (with the day before's, for the MRR drop); pure, so it is unit-tested. */
export function findBreaches(
  snapshot: MetricsSnapshot,
  previous: MetricsSnapshot | null,
  thresholds: Thresholds,
): { breaches: Breach[]; checked: AlertKind[] } {
  const breaches: Breach[] = [];
  const checked: AlertKind[] = [];
  const { churnSpikePercent, mrrDropPercent, paymentFailures, jobFailureRatePercent } = thresholds;
  if (churnSpikePercent !== null && snapshot.customerChurnRate !== null) {
    checked.push("churn_spike");
    const value = snapshot.customerChurnRate * 100;
    if (value >= churnSpikePercent)
      breaches.push({
        kind: "churn_spike",
        value,
        threshold: churnSpikePercent,
        message: `Customer churn rate (RATE-1, ${snapshot.date.slice(0, 7)} to date) is ${pct(snapshot.customerChurnRate)}, at or above the ${churnSpikePercent}% threshold (${snapshot.customersChurned} customers churned).`,
      });
  }
  if (mrrDropPercent !== null && previous && previous.mrr > 0) {
    checked.push("mrr_drop");
    const drop = (previous.mrr - snapshot.mrr) / previous.mrr;
    if (drop * 100 >= mrrDropPercent)
      breaches.push({
        kind: "mrr_drop",
        value: drop * 100,
        threshold: mrrDropPercent,
        message: `MRR fell ${pct(drop)} from ${formatMoney(previous.mrr, snapshot.currency)} on ${previous.date} to ${formatMoney(snapshot.mrr, snapshot.currency)} on ${snapshot.date} (threshold ${mrrDropPercent}%).`,
      });
  }
  if (paymentFailures !== null && snapshot.paymentFailures !== null) {
    checked.push("payment_failures");
    if (snapshot.paymentFailures >= paymentFailures)
      breaches.push({
        kind: "payment_failures",
        value: snapshot.paymentFailures,
        threshold: paymentFailures,
        message: `${snapshot.paymentFailures} Stripe payment(s) failed on ${snapshot.date} (threshold ${paymentFailures}).`,
      });
  }
  if (jobFailureRatePercent !== null && snapshot.jobsTotal > 0) {
    checked.push("job_failure_rate");
    const rate = snapshot.jobsFailed / snapshot.jobsTotal;
    if (rate * 100 >= jobFailureRatePercent)
      breaches.push({
        kind: "job_failure_rate",
        value: rate * 100,
        threshold: jobFailureRatePercent,
        message: `${snapshot.jobsFailed} of ${snapshot.jobsTotal} import jobs failed on ${snapshot.date} (${pct(rate)}; threshold ${jobFailureRatePercent}%).`,
      });
  }
  return { breaches, checked };
}

export type AlertCheck = { opened: string[]; updated: string[]; resolved: string[]; mailed: string[] };

export async function checkAlerts(
  db: Db,
  { orgId, date }: { orgId: string; date: string },
): Promise<AlertCheck> {
  const [snapshot] = await db
    .select()
    .from(metricsSnapshots)
    .where(and(eq(metricsSnapshots.orgId, orgId), eq(metricsSnapshots.date, date)));
  if (!snapshot) throw notFound(`No snapshot of ${date} for this organisation.`);
  const [previous] = await db
    .select()
    .from(metricsSnapshots)
    .where(and(eq(metricsSnapshots.orgId, orgId), eq(metricsSnapshots.date, addDays(date, -1))));
  const config = await getMetricsConfig(db, orgId);
  const { breaches, checked } = findBreaches(snapshot, previous ?? null, config.thresholds);

  const result: AlertCheck = { opened: [], updated: [], resolved: [], mailed: [] };
  const unresolved = await db
    .select()
    .from(metricAlerts)
    .where(and(eq(metricAlerts.orgId, orgId), ne(metricAlerts.status, "resolved")));
  for (const breach of breaches) {
    const existing = unresolved.find((a) => a.kind === breach.kind);
    if (existing) {
      await db
        .update(metricAlerts)
        .set({ value: breach.value, threshold: breach.threshold, message: breach.message, lastSeenOn: date })
        .where(eq(metricAlerts.id, existing.id));
      result.updated.push(existing.id);
    } else {
      // The partial unique index makes a concurrent second check a no-op instead of a second alert.
      const [row] = await db
        .insert(metricAlerts)
        .values({ orgId, openedOn: date, lastSeenOn: date, ...breach })
        .onConflictDoNothing()
        .returning({ id: metricAlerts.id });
      if (row) result.opened.push(row.id);
    }
  }
  // A kind that was checked and did not breach is over (for a day at or after the alert's last breach).
  const over = unresolved.filter(
    (a) => checked.includes(a.kind) && !breaches.some((b) => b.kind === a.kind) && a.lastSeenOn <= date,
  );
  if (over.length) {
    await db
      .update(metricAlerts)
      .set({ status: "resolved", resolvedOn: date })
      .where(
        inArray(
          metricAlerts.id,
          over.map((a) => a.id),
        ),
      );
    result.resolved.push(...over.map((a) => a.id));
  }
  result.mailed = await mailUnsentAlerts(db, orgId, config.recipients);
  return result;
}

/**
 * Mails every unresolved alert not mailed yet, each once: the row is claimed (emailed_at set) before
 * sending, and released again if sending fails so a retry sends it.
 */
async function mailUnsentAlerts(db: Db, orgId: string, configured: string[]): Promise<string[]> {
  const pending = await db
    .select()
    .from(metricAlerts)
    .where(
      and(
        eq(metricAlerts.orgId, orgId),
        ne(metricAlerts.status, "resolved"),
        sql`${metricAlerts.emailedAt} IS NULL`,
      ),
    );
  if (!pending.length) return [];
  const recipients = configured.length ? configured : await ownerAndAdminEmails(db, orgId);
  const [org] = await db
    .select({ slug: organizations.slug, name: organizations.name })
    .from(organizations)
    .where(eq(organizations.id, orgId));
  if (!org || !recipients.length) return [];
  const mailed: string[] = [];
  for (const alert of pending) {
    const [claimed] = await db
      .update(metricAlerts)
      .set({ emailedAt: new Date() })
      .where(and(eq(metricAlerts.id, alert.id), sql`${metricAlerts.emailedAt} IS NULL`))
      .returning({ id: metricAlerts.id });
    if (!claimed) continue;
    try {
      await sendMail({ to: recipients.join(", "), ...alertMail(alert, org) });
      mailed.push(alert.id);
      await audit(db, {
        orgId,
        action: "metrics.alert_mailed",
        target: alert.id,
        metadata: { kind: alert.kind, recipients },
      });
    } catch (error) {
      await db.update(metricAlerts).set({ emailedAt: null }).where(eq(metricAlerts.id, alert.id));
      throw error;
    }
  }
  return mailed;
}

const KIND_TITLES: Record<AlertKind, string> = {
  churn_spike: "Customer churn spike",
  mrr_drop: "MRR drop",
  payment_failures: "Payment failures",
  job_failure_rate: "Import job failures",
};

export function alertTitle(kind: AlertKind): string {
  return KIND_TITLES[kind];
}

function alertMail(alert: MetricAlert, org: { slug: string; name: string }) {
  const link = `${env().appUrl}/${org.slug}/metrics#alerts`;
  const subject = `[Meridian] ${org.name}: ${KIND_TITLES[alert.kind]} on ${alert.lastSeenOn}`;
  const text = [
    alert.message,
    "",
    `Value: ${alert.value.toFixed(2)} (threshold ${alert.threshold})`,
    `Open the executive metrics dashboard: ${link}`,
    "",
    "You get one mail per alert; it stays open on the dashboard until acknowledged or resolved.",
  ].join("\n");
  return { subject, text };
}

async function ownerAndAdminEmails(db: Db, orgId: string): Promise<string[]> {
  const rows = await db
    .select({ email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.orgId, orgId), inArray(memberships.role, ["owner", "admin"])));
  return rows.map((r) => r.email);
}

export async function listAlerts(db: Db, { orgId, limit = 20 }: { orgId: string; limit?: number }) {
  return db
    .select()
    .from(metricAlerts)
    .where(eq(metricAlerts.orgId, orgId))
    .orderBy(sql`${metricAlerts.status} = 'resolved'`, desc(metricAlerts.createdAt))
    .limit(limit);
}

/** Marks an open alert acknowledged (it stays until a snapshot no longer breaches). Another org's → not found. */
export async function acknowledgeAlert(
  db: Db,
  { orgId, alertId, userId }: { orgId: string; alertId: string; userId: string },
): Promise<void> {
  const [row] = await db
    .update(metricAlerts)
    .set({ status: "acknowledged", acknowledgedAt: new Date(), acknowledgedBy: userId })
    .where(and(eq(metricAlerts.id, alertId), eq(metricAlerts.orgId, orgId), eq(metricAlerts.status, "open")))
    .returning({ id: metricAlerts.id });
  if (!row) throw notFound();
  await audit(db, { orgId, actorUserId: userId, action: "metrics.alert_acknowledged", target: alertId });
}
