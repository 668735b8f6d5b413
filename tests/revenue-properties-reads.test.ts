import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { getCohorts, getMovements, getMrrSeries, getSummary } from "@/db/queries/revenue";
import { rebuildRevenue } from "@/lib/metrics/derive";
import { createTestDb } from "./helpers/db";
import {
  addMonths,
  asOfFor,
  genHistory,
  type OracleMonthly,
  oracleMonthly,
  oracleMovements,
  type Rand,
  saveHistory,
  smallShape,
} from "./helpers/revenue-gen";

/*
 * The read queries (db/queries/revenue*.ts) on random histories, against the TypeScript oracle of
 * MRR-3, MOV-1 and COH-1: MOV-2 bridges hold exactly, every movement is ≥ 0, ARR = 12 × MRR (ARR-1),
 * GRR12 ≤ 1 (RATE-7) and equals the oracle's, L(c,0) = N(c) (COH-1). FC_SEED and FC_NUM_RUNS replay
 * or widen a run.
 */

const numRuns = Number(process.env.FC_NUM_RUNS ?? 20);
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;
const FROM = "2023-01"; // the shapes' first month: every history starts inside the read window
const scenarioArb = fc.gen().map((g) => {
  const r: Rand = { int: (min, max) => g(fc.integer, { min, max }) };
  const history = genHistory(r, smallShape(r));
  return { history, summaryMonth: addMonths(FROM, r.int(0, 26)) };
});

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

const monthsOf = (from: string, to: string) => {
  const out: string[] = [];
  for (let m = from; m <= to; m = addMonths(m, 1)) out.push(m);
  return out;
};

/** Per-customer MRR at a month end, from the oracle. */
const mrrAt = (oracle: OracleMonthly, customer: string, month: string) =>
  oracle.byCustomer.get(`${customer}|${month}-01`) ?? 0;

function oracleTotals(oracle: OracleMonthly, month: string) {
  let mrr = 0;
  let active = 0;
  for (const [key, value] of oracle.byCustomer) {
    if (key.endsWith(`|${month}-01`)) {
      mrr += value;
      active++;
    }
  }
  return { mrr, active };
}

/** RATE-7 over S = customers with MRR > 0 at the end of m−12; null when S is empty. */
function oracleGrr12(oracle: OracleMonthly, customers: string[], month: string): number | null {
  let base = 0;
  let retained = 0;
  for (const c of customers) {
    const before = mrrAt(oracle, c, addMonths(month, -12));
    base += before;
    retained += Math.min(before, mrrAt(oracle, c, month));
  }
  return base === 0 ? null : retained / base;
}

