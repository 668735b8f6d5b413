import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { queryRows } from "@/db/rows";
import { rebuildRevenue } from "@/lib/metrics/derive";
import { createTestDb } from "./helpers/db";
import {
  asOfFor,
  customerMonthlySql,
  genHistory,
  oracleMonthly,
  oracleMovements,
  type Rand,
  readDerived,
  saveHistory,
  smallShape,
} from "./helpers/revenue-gen";

/*
 * Property tests of the derived revenue tables on random small orgs, written through the product's own
 * writers and rebuilt by lib/metrics/derive.ts, on the engine of this run (PGlite, or Postgres with
 * TEST_DATABASE_URL). fast-check prints the seed and the shrunk history on failure; FC_SEED and
 * FC_NUM_RUNS replay or widen a run.
 */

const numRuns = Number(process.env.FC_NUM_RUNS ?? 25);
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;
const historyArb = fc.gen().map((g) => {
  const r: Rand = { int: (min, max) => g(fc.integer, { min, max }) };
  return genHistory(r, smallShape(r));
});

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

const sortedObject = (m: Map<string, number>) =>
  Object.fromEntries([...m].sort(([a], [b]) => a.localeCompare(b)));
const big = (v: unknown) => BigInt(String(v));

type BridgeRow = Record<
  | "mrr"
  | "prev_mrr"
  | "active"
  | "prev_active"
  | "new"
  | "expansion"
  | "reactivation"
  | "contraction"
  | "churn"
  | "new_n"
  | "reactivated_n"
  | "churned_n",
  unknown
> & { month: string };

/** Per month from the month before the first MRR through the org's last derived month: MOV-2's terms. */
async function bridgeRows(orgId: string) {
  return queryRows<BridgeRow>(
    h.db,
    sql`
    WITH months AS (
      SELECT gs::date AS month FROM generate_series(
        (SELECT min(month) - interval '1 month' FROM (${customerMonthlySql(orgId)}) x),
        (SELECT through_month FROM revenue_derived_state WHERE org_id = ${orgId}),
        interval '1 month') gs),
    mrr AS (
      SELECT month, sum(mrr) AS mrr, count(*) AS active FROM (${customerMonthlySql(orgId)}) x
      GROUP BY month)
    SELECT m.month::text AS month,
      coalesce(cur.mrr, 0) AS mrr, coalesce(prev.mrr, 0) AS prev_mrr,
      coalesce(cur.active, 0) AS active, coalesce(prev.active, 0) AS prev_active,
      mv.*
    FROM months m
    LEFT JOIN mrr cur ON cur.month = m.month
    LEFT JOIN mrr prev ON prev.month = (m.month - interval '1 month')::date
    CROSS JOIN LATERAL (
      SELECT
        coalesce(sum(abs(mrr_after - mrr_before)) FILTER (WHERE kind = 'new'), 0) AS new,
        coalesce(sum(abs(mrr_after - mrr_before)) FILTER (WHERE kind = 'expansion'), 0) AS expansion,
        coalesce(sum(abs(mrr_after - mrr_before)) FILTER (WHERE kind = 'reactivation'), 0) AS reactivation,
        coalesce(sum(abs(mrr_after - mrr_before)) FILTER (WHERE kind = 'contraction'), 0) AS contraction,
        coalesce(sum(abs(mrr_after - mrr_before)) FILTER (WHERE kind = 'churn'), 0) AS churn,
        count(*) FILTER (WHERE kind = 'new') AS new_n,
        count(*) FILTER (WHERE kind = 'reactivation') AS reactivated_n,
        count(*) FILTER (WHERE kind = 'churn') AS churned_n
      FROM customer_movements WHERE org_id = ${orgId} AND month = m.month) mv
    ORDER BY m.month`,
  );
}

/** Movements that break the MOV-1 table: wrong p/q, wrong kind for p/q, or a non-positive amount. */
async function inconsistentMovements(orgId: string) {
  return queryRows(
    h.db,
    sql`
    WITH cm AS (${customerMonthlySql(orgId)})
    SELECT mv.customer_id, mv.month::text, mv.kind::text, mv.mrr_before, mv.mrr_after
    FROM customer_movements mv
    LEFT JOIN cm prev ON prev.org_id = mv.org_id AND prev.customer_id = mv.customer_id
      AND prev.month = (mv.month - interval '1 month')::date
    LEFT JOIN cm cur ON cur.org_id = mv.org_id AND cur.customer_id = mv.customer_id
      AND cur.month = mv.month
    WHERE mv.org_id = ${orgId} AND NOT coalesce(
      mv.mrr_before = coalesce(prev.mrr, 0) AND mv.mrr_after = coalesce(cur.mrr, 0)
      AND CASE mv.kind
        WHEN 'new' THEN mv.mrr_before = 0 AND mv.mrr_after > 0
        WHEN 'reactivation' THEN mv.mrr_before = 0 AND mv.mrr_after > 0
        WHEN 'expansion' THEN mv.mrr_before > 0 AND mv.mrr_after > mv.mrr_before
        WHEN 'contraction' THEN mv.mrr_after > 0 AND mv.mrr_after < mv.mrr_before
        WHEN 'churn' THEN mv.mrr_before > 0 AND mv.mrr_after = 0
      END, false)`,
  );
}

