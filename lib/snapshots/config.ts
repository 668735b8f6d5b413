import { parse } from "csv-parse/sync";
import { and, asc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { toMajor } from "@/db/queries/revenue-json";
import { financeMonths, metricsConfig, organizations } from "@/db/schema";
import { audit } from "@/lib/audit";
import { AppError, notFound } from "@/lib/errors";
import { rebuildEventRollups } from "@/lib/events/write";
import { parseAmount, toMinorUnits } from "@/lib/ingest/amounts";
import { currencyExponent } from "@/lib/metrics/mrr";
import { metricPolicyOf, updateMetricPolicy } from "@/lib/orgs/organizations";

/*
 * The executive metrics' configuration (owners/admins): alert thresholds and recipients, the finance inputs
 * (cash, net burn, S&M spend by month: RUN-1, CAC-1), gross margin (LTV-1, CAC-1; the org's metric policy)
 * and the activation event names (ENG-4). One JSON shape for GET/PATCH /api/v1/metrics/config and the page.
 */

export type Thresholds = {
  churnSpikePercent: number | null;
  mrrDropPercent: number | null;
  paymentFailures: number | null;
  jobFailureRatePercent: number | null;
};

export type FinanceRow = {
  month: string;
  cash: number | null;
  netBurn: number | null;
  salesMarketingSpend: number | null;
};

export type MetricsConfigView = {
  thresholds: Thresholds;
  recipients: string[];
  grossMarginPercent: number;
  activationEvents: string[];
  /** Money in minor units. */
  finance: FinanceRow[];
};

export const NO_THRESHOLDS: Thresholds = {
  churnSpikePercent: null,
  mrrDropPercent: null,
  paymentFailures: null,
  jobFailureRatePercent: null,
};

export async function getMetricsConfig(db: Db, orgId: string): Promise<MetricsConfigView> {
  const [[org], [config], finance] = await Promise.all([
    db.select().from(organizations).where(eq(organizations.id, orgId)),
    db.select().from(metricsConfig).where(eq(metricsConfig.orgId, orgId)),
    db.select().from(financeMonths).where(eq(financeMonths.orgId, orgId)).orderBy(asc(financeMonths.month)),
  ]);
  if (!org) throw notFound();
  return {
    thresholds: config
      ? {
          churnSpikePercent: config.churnSpikePercent,
          mrrDropPercent: config.mrrDropPercent,
          paymentFailures: config.paymentFailures,
          jobFailureRatePercent: config.jobFailureRatePercent,
        }
      : NO_THRESHOLDS,
    recipients: config?.recipients ?? [],
    grossMarginPercent: metricPolicyOf(org).grossMarginPercent,
    activationEvents: org.settings.activationEvents ?? [],
    finance: finance.map((f) => ({
      month: f.month.slice(0, 7),
      cash: f.cash,
      netBurn: f.netBurn,
      salesMarketingSpend: f.salesMarketingSpend,
    })),
  };
}

const percent = z.number().min(0, "Use 0–100.").max(100, "Use 0–100.").nullable();
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const majorMoney = z.number().finite().nullable();

/** PATCH body (snake_case, money in major units); every key optional; null clears a threshold. */
export const ZConfigPatch = z
  .object({
    thresholds: z
      .object({
        churn_spike_percent: percent.optional(),
        mrr_drop_percent: percent.optional(),
        payment_failures: z
          .number()
          .int("Use a whole number.")
          .min(1, "Use 1 or more.")
          .nullable()
          .optional(),
        job_failure_rate_percent: percent.optional(),
      })
      .strict()
      .optional(),
    recipients: z.array(z.email("Not an email address.")).max(20, "At most 20 recipients.").optional(),
    gross_margin_percent: z.number().min(0, "Use 0–100.").max(100, "Use 0–100.").optional(),
    activation_events: z.array(z.string().trim().min(1).max(200)).max(50).optional(),
    finance: z
      .array(
        z
          .object({
            month: z.string().regex(MONTH, "Use YYYY-MM."),
            cash: majorMoney.optional(),
            net_burn: majorMoney.optional(),
            sales_marketing_spend: majorMoney.optional(),
          })
          .strict(),
      )
      .max(600)
      .optional(),
    /** Months (YYYY-MM) whose finance inputs are removed. */
    remove_finance_months: z.array(z.string().regex(MONTH, "Use YYYY-MM.")).max(600).optional(),
  })
  .strict();
export type ConfigPatch = z.infer<typeof ZConfigPatch>;

const toMinor = (major: number | null | undefined, currency: string) =>
  major === null || major === undefined ? major : Math.round(major * 10 ** currencyExponent(currency));

/** Applies a PATCH in one transaction and audit-logs what changed. */
export async function updateMetricsConfig(
  db: Db,
  { orgId, userId, patch }: { orgId: string; userId: string; patch: ConfigPatch },
): Promise<MetricsConfigView> {
  return db.transaction(async (tx) => {
    const [org] = await tx.select().from(organizations).where(eq(organizations.id, orgId));
    if (!org) throw notFound();
    const changed: Record<string, unknown> = {};
    if (patch.thresholds || patch.recipients) {
      const t = patch.thresholds ?? {};
      const set = {
        ...(t.churn_spike_percent !== undefined ? { churnSpikePercent: t.churn_spike_percent } : {}),
        ...(t.mrr_drop_percent !== undefined ? { mrrDropPercent: t.mrr_drop_percent } : {}),
        ...(t.payment_failures !== undefined ? { paymentFailures: t.payment_failures } : {}),
        ...(t.job_failure_rate_percent !== undefined
          ? { jobFailureRatePercent: t.job_failure_rate_percent }
          : {}),
        ...(patch.recipients
          ? { recipients: [...new Set(patch.recipients.map((r) => r.toLowerCase()))] }
          : {}),
        updatedAt: new Date(),
        updatedBy: userId,
      };
      await tx
        .insert(metricsConfig)
        .values({ orgId, ...set })
        .onConflictDoUpdate({ target: metricsConfig.orgId, set });
      if (patch.thresholds) changed.thresholds = patch.thresholds;
      if (patch.recipients) changed.recipients = patch.recipients;
    }
    if (patch.gross_margin_percent !== undefined) {
      const policy = { ...metricPolicyOf(org), grossMarginPercent: patch.gross_margin_percent };
      await updateMetricPolicy(tx, { orgId, actorUserId: userId, policy });
      changed.gross_margin_percent = patch.gross_margin_percent;
    }
    if (patch.activation_events) {
      const [fresh] = await tx.select().from(organizations).where(eq(organizations.id, orgId));
      const activationEvents = [...new Set(patch.activation_events)];
      await tx
        .update(organizations)
        .set({ settings: { ...(fresh ?? org).settings, activationEvents } })
        .where(eq(organizations.id, orgId));
      changed.activation_events = activationEvents;
      // Activation days were decided with the old names as events arrived: recompute them (ENG-4).
      await rebuildEventRollups(tx, { orgId, timezone: org.timezone, activationEvents });
    }
    if (patch.finance?.length) {
      await upsertFinance(tx, orgId, org.currency, patch.finance);
      changed.finance_months = patch.finance.map((f) => f.month);
    }
    if (patch.remove_finance_months?.length) {
      await tx.delete(financeMonths).where(
        and(
          eq(financeMonths.orgId, orgId),
          inArray(
            financeMonths.month,
            patch.remove_finance_months.map((m) => `${m}-01`),
          ),
        ),
      );
      changed.removed_finance_months = patch.remove_finance_months;
    }
    if (Object.keys(changed).length)
      await audit(tx, { orgId, actorUserId: userId, action: "metrics.config_changed", metadata: changed });
    return getMetricsConfig(tx, orgId);
  });
}

/** Upserts finance months; a key left out keeps the stored value, null clears it. */
async function upsertFinance(
  db: Db,
  orgId: string,
  currency: string,
  rows: NonNullable<ConfigPatch["finance"]>,
): Promise<void> {
  for (const row of rows) {
    const values = {
      ...(row.cash !== undefined ? { cash: toMinor(row.cash, currency) } : {}),
      ...(row.net_burn !== undefined ? { netBurn: toMinor(row.net_burn, currency) } : {}),
      ...(row.sales_marketing_spend !== undefined
        ? { salesMarketingSpend: toMinor(row.sales_marketing_spend, currency) }
        : {}),
      updatedAt: new Date(),
    };
    await db
      .insert(financeMonths)
      .values({ orgId, month: `${row.month}-01`, ...values })
      .onConflictDoUpdate({ target: [financeMonths.orgId, financeMonths.month], set: values });
  }
}

/** The config as the API returns it: snake_case, money in major units. */
export function configJson(config: MetricsConfigView, currency: string) {
  const money = (minor: number | null) => (minor === null ? null : toMajor(minor, currency));
  return {
    currency,
    thresholds: {
      churn_spike_percent: config.thresholds.churnSpikePercent,
      mrr_drop_percent: config.thresholds.mrrDropPercent,
      payment_failures: config.thresholds.paymentFailures,
      job_failure_rate_percent: config.thresholds.jobFailureRatePercent,
    },
    recipients: config.recipients,
    gross_margin_percent: config.grossMarginPercent,
    activation_events: config.activationEvents,
    finance: config.finance.map((f) => ({
      month: f.month,
      cash: money(f.cash),
      net_burn: money(f.netBurn),
      sales_marketing_spend: money(f.salesMarketingSpend),
    })),
  };
}

const FINANCE_HEADERS: Record<string, "month" | "cash" | "net_burn" | "sales_marketing_spend"> = {
  month: "month",
  period: "month",
  date: "month",
  cash: "cash",
  cash_balance: "cash",
  balance: "cash",
  burn: "net_burn",
  net_burn: "net_burn",
  monthly_burn: "net_burn",
  sales_marketing: "sales_marketing_spend",
  sales_marketing_spend: "sales_marketing_spend",
  s_m_spend: "sales_marketing_spend",
  sm_spend: "sales_marketing_spend",
};

/**
 * A finance CSV (month, cash, burn, optionally S&M spend; header names as in FINANCE_HEADERS, any case)
 * into PATCH rows. Every problem is reported with its line and column; nothing is returned when any
 * cell is bad, so a half-read file never reaches the database.
 */
export function parseFinanceCsv(
  text: string,
  currency: string,
  file = "finance CSV",
): NonNullable<ConfigPatch["finance"]> {
  let records: string[][];
  try {
    records = parse(text.replace(/^\uFEFF/, ""), {
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
    });
  } catch (error) {
    throw new AppError(422, `${file}: not readable as CSV (${(error as Error).message}).`);
  }
  const [header, ...body] = records;
  if (!header || !body.length)
    throw new AppError(422, `${file}: needs a header line and at least one month.`);
  const columns = header.map(
    (h) =>
      FINANCE_HEADERS[
        h
          .toLowerCase()
          .replace(/[^a-z]+/g, "_")
          .replace(/^_|_$/g, "")
      ],
  );
  if (!columns.includes("month"))
    throw new AppError(422, `${file}: no month column (headers: ${header.join(", ")}); name one "month".`);
  if (!columns.some((c) => c && c !== "month"))
    throw new AppError(422, `${file}: no cash, burn or S&M spend column (headers: ${header.join(", ")}).`);
  const errors: string[] = [];
  const rows: NonNullable<ConfigPatch["finance"]> = [];
  body.forEach((cells, i) => {
    const line = i + 2;
    const row: Record<string, string | number | null> = {};
    columns.forEach((key, c) => {
      if (!key) return;
      const raw = cells[c] ?? "";
      const where = `line ${line}, column "${header[c]}"`;
      if (key === "month") {
        const month = /^(\d{4})-(\d{1,2})(-\d{1,2})?$/.exec(raw);
        const m = month ? `${month[1]}-${month[2]?.padStart(2, "0")}` : "";
        if (!MONTH.test(m)) errors.push(`${where}: "${raw}" is not a month (use YYYY-MM).`);
        row.month = m;
        return;
      }
      if (raw === "") {
        row[key] = null;
        return;
      }
      // The import's amount parser: `$1,234.50`, `1.234,50 €`, `(2,000.00)` as a negative.
      const amount = parseAmount(raw);
      const minor = amount.ok ? toMinorUnits(amount.value.decimal, currency) : amount;
      if (!minor.ok) errors.push(`${where}: ${minor.reason}.`);
      else row[key] = minor.value / 10 ** currencyExponent(currency);
    });
    rows.push(row as NonNullable<ConfigPatch["finance"]>[number]);
  });
  if (errors.length)
    throw new AppError(
      422,
      `${file}: ${errors.slice(0, 5).join(" ")}${errors.length > 5 ? ` (${errors.length} problems in all)` : ""}`,
    );
  return rows;
}
