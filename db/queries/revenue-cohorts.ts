import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { queryRows } from "@/db/rows";
import { ratio } from "@/lib/metrics/rates";
import {
  type AnyFilters,
  addMonths,
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
  // A cohort customer's MRR at the end of c+k is the sum of its movements' deltas through c+k (its first
  // movement is new business from 0), and it is active after new or reactivation until churn. Summing
  // the movement table per (cohort, month) reads only the months where something changed.
  // Read twice (cohort members, then their movements): the plain table's reads should use its
  // indexes, while the plan-filtered relation is computed once.
  const materialized = filters.plans.length ? sql`MATERIALIZED` : sql`NOT MATERIALIZED`;
  const rows = await queryRows<{ cohort: string; month: string; logos: unknown; mrr: unknown }>(
    db,
    sql`
    WITH mv AS ${materialized} (${movementsSql(orgId, filters, { from, to: last })}),
    cohort AS (SELECT customer_id, month AS cohort FROM mv WHERE kind = 'new' AND month <= ${monthDate(to)}::date)
    SELECT to_char(co.cohort, 'YYYY-MM') AS cohort, to_char(mv.month, 'YYYY-MM') AS month,
      (count(*) FILTER (WHERE mv.kind IN ('new', 'reactivation'))
        - count(*) FILTER (WHERE mv.kind = 'churn'))::bigint AS logos,
      sum(mv.mrr_after - mv.mrr_before)::bigint AS mrr
    FROM cohort co JOIN mv ON mv.customer_id = co.customer_id
    GROUP BY co.cohort, mv.month`, // by the dates: to_char per row would cost more than the join
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