/** Customers whose history breaks "new once, first, before any reactivation" (MOV-1, COH-1). */
async function historyViolations(orgId: string) {
  return queryRows(
    h.db,
    sql`
    WITH cm AS (${customerMonthlySql(orgId)})
    SELECT customer_id, 'new more than once' AS problem FROM customer_movements
    WHERE org_id = ${orgId} AND kind = 'new' GROUP BY customer_id HAVING count(*) > 1
    UNION ALL
    SELECT r.customer_id, 'reactivation without an earlier new' FROM customer_movements r
    WHERE r.org_id = ${orgId} AND r.kind = 'reactivation' AND NOT EXISTS (
      SELECT 1 FROM customer_movements n WHERE n.org_id = r.org_id AND n.customer_id = r.customer_id
        AND n.kind = 'new' AND n.month < r.month)
    UNION ALL
    SELECT n.customer_id, 'new after an earlier month with MRR' FROM customer_movements n
    WHERE n.org_id = ${orgId} AND n.kind = 'new' AND EXISTS (
      SELECT 1 FROM cm c WHERE c.org_id = n.org_id AND c.customer_id = n.customer_id
        AND c.month < n.month)
    UNION ALL
    SELECT c.customer_id, 'MRR but no new' FROM cm c WHERE c.org_id = ${orgId}
      AND NOT EXISTS (SELECT 1 FROM customer_movements n WHERE n.org_id = c.org_id
        AND n.customer_id = c.customer_id AND n.kind = 'new')
    UNION ALL
    SELECT customer_id, 'stored change is zero' FROM customer_plan_changes WHERE org_id = ${orgId} AND delta = 0`,
  );
}

describe("derived revenue tables on random histories", () => {
  it("MRR-2/MRR-3 month ends and MOV-1 movements equal a plain TypeScript oracle", async () => {
    await fc.assert(
      fc.asyncProperty(historyArb, async (history) => {
        const { orgId } = await saveHistory(h.db, history);
        const asOf = asOfFor(history.shape);
        await rebuildRevenue(h.db, orgId, { asOf });
        const derived = await readDerived(h.db, orgId);
        const oracle = oracleMonthly(history, asOf);
        expect(derived.through).toBe(oracle.through);
        expect(sortedObject(derived.byCustomer)).toEqual(sortedObject(oracle.byCustomer));
        expect(sortedObject(derived.byPlan)).toEqual(sortedObject(oracle.byPlan));
        expect(derived.movements).toEqual(oracleMovements(oracle.byCustomer, oracle.through));
      }),
      { numRuns, seed },
    );
  }, 180_000);

  it("MOV-2 bridges hold exactly; every movement is positive and matches its MOV-1 case", async () => {
    let bridged = 0;
    await fc.assert(
      fc.asyncProperty(historyArb, async (history) => {
        const { orgId } = await saveHistory(h.db, history);
        await rebuildRevenue(h.db, orgId, { asOf: asOfFor(history.shape) });
        for (const row of await bridgeRows(orgId)) {
          const { month } = row;
          // MOV-2 money bridge, in cents: MRR(m) = MRR(m−1) + new + expansion + reactivation − contraction − churn
          const moved = big(row.new) + big(row.expansion) + big(row.reactivation);
          expect({ month, mrr: big(row.mrr) }).toEqual({
            month,
            mrr: big(row.prev_mrr) + moved - big(row.contraction) - big(row.churn),
          });
          // MOV-2 / CUS-1 count bridge: Active(m) = Active(m−1) + new + reactivated − churned
          expect({ month, active: big(row.active) }).toEqual({
            month,
            active: big(row.prev_active) + big(row.new_n) + big(row.reactivated_n) - big(row.churned_n),
          });
          bridged++;
        }
        expect(await inconsistentMovements(orgId)).toEqual([]);
        expect(await historyViolations(orgId)).toEqual([]);
      }),
      { numRuns, seed },
    );
    expect(bridged).toBeGreaterThan(numRuns); // the bridges really ran over months, not over nothing
  }, 180_000);
});
