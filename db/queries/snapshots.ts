import { and, desc, eq, gte, lte, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { toMajor } from "@/db/queries/revenue-json";
import { type MetricsSnapshot, metricsSnapshots } from "@/db/schema";
import type { CsvCell } from "@/lib/csv";
import { type MetricDef, SNAPSHOT_METRICS } from "@/lib/snapshots/metrics";

/*
 * Reads of the daily snapshots (metrics_snapshots), all org-scoped. A week or month point is the last
 * snapshot inside it: every stored figure is a level on its day (MRR, DAU, a 30-day activation rate, a
 * month-to-date count), so the period's closing value is the one to show, as a balance sheet would.
 */

export const GRANULARITIES = ["day", "week", "month"] as const;
export type Granularity = (typeof GRANULARITIES)[number];

export type Point = { date: string; value: number | null };

/** A snapshot value as the API shows it: money in major units of the snapshot's currency. */
export function metricValue(
  metric: MetricDef,
  snapshot: Pick<MetricsSnapshot, "currency"> & Record<string, unknown>,
) {
  const raw = snapshot[metric.column] as number | null | undefined;
  if (raw === null || raw === undefined) return null;
  return metric.kind === "money" ? toMajor(raw, snapshot.currency) : raw;
}

export async function getTimeseries(
  db: Db,
  {
    orgId,
    metric,
    from,
    to,
    granularity,
  }: { orgId: string; metric: MetricDef; from: string; to: string; granularity: Granularity },
): Promise<Point[]> {
  const column = metricsSnapshots[metric.column];
  // ISO weeks start on Monday; date_trunc('week') agrees.
  const bucket =
    granularity === "day"
      ? sql`${metricsSnapshots.date}`
      : // A literal, not a parameter: DISTINCT ON must match ORDER BY textually. `granularity` is from the enum.
        sql`date_trunc(${sql.raw(`'${granularity}'`)}, ${metricsSnapshots.date}::timestamp)::date`;
  const rows = await db
    .selectDistinctOn([bucket], {
      bucket: sql<string>`to_char(${bucket}, 'YYYY-MM-DD')`,
      value: column,
      currency: metricsSnapshots.currency,
    })
    .from(metricsSnapshots)
    .where(
      and(
        eq(metricsSnapshots.orgId, orgId),
        gte(metricsSnapshots.date, from),
        lte(metricsSnapshots.date, to),
      ),
    )
    .orderBy(bucket, desc(metricsSnapshots.date));
  return rows.map((r) => ({
    date: r.bucket,
    value:
      r.value === null
        ? null
        : metric.kind === "money"
          ? toMajor(Number(r.value), r.currency)
          : Number(r.value),
  }));
}

export async function getLatestSnapshots(db: Db, { orgId, limit = 2 }: { orgId: string; limit?: number }) {
  return db
    .select()
    .from(metricsSnapshots)
    .where(eq(metricsSnapshots.orgId, orgId))
    .orderBy(desc(metricsSnapshots.date))
    .limit(limit);
}

export async function getSnapshot(db: Db, { orgId, date }: { orgId: string; date: string }) {
  const [row] = await db
    .select()
    .from(metricsSnapshots)
    .where(and(eq(metricsSnapshots.orgId, orgId), eq(metricsSnapshots.date, date)));
  return row;
}

/** Every snapshot of [from, to] as CSV rows: date, currency, then every metric (money in major units). */
export async function snapshotsCsv(
  db: Db,
  { orgId, from, to }: { orgId: string; from: string; to: string },
): Promise<{ header: string[]; rows: CsvCell[][] }> {
  const snapshots = await db
    .select()
    .from(metricsSnapshots)
    .where(
      and(
        eq(metricsSnapshots.orgId, orgId),
        gte(metricsSnapshots.date, from),
        lte(metricsSnapshots.date, to),
      ),
    )
    .orderBy(metricsSnapshots.date);
  return {
    header: ["date", "currency", ...SNAPSHOT_METRICS.map((m) => m.name)],
    rows: snapshots.map((s) => [s.date, s.currency, ...SNAPSHOT_METRICS.map((m) => metricValue(m, s))]),
  };
}
