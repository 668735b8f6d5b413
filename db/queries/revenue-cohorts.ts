import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { queryRows } from "@/db/rows";
import { cohortChangesSql } from "@/lib/metrics/derive";
import { ratio } from "@/lib/metrics/rates";
import {
  type AnyFilters,
  addMonths,
  isFiltered,
  monthDate,
  monthDiff,
  movementsSql,
  resolveFilters,
} from "./revenue-filters";
import { num, readableRange } from "./revenue-series";

export type CohortKind = "logo" | "revenue";
export type CohortFormat = "counts" | "percent";

/**
 * COH-1 retention matrix: per cohort month c in from..to, [x(c,0), x(c,1), ...] up to the last month the
 * derived tables cover. logo: L(c,k) customers with MRR > 0 at the end of c+k (L(c,0) = N(c)); revenue:
 * the cohort's MRR at the end of c+k in cents. `percent` divides by L(c,0) or the starting MRR and gives
 * fractions (1 = 100%; revenue may exceed 1); null for an empty cohort.
 */
export async function getCohorts(
  db: Db,
  options: {
    orgId: string;
    from: string;
    to: string;
    kind: CohortKind;
    format: CohortFormat;
    filters?: AnyFilters;
  },
): Promise<Record<string, (number | null)[]>> {
  const { orgId, kind, format } = options;
  const [{ from, to, through }, filters] = await Promise.all([
    readableRange(db, options),
    resolveFilters(db, orgId, options.filters),
  ]);
  const last = through ?? to;
  if (from > to) return {};
  // A cohort's active customers and MRR at the end of c+k are the running sums of its changes (COH-1):
  // stored for the org, computed over the filtered movements.
  const changes = isFiltered(filters)
    ? cohortChangesSql(movementsSql(orgId, filters))
    : sql`SELECT cohort, month, logos, mrr FROM revenue_cohorts WHERE org_id = ${orgId}`;
  const rows = await queryRows<{ cohort: string; month: string; logos: unknown; mrr: unknown }>(
    db,
    sql`
    SELECT to_char(x.cohort, 'YYYY-MM') AS cohort, to_char(x.month, 'YYYY-MM') AS month, x.logos, x.mrr
    FROM (${changes}) x
    WHERE x.cohort BETWEEN ${monthDate(from)}::date AND ${monthDate(to)}::date AND x.month <= ${monthDate(last)}::date`,
  );
  const deltas = new Map<string, number>();
  for (const r of rows) deltas.set(`${r.cohort}/${r.month}`, num(kind === "logo" ? r.logos : r.mrr));

  const matrix: Record<string, (number | null)[]> = {};
  for (let c = from; c <= to; c = addMonths(c, 1)) {
    const counts: number[] = [];
    let running = 0;
    for (let k = 0; k <= monthDiff(c, last); k++) {
      running += deltas.get(`${c}/${addMonths(c, k)}`) ?? 0;
      counts.push(running);
    }
    const start = counts[0] ?? 0;
    matrix[c] = format === "counts" ? counts : counts.map((x) => ratio(x, start));
  }
  return matrix;
}
