import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import {
  addMonths,
  getCohorts,
  getMovementCustomers,
  getMovements,
  getMrrSeries,
  type MovementMonth,
  monthDiff,
  type RevenueFilters,
} from "@/db/queries/revenue";
import { queryRows, toNumber } from "@/db/rows";
import { MOVEMENT_KINDS, type MovementKind, organizations } from "@/db/schema";
import { rebuildRevenue } from "@/lib/metrics/derive";
import { saveSubscriptionItem, upsertCustomer } from "@/lib/revenue/items";
import { createTestDb } from "./helpers/db";
import { planMonthlySql } from "./helpers/revenue-gen";

/*
 * Property test on seeded random data: for every filter, the queries equal an independent JavaScript
 * MOV-1 / MRR-3 / COH-1 over the per-plan month-end MRR rows, MOV-2 holds, and a window read equals the
 * same months of a full read (reactivation needs history from before the window).
 */
let h: DbHandle;
let orgId: string;
const FIRST = "2022-12";
const LAST = "2024-12";

function mulberry32(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(20241215);
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
const day = (base: string, plusDays: number) =>
  new Date(Date.parse(base) + plusDays * 86_400_000).toISOString().slice(0, 10);

type PlanRow = { customer: string; plan: string | null; month: string; mrr: number };
type Attrs = { country: string | null; segment: string | null; industry: string | null };
let planRows: PlanRow[] = [];
const attrs = new Map<string, Attrs>();

beforeAll(async () => {
  h = await createTestDb();
  const [org] = await h.db.insert(organizations).values({ slug: "random", name: "Random" }).returning();
  orgId = org!.id;
  for (let c = 0; c < 60; c++) {
    const a = {
      country: pick(["US", "us", "DE", "FR", null]),
      segment: pick(["SMB", "Enterprise", null]),
      industry: pick(["Fintech", "Retail", null]),
    };
    const customer = await upsertCustomer(h.db, orgId, { externalId: `C${c}`, name: `C${c}`, ...a });
    attrs.set(customer.id, a);
    const items = 1 + Math.floor(rand() * 3);
    for (let i = 0; i < items; i++) {
      const startDate = day("2023-01-01", Math.floor(rand() * 690));
      const unit = pick(["month", "month", "quarter", "year"] as const);
      await saveSubscriptionItem(h.db, orgId, {
        source: "manual",
        externalId: `c${c}-${i}`,
        customerId: customer.id,
        plan: pick([
          { externalId: "basic", name: "Basic" },
          { externalId: "pro", name: "Pro" },
          { externalId: "team", name: "Team" },
          null,
        ]),
        quantity: 1 + Math.floor(rand() * 3),
        unitAmount: 500 + Math.floor(rand() * 30_000),
        currency: "USD",
        intervalUnit: unit,
        startDate,
        endDate: rand() < 0.5 ? null : day(startDate, 20 + Math.floor(rand() * 400)),
        periods:
          rand() < 0.15
            ? [
                {
                  kind: "paused",
                  startDate: day(startDate, 40),
                  endDate: day(startDate, 40 + Math.floor(rand() * 90)),
                },
              ]
            : [],
      });
    }
  }
  await rebuildRevenue(h.db, orgId, { asOf: new Date("2024-12-15") });
  planRows = (
    await queryRows<{ customer_id: string; plan: string | null; month: string; mrr: unknown }>(
      h.db,
      sql`SELECT pm.customer_id, p.external_id AS plan, to_char(pm.month, 'YYYY-MM') AS month, pm.mrr
        FROM (${planMonthlySql(orgId)}) pm LEFT JOIN plans p ON p.id = pm.plan_id`,
    )
  ).map((r) => ({ customer: r.customer_id, plan: r.plan, month: r.month, mrr: toNumber(r.mrr)! }));
});
afterAll(() => h.close());

/** customer → month → MRR under the filters, from the per-plan rows. */
function filteredMrr(f: RevenueFilters) {
  const matches = (value: string | null, wanted?: string[]) =>
    !wanted?.length || (value !== null && wanted.some((w) => w.toLowerCase() === value.toLowerCase()));
  const out = new Map<string, Map<string, number>>();
  for (const r of planRows) {
    const a = attrs.get(r.customer)!;
    if (
      !matches(a.country, f.countries) ||
      !matches(a.segment, f.segments) ||
      !matches(a.industry, f.industries)
    )
      continue;
    if (f.plans?.length && (r.plan === null || !f.plans.includes(r.plan))) continue;
    const months = out.get(r.customer) ?? new Map<string, number>();
    months.set(r.month, (months.get(r.month) ?? 0) + r.mrr);
    out.set(r.customer, months);
  }
  return out;
}

type Move = { customer: string; month: string; kind: MovementKind; p: number; q: number };

/** MOV-1 from METRICS.md, month by month. */
function expectedMoves(mrr: Map<string, Map<string, number>>): Move[] {
  const moves: Move[] = [];
  for (const [customer, months] of mrr) {
    let seen = false;
    for (let m = FIRST; m <= LAST; m = addMonths(m, 1)) {
      const p = months.get(addMonths(m, -1)) ?? 0;
      const q = months.get(m) ?? 0;
      if (p === 0 && q > 0) moves.push({ customer, month: m, kind: seen ? "reactivation" : "new", p, q });
      else if (p > 0 && q === 0) moves.push({ customer, month: m, kind: "churn", p, q });
      else if (p > 0 && q > p) moves.push({ customer, month: m, kind: "expansion", p, q });
      else if (p > 0 && q < p) moves.push({ customer, month: m, kind: "contraction", p, q });
      if (q > 0) seen = true;
    }
  }
  return moves;
}

function expectedMonths(mrr: Map<string, Map<string, number>>, from: string, to: string): MovementMonth[] {
  const moves = expectedMoves(mrr);
  const total = (m: string) => [...mrr.values()].reduce((s, months) => s + (months.get(m) ?? 0), 0);
  const active = (m: string) => [...mrr.values()].filter((months) => (months.get(m) ?? 0) > 0).length;
  const rows: MovementMonth[] = [];
  for (let m = from; m <= to; m = addMonths(m, 1)) {
    const of = (k: MovementKind) => moves.filter((x) => x.month === m && x.kind === k);
    const amount = (k: MovementKind) => of(k).reduce((s, x) => s + Math.abs(x.q - x.p), 0);
    rows.push({
      month: m,
      startMrr: total(addMonths(m, -1)),
      new: amount("new"),
      expansion: amount("expansion"),
      reactivation: amount("reactivation"),
      contraction: amount("contraction"),
      churn: amount("churn"),
      endMrr: total(m),
      activeCustomers: active(m),
      newCustomers: of("new").length,
      reactivatedCustomers: of("reactivation").length,
      churnedCustomers: of("churn").length,
    });
  }
  return rows;
}

const FILTERS: RevenueFilters[] = [
  {},
  { plans: ["pro"] },
  { plans: ["basic", "team"] },
  { countries: ["us"] },
  { segments: ["SMB"] },
  { industries: ["Fintech"] },
  { plans: ["pro"], countries: ["DE", "US"] },
];

describe.each(FILTERS.map((f) => [JSON.stringify(f), f] as const))(
  "random data, filters %s",
  (_name, filters) => {
    it("movements, series and MOV-2 equal MOV-1 computed independently; windows equal full reads", async () => {
      const mrr = filteredMrr(filters);
      const expected = expectedMonths(mrr, "2023-01", LAST);
      const full = await getMovements(h.db, { orgId, from: "2023-01", to: LAST, filters });
      expect(full).toEqual(expected);
      expect(expected.some((r) => r.reactivation > 0)).toBe(true);
      for (const r of full) {
        expect(r.endMrr).toBe(r.startMrr + r.new + r.expansion + r.reactivation - r.contraction - r.churn);
      }
      for (let i = 0; i < 4; i++) {
        const from = addMonths("2023-01", Math.floor(rand() * 24));
        const to = addMonths(from, Math.floor(rand() * (monthDiff(from, LAST) + 1)));
        const window = await getMovements(h.db, { orgId, from, to, filters });
        expect(window, `${from}..${to}`).toEqual(full.filter((r) => r.month >= from && r.month <= to));
      }
      const series = await getMrrSeries(h.db, { orgId, from: "2023-01", to: LAST, filters });
      expect(series).toEqual(
        expected.map((r) => ({ month: r.month, mrr: r.endMrr, activeCustomers: r.activeCustomers })),
      );
    });

    it("cohorts equal COH-1 computed independently", async () => {
      const mrr = filteredMrr(filters);
      const news = expectedMoves(mrr).filter((x) => x.kind === "new");
      const logos: Record<string, number[]> = {};
      const revenue: Record<string, number[]> = {};
      for (let c = "2023-01"; c <= "2024-06"; c = addMonths(c, 1)) {
        const cohort = news.filter((x) => x.month === c).map((x) => mrr.get(x.customer)!);
        const l: number[] = [];
        const r: number[] = [];
        for (let m = c; m <= LAST; m = addMonths(m, 1)) {
          l.push(cohort.filter((months) => (months.get(m) ?? 0) > 0).length);
          r.push(cohort.reduce((s, months) => s + (months.get(m) ?? 0), 0));
        }
        logos[c] = l;
        revenue[c] = r;
      }
      const range = { orgId, from: "2023-01", to: "2024-06", filters, format: "counts" as const };
      expect(await getCohorts(h.db, { ...range, kind: "logo" })).toEqual(logos);
      expect(await getCohorts(h.db, { ...range, kind: "revenue" })).toEqual(revenue);
    });

    it("drill-down lists exactly the customers of each movement, and their items explain the change", async () => {
      const moves = expectedMoves(filteredMrr(filters));
      for (let i = 0; i < 4; i++) {
        const month = addMonths("2023-02", Math.floor(rand() * 22));
        for (const kind of MOVEMENT_KINDS) {
          const got = await getMovementCustomers(h.db, { orgId, month, kind, filters });
          const want = moves.filter((x) => x.month === month && x.kind === kind);
          expect(got.map((c) => [c.customerId, c.mrrBefore, c.mrrAfter]).sort()).toEqual(
            want.map((x) => [x.customer, x.p, x.q]).sort(),
          );
          for (const c of got) {
            expect(c.items.reduce((s, it) => s + it.mrrAfter - it.mrrBefore, 0)).toBe(
              c.mrrAfter - c.mrrBefore,
            );
          }
        }
      }
    });
  },
);
