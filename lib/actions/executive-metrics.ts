"use server";
import { eq } from "drizzle-orm";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { organizations } from "@/db/schema";
import {
  engagementCohortsRequested,
  sendEvent,
  snapshotBackfillRequested,
  snapshotRequested,
} from "@/inngest";
import { audit } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import { acknowledgeAlert } from "@/lib/snapshots/alerts";
import { startBackfill } from "@/lib/snapshots/backfill";
import { parseFinanceCsv, updateMetricsConfig } from "@/lib/snapshots/config";
import { localDay } from "@/lib/snapshots/dates";
import { action } from "./safe-action";

/*
 * The executive metrics page's actions (owners and admins): compute a snapshot now, backfill a range,
 * acknowledge an alert, recompute the engagement cohorts, and the configuration forms. Jobs run on
 * Inngest or the in-process runner; the page refreshes itself to show their progress.
 */

const admin = { role: "admin" } as const;
const metricsPath = (slug: string) => `/${slug}/metrics`;

/** Today's snapshot so far (the nightly run after midnight overwrites it with the whole day's figures). */
export const computeSnapshotNow = action({ access: admin, schema: z.object({}) }, async (_input, { org }) => {
  const date = localDay(org.timezone);
  await sendEvent(snapshotRequested.create({ orgId: org.id, date }));
  revalidatePath(metricsPath(org.slug));
  return {
    ok: true as const,
    data: undefined,
    message: `Snapshot of ${date} queued; this page updates when it is done.`,
  };
});

export const startSnapshotBackfill = action(
  { access: admin, schema: z.object({ from: z.string().trim(), to: z.string().trim() }) },
  async ({ from, to }, { db, org, user, ip }) => {
    const backfill = await startBackfill(db, { orgId: org.id, from, to });
    await sendEvent(snapshotBackfillRequested.create({ orgId: org.id, backfillId: backfill.id }));
    await audit(db, {
      orgId: org.id,
      actorUserId: user.id,
      action: "metrics.backfill_started",
      target: backfill.id,
      metadata: { from, to },
      ip,
    });
    revalidatePath(metricsPath(org.slug));
    return {
      ok: true as const,
      data: undefined,
      message: `Backfill of ${backfill.monthsTotal} month(s) started.`,
    };
  },
);

export const acknowledgeAlertAction = action(
  { access: admin, schema: z.object({ alertId: z.uuid("Unknown alert.") }) },
  async ({ alertId }, { db, org, user }) => {
    await acknowledgeAlert(db, { orgId: org.id, alertId, userId: user.id });
    revalidatePath(metricsPath(org.slug));
    return { ok: true as const, data: undefined, message: "Acknowledged." };
  },
);

export const recomputeCohorts = action({ access: admin, schema: z.object({}) }, async (_input, { org }) => {
  await sendEvent(engagementCohortsRequested.create({ orgId: org.id }));
  revalidatePath(metricsPath(org.slug));
  return { ok: true as const, data: undefined, message: "Cohorts queued for recomputation." };
});

const optionalNumber = (label: string, schema: z.ZodNumber) =>
  z
    .string()
    .trim()
    .transform((v) => (v === "" ? null : Number(v)))
    .pipe(schema.nullable().refine((n) => n === null || Number.isFinite(n), `${label}: enter a number.`));

const list = z.string().transform((v) =>
  v
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter(Boolean),
);

export const saveAlertSettings = action(
  {
    access: admin,
    schema: z.object({
      churn_spike_percent: optionalNumber(
        "Churn spike",
        z.number().min(0, "Use 0–100.").max(100, "Use 0–100."),
      ),
      mrr_drop_percent: optionalNumber("MRR drop", z.number().min(0, "Use 0–100.").max(100, "Use 0–100.")),
      payment_failures: optionalNumber(
        "Payment failures",
        z.number().int("Use a whole number.").min(1, "Use 1 or more."),
      ),
      job_failure_rate_percent: optionalNumber(
        "Job failure rate",
        z.number().min(0, "Use 0–100.").max(100, "Use 0–100."),
      ),
      recipients: list.pipe(z.array(z.email("One of the recipients is not an email address.")).max(20)),
      activation_events: list.pipe(z.array(z.string().max(200)).max(50)),
    }),
  },
  async ({ recipients, activation_events, ...thresholds }, { db, org, user }) => {
    await updateMetricsConfig(db, {
      orgId: org.id,
      userId: user.id,
      patch: { thresholds, recipients, activation_events },
    });
    revalidatePath(metricsPath(org.slug), "layout");
    return { ok: true as const, data: undefined, message: "Saved." };
  },
);

export const saveFinanceMonth = action(
  {
    access: admin,
    schema: z.object({
      month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "Use YYYY-MM."),
      cash: optionalNumber("Cash", z.number()),
      net_burn: optionalNumber("Net burn", z.number()),
      sales_marketing_spend: optionalNumber("S&M spend", z.number().min(0, "Use 0 or more.")),
    }),
  },
  async (row, { db, org, user }) => {
    await updateMetricsConfig(db, { orgId: org.id, userId: user.id, patch: { finance: [row] } });
    revalidatePath(metricsPath(org.slug), "layout");
    return { ok: true as const, data: undefined, message: `Saved ${row.month}.` };
  },
);

export const removeFinanceMonth = action(
  { access: admin, schema: z.object({ month: z.string().regex(/^\d{4}-\d{2}$/, "Use YYYY-MM.") }) },
  async ({ month }, { db, org, user }) => {
    await updateMetricsConfig(db, {
      orgId: org.id,
      userId: user.id,
      patch: { remove_finance_months: [month] },
    });
    revalidatePath(metricsPath(org.slug), "layout");
    return { ok: true as const, data: undefined, message: `Removed ${month}.` };
  },
);

/** A finance CSV (month, cash, burn, S&M spend): every month in it is saved, or none when a cell is bad. */
export const uploadFinanceCsv = action(
  { access: admin, schema: z.object({ file: z.instanceof(File, { message: "Choose a CSV file." }) }) },
  async ({ file }, { db, org, user }) => {
    if (file.size === 0) throw new AppError(422, `${file.name || "The file"} is empty.`);
    if (file.size > 1024 * 1024)
      throw new AppError(413, `${file.name} is over 1 MB; a finance CSV has one line per month.`);
    const [current] = await db
      .select({ currency: organizations.currency })
      .from(organizations)
      .where(eq(organizations.id, org.id));
    const rows = parseFinanceCsv(await file.text(), current?.currency ?? org.currency, file.name);
    await updateMetricsConfig(db, { orgId: org.id, userId: user.id, patch: { finance: rows } });
    revalidatePath(metricsPath(org.slug), "layout");
    return {
      ok: true as const,
      data: undefined,
      message: `Saved ${rows.length} month(s) from ${file.name}.`,
    };
  },
);