describe("revenue reads on random histories", () => {
  it("getMovements/getMrrSeries: MOV-2 bridges, movements ≥ 0, sums equal the oracle's", async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ({ history }) => {
        const { orgId } = await saveHistory(h.db, history);
        const asOf = asOfFor(history.shape);
        await rebuildRevenue(h.db, orgId, { asOf });
        const oracle = oracleMonthly(history, asOf);
        const through = oracle.through.slice(0, 7);
        const rows = await getMovements(h.db, { orgId, from: FROM, to: through });
        const series = await getMrrSeries(h.db, { orgId, from: FROM, to: through });
        const moves = oracleMovements(oracle.byCustomer, oracle.through);
        expect(rows.map((r) => r.month)).toEqual(monthsOf(FROM, through));
        rows.forEach((row, i) => {
          const { month } = row;
          const sum = (kind: string) =>
            moves
              .filter((m) => m.kind === kind && m.month === `${month}-01`)
              .reduce((s, m) => s + Math.abs(m.after - m.before), 0);
          const count = (kind: string) =>
            moves.filter((m) => m.kind === kind && m.month === `${month}-01`).length;
          const { mrr, active } = oracleTotals(oracle, month);
          const amounts = [row.new, row.expansion, row.reactivation, row.contraction, row.churn];
          expect({ month, negative: amounts.filter((a) => a < 0) }).toEqual({ month, negative: [] });
          // MOV-2, exactly in cents, and its count form (CUS-1).
          expect({ month, end: row.endMrr }).toEqual({
            month,
            end: row.startMrr + row.new + row.expansion + row.reactivation - row.contraction - row.churn,
          });
          const prevActive =
            i === 0 ? oracleTotals(oracle, addMonths(month, -1)).active : rows[i - 1]!.activeCustomers;
          expect({ month, active: row.activeCustomers }).toEqual({
            month,
            active: prevActive + row.newCustomers + row.reactivatedCustomers - row.churnedCustomers,
          });
          expect(row).toEqual({
            month,
            startMrr: oracleTotals(oracle, addMonths(month, -1)).mrr,
            new: sum("new"),
            expansion: sum("expansion"),
            reactivation: sum("reactivation"),
            contraction: sum("contraction"),
            churn: sum("churn"),
            endMrr: mrr,
            activeCustomers: active,
            newCustomers: count("new"),
            reactivatedCustomers: count("reactivation"),
            churnedCustomers: count("churn"),
          });
          expect(series[i]).toEqual({ month, mrr, activeCustomers: active });
        });
      }),
      { numRuns, seed },
    );
  }, 180_000);

  it("getSummary: ARR = 12 × MRR, GRR12 ≤ 1 and equal to the oracle's RATE-7", async () => {
    let grrDefined = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ({ history, summaryMonth }) => {
        const { orgId } = await saveHistory(h.db, history);
        const asOf = asOfFor(history.shape);
        await rebuildRevenue(h.db, orgId, { asOf });
        const oracle = oracleMonthly(history, asOf);
        const through = oracle.through.slice(0, 7);
        const month = [summaryMonth, through].sort()[0] as string; // getSummary refuses months after through
        const summary = await getSummary(h.db, { orgId, month });
        const customers = [...new Set([...oracle.byCustomer.keys()].map((k) => k.split("|")[0] as string))];
        for (const values of [summary, summary.previous]) {
          const { mrr, active } = oracleTotals(oracle, values.month);
          expect({ month: values.month, mrr: values.mrr, active: values.activeCustomers }).toEqual({
            month: values.month,
            mrr,
            active,
          });
          expect(values.arr).toBe(12 * values.mrr); // ARR-1
          const grr = oracleGrr12(oracle, customers, values.month);
          if (grr === null) {
            expect(values.grr12).toBeNull();
          } else {
            grrDefined++;
            expect(values.grr12).not.toBeNull();
            expect(values.grr12!).toBeLessThanOrEqual(1); // RATE-7: never above 100%
            expect(values.grr12!).toBeCloseTo(grr, 12);
          }
        }
      }),
      { numRuns, seed },
    );
    expect(grrDefined).toBeGreaterThan(0); // some months had a year of history, so GRR12 was tested
  }, 180_000);

  it("getCohorts: L(c,0) = N(c), and logo and revenue matrices equal the oracle's (COH-1)", async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ({ history }) => {
        const { orgId } = await saveHistory(h.db, history);
        const asOf = asOfFor(history.shape);
        await rebuildRevenue(h.db, orgId, { asOf });
        const oracle = oracleMonthly(history, asOf);
        const through = oracle.through.slice(0, 7);
        const cohortOf = new Map(
          oracleMovements(oracle.byCustomer, oracle.through)
            .filter((m) => m.kind === "new")
            .map((m) => [m.customer, m.month.slice(0, 7)]),
        );
        const logo: Record<string, number[]> = {};
        const revenue: Record<string, number[]> = {};
        for (const c of monthsOf(FROM, through)) {
          const members = [...cohortOf].filter(([, cohort]) => cohort === c).map(([customer]) => customer);
          const ks = monthsOf(c, through);
          logo[c] = ks.map((m) => members.filter((customer) => mrrAt(oracle, customer, m) > 0).length);
          revenue[c] = ks.map((m) => members.reduce((s, customer) => s + mrrAt(oracle, customer, m), 0));
          expect(logo[c]![0]).toBe(members.length); // L(c,0) = N(c)
        }
        const range = { orgId, from: FROM, to: through };
        expect(await getCohorts(h.db, { ...range, kind: "logo", format: "counts" })).toEqual(logo);
        expect(await getCohorts(h.db, { ...range, kind: "revenue", format: "counts" })).toEqual(revenue);
        const percent = await getCohorts(h.db, { ...range, kind: "logo", format: "percent" });
        for (const [c, row] of Object.entries(percent)) expect(row[0]).toBe(logo[c]![0] ? 1 : null);
      }),
      { numRuns, seed },
    );
  }, 180_000);
});
