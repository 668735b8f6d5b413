import { like, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { queryRows, toNumber } from "@/db/rows";
import { type IntervalUnit, type ItemStatus, organizations, type PeriodKind } from "@/db/schema";
import { clearRevenue } from "@/lib/metrics/derive";
import { itemMrr } from "@/lib/metrics/mrr";
import { saveSubscriptionItem, type TItemInput, upsertCustomer } from "@/lib/revenue/items";

/*
 * Random subscription histories, shared by the property tests (tests/revenue-properties*.test.ts, driven
 * by fast-check's `gen`, so failures shrink) and the benchmark (scripts/bench-metrics.ts, driven by a
 * seeded PRNG, so every run loads the same org). Both feed the same `Rand`, so the benchmark measures
 * the shapes the tests prove correct. Also the plain-TypeScript oracle of MRR-2/MRR-3 and MOV-1.
 */

/** An integer in [min, max]; the only primitive a generator needs. */
export type Rand = { int: (min: number, max: number) => number };

/** Mulberry32: tiny, fast, and identical on every machine for a given seed. */
export function seededRand(seed: number): Rand & { next: () => number } {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (min, max) => min + Math.floor(next() * (max - min + 1)) };
}

/** First element is the shrink target under fast-check, so list the plainest option first. */
export const pick = <T>(r: Rand, options: readonly T[]): T => options[r.int(0, options.length - 1)] as T;
/** True with probability p; shrinks to false (fast-check shrinks integers towards the minimum). */
export const chance = (r: Rand, p: number): boolean => r.int(1, 1000) > 1000 - Math.round(p * 1000);

// Dates as UTC day numbers; ISO strings only at the edges.
const DAY = 86_400_000;
export const toDay = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / DAY;
export const isoDay = (day: number): string => new Date(day * DAY).toISOString().slice(0, 10);
/** Day number of the first day of month `offset` months after "YYYY-MM". */
export const monthDay = (month: string, offset = 0): number => {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return Date.UTC(y, m - 1 + offset, 1) / DAY;
};
export const monthOf = (day: number): string => isoDay(day).slice(0, 7);
export const addMonths = (month: string, n: number): string => monthOf(monthDay(month, n));

export type GenPeriod = { kind: PeriodKind; startDate: string; endDate: string | null };
export type GenItem = {
  externalId: string;
  customer: number;
  /** Plan index, or null for an item without a plan. */
  plan: number | null;
  unitAmount: number;
  quantity: number;
  intervalUnit: IntervalUnit;
  intervalCount: number;
  discountPercent: number | null;
  discountAmount: number | null;
  startDate: string;
  endDate: string | null;
  status: ItemStatus;
  /** Undefined: saveSubscriptionItem's default (a trialing or paused status covers the whole item). */
  periods?: GenPeriod[];
};

export type HistoryShape = {
  customers: number;
  items: number;
  plans: number;
  /** "YYYY-MM": items start within `months` months from here, a few up to `futureMonths` later. */
  firstMonth: string;
  months: number;
  futureMonths: number;
};

/** The fixed "today" of a shape: the 15th of its last month, so some items start after it. */
export const asOfFor = (shape: HistoryShape): Date =>
  new Date(`${isoDay(monthDay(shape.firstMonth, shape.months - 1) + 14)}T12:00:00Z`);

const INTERVALS: readonly IntervalUnit[] = ["month", "year", "quarter", "week", "day"];
const PRICES = [9_900, 4_900, 1_900, 29_900, 99_900, 0, 250_000];
const PERCENTS = [10, 20, 12.5, 33.3333, 50, 100, 7.0625];

/** A start or end day: often a month's first or last day, where off-by-one mistakes live. */
function edgyDay(r: Rand, firstDay: number, spanDays: number): number {
  const day = firstDay + r.int(0, spanDays);
  const kind = r.int(0, 3);
  if (kind === 1) return monthDay(monthOf(day)); // the 1st
  if (kind === 2) return monthDay(monthOf(day), 1) - 1; // the last day
  return day;
}

function genPeriods(r: Rand, start: number): GenPeriod[] {
  const periods: GenPeriod[] = [];
  const span = (kind: PeriodKind, from: number, maxDays: number, openP: number) => {
    const end = chance(r, openP) ? null : isoDay(from + r.int(1, maxDays));
    periods.push({ kind, startDate: isoDay(from), endDate: end });
  };
  if (chance(r, 0.2)) span("trialing", start, 45, 0);
  if (chance(r, 0.15)) span("paused", edgyDay(r, start, 400), 120, 0.2);
  if (chance(r, 0.15)) span("past_due", edgyDay(r, start, 400), 120, 0.25);
  return periods;
}

/** The item's status today: what a source system would report alongside its history. */
function statusAt(item: Pick<GenItem, "endDate" | "periods">, asOf: string): ItemStatus {
  if (item.endDate && item.endDate <= asOf) return "canceled";
  const now = item.periods?.find((p) => p.startDate <= asOf && (!p.endDate || p.endDate > asOf));
  return now?.kind ?? "active";
}

export function genItem(r: Rand, shape: HistoryShape, customer: number, externalId: string): GenItem {
  const intervalUnit = pick(r, INTERVALS);
  const intervalCount = chance(r, 0.2) ? pick(r, [2, 3, 6, 7, 14]) : 1;
  const unitAmount = chance(r, 0.5) ? pick(r, PRICES) : r.int(1, 200_000);
  const quantity = chance(r, 0.3) ? pick(r, [2, 5, 0, 37]) : 1;
  const firstDay = monthDay(shape.firstMonth);
  const afterWindow = monthDay(shape.firstMonth, shape.months);
  const afterFuture = monthDay(shape.firstMonth, shape.months + shape.futureMonths);
  // A few items start after "today" (asOfFor), which moves the derived tables' through month.
  const startDay =
    shape.futureMonths > 0 && chance(r, 0.05)
      ? edgyDay(r, afterWindow, afterFuture - 1 - afterWindow)
      : edgyDay(r, firstDay, afterWindow - 1 - firstDay);
  // Never before the start (the schema refuses that); the start day itself is a zero-length item.
  const endDate = chance(r, 0.45) ? isoDay(Math.max(startDay, edgyDay(r, startDay, 800))) : null;
  const defaultPeriods = chance(r, 0.04);
  const item: GenItem = {
    externalId,
    customer,
    plan: chance(r, 0.15) || shape.plans === 0 ? null : r.int(0, shape.plans - 1),
    unitAmount,
    quantity,
    intervalUnit,
    intervalCount,
    discountPercent: chance(r, 0.15) ? pick(r, PERCENTS) : null,
    discountAmount: chance(r, 0.1) ? r.int(0, unitAmount * Math.max(quantity, 1)) : null,
    startDate: isoDay(startDay),
    endDate,
    status: "active",
    periods: defaultPeriods ? undefined : genPeriods(r, startDay),
  };
  item.status = defaultPeriods
    ? pick(r, ["trialing", "paused"] as const)
    : statusAt(item, asOfFor(shape).toISOString().slice(0, 10));
  return item;
}

/**
 * Exactly `shape.items` items over `shape.customers` customers (each at least one), customer by
 * customer, so the benchmark can stream a million of them.
 */
export function* genItems(r: Rand, shape: HistoryShape): Generator<GenItem> {
  const most = Math.max(1, Math.ceil((2 * shape.items) / shape.customers) - 1);
  let left = shape.items;
  let next = 0;
  for (let c = 0; c < shape.customers; c++) {
    const after = shape.customers - c - 1;
    const count = Math.min(Math.max(r.int(1, most), left - after * most, 1), left - after);
    for (let k = 0; k < count; k++) yield genItem(r, shape, c, `i${next++}`);
    left -= count;
  }
}

export type GenHistory = {
  shape: HistoryShape;
  items: GenItem[];
  /** The org setting of MRR-1's past-due rule; null: past-due items count until cancelled. */
  pastDueChurnAfterDays: number | null;
};

export function genHistory(r: Rand, shape: HistoryShape): GenHistory {
  const pastDueChurnAfterDays = chance(r, 0.4) ? pick(r, [30, 0, 7, 45, 90]) : null;
  return { shape, items: [...genItems(r, shape)], pastDueChurnAfterDays };
}

/** MRR-1 of a generated item (single currency, so no conversion). */
export const genItemMrr = (i: GenItem): number => itemMrr(i);

/** The periods saveSubscriptionItem stores for an item (its default when none are given). */
export const effectivePeriods = (i: GenItem): GenPeriod[] =>
  i.periods ??
  (i.status === "trialing" || i.status === "paused"
    ? [{ kind: i.status, startDate: i.startDate, endDate: i.endDate }]
    : []);

/**
 * MRR at month ends keyed by external ids, "c3|p1|2024-05-01" (plan "-" for none) and "c3|2024-05-01",
 * and the month the derived tables reach.
 */
export type OracleMonthly = { through: string; byPlan: Map<string, number>; byCustomer: Map<string, number> };

/**
 * MRR-2/MRR-3 in plain TypeScript, independent of the SQL in lib/metrics/derive.ts: an item counts at a
 * month end d when start ≤ d < end, it is not trialing or paused on d, and (with the org's
 * pastDueChurnAfterDays = n) it has not been past due since a day s with s + n ≤ d.
 */
export function oracleMonthly(history: GenHistory, asOf: Date): OracleMonthly {
  const positive = history.items.filter((i) => genItemMrr(i) > 0);
  const asOfMonth = asOf.toISOString().slice(0, 7);
  const latest = [asOfMonth, ...positive.map((i) => i.startDate.slice(0, 7))].sort().at(-1) as string;
  const through = `${latest}-01`;
  const byPlan = new Map<string, number>();
  const byCustomer = new Map<string, number>();
  const cut = history.pastDueChurnAfterDays;
  for (const item of positive) {
    const mrr = genItemMrr(item);
    const periods = effectivePeriods(item);
    for (let month = item.startDate.slice(0, 7); month <= latest; month = addMonths(month, 1)) {
      const end = isoDay(monthDay(month, 1) - 1);
      if (item.startDate > end || (item.endDate !== null && item.endDate <= end)) continue;
      const off = periods.some(
        (p) =>
          p.startDate <= end &&
          (p.endDate === null || p.endDate > end) &&
          (p.kind !== "past_due" || (cut !== null && toDay(p.startDate) + cut <= toDay(end))),
      );
      if (off) continue;
      const planKey = `c${item.customer}|${item.plan === null ? "-" : `p${item.plan}`}|${month}-01`;
      byPlan.set(planKey, (byPlan.get(planKey) ?? 0) + mrr);
      const key = `c${item.customer}|${month}-01`;
      byCustomer.set(key, (byCustomer.get(key) ?? 0) + mrr);
    }
  }
  return { through, byPlan, byCustomer };
}

export type Movement = { customer: string; month: string; kind: string; before: number; after: number };

/** MOV-1 from per-customer month-end MRR (key "customer|YYYY-MM-01"), through `through`. */
export function oracleMovements(byCustomer: Map<string, number>, through: string): Movement[] {
  const months = new Map<string, string[]>();
  for (const key of byCustomer.keys()) {
    const [customer, month] = key.split("|") as [string, string];
    months.set(customer, [...(months.get(customer) ?? []), month]);
  }
  const out: Movement[] = [];
  for (const [customer, list] of months) {
    const first = (list.sort()[0] as string).slice(0, 7);
    for (let m = first; `${m}-01` <= through; m = addMonths(m, 1)) {
      const p = byCustomer.get(`${customer}|${addMonths(m, -1)}-01`) ?? 0;
      const q = byCustomer.get(`${customer}|${m}-01`) ?? 0;
      if (p === q) continue;
      const kind =
        p === 0
          ? m === first
            ? "new"
            : "reactivation"
          : q === 0
            ? "churn"
            : q > p
              ? "expansion"
              : "contraction";
      out.push({ customer, month: `${m}-01`, kind, before: p, after: q });
    }
  }
  return out.sort((a, b) => a.customer.localeCompare(b.customer) || a.month.localeCompare(b.month));
}

// The database side, for the tests: write a history through the product's own writers, read it back.

export const itemInput = (i: GenItem, customerId: string): TItemInput => ({
  source: "manual",
  externalId: i.externalId,
  customerId,
  plan: i.plan === null ? null : { externalId: `p${i.plan}`, name: `Plan ${i.plan}` },
  quantity: i.quantity,
  unitAmount: i.unitAmount,
  currency: "USD",
  intervalUnit: i.intervalUnit,
  intervalCount: i.intervalCount,
  discountPercent: i.discountPercent,
  discountAmount: i.discountAmount,
  startDate: i.startDate,
  endDate: i.endDate,
  status: i.status,
  periods: i.periods,
});

let orgCounter = 0;

/** A new org (reporting currency USD) holding the history; customer ids by index, item ids by external id. */
export async function saveHistory(db: Db, history: GenHistory) {
  // One property org at a time: the previous run's org goes, so long runs (FC_NUM_RUNS) don't slow down
  // as the tables grow, and the last (failing) org stays for a look.
  const previous = await db
    .select({ id: organizations.id })
    .from(organizations)
    .where(like(organizations.slug, "prop-%"));
  for (const { id } of previous) await clearRevenue(db, id);
  await db.delete(organizations).where(like(organizations.slug, "prop-%"));
  const [org] = await db
    .insert(organizations)
    .values({
      slug: `prop-${process.pid}-${++orgCounter}`,
      name: "Property",
      settings: { pastDueChurnAfterDays: history.pastDueChurnAfterDays },
    })
    .returning({ id: organizations.id });
  const orgId = (org as { id: string }).id;
  const customerIds: string[] = [];
  for (let c = 0; c < history.shape.customers; c++) {
    customerIds.push((await upsertCustomer(db, orgId, { externalId: `c${c}`, name: `Customer ${c}` })).id);
  }
  const itemIds = new Map<string, string>();
  for (const item of history.items) {
    const saved = await saveSubscriptionItem(
      db,
      orgId,
      itemInput(item, customerIds[item.customer] as string),
    );
    itemIds.set(item.externalId, saved.id);
  }
  return { orgId, customerIds, itemIds };
}

/**
 * Month-end MRR per customer and plan (org_id, customer_id, plan_id, month, mrr; MRR > 0 rows only),
 * expanded month by month from the stored changes: what the tests compare with their oracles.
 */
export function planMonthlySql(orgId: string) {
  return sql`
    SELECT * FROM (
      SELECT k.org_id, k.customer_id, k.plan_id, gs::date AS month,
        (SELECT sum(x.delta) FROM customer_plan_changes x WHERE x.org_id = k.org_id
          AND x.customer_id = k.customer_id AND x.plan_id = k.plan_id AND x.month <= gs::date)::bigint AS mrr
      FROM (SELECT org_id, customer_id, plan_id, min(month) AS first FROM customer_plan_changes
            WHERE org_id = ${orgId} GROUP BY 1, 2, 3) k
      CROSS JOIN generate_series(k.first,
        (SELECT through_month FROM revenue_derived_state WHERE org_id = ${orgId}), interval '1 month') gs
    ) e WHERE e.mrr > 0`;
}

/** Month-end MRR per customer (org_id, customer_id, month, mrr; MRR > 0 only), from planMonthlySql. */
export function customerMonthlySql(orgId: string) {
  return sql`
    SELECT org_id, customer_id, month, sum(mrr)::bigint AS mrr FROM (${planMonthlySql(orgId)}) p
    GROUP BY 1, 2, 3`;
}

/** The derived tables of an org, keyed like the oracle (external ids instead of uuids). */
export async function readDerived(db: Db, orgId: string) {
  const plan = await queryRows<{ k: string; mrr: unknown }>(
    db,
    sql`SELECT c.external_id || '|' || coalesce(p.external_id, '-') || '|' || m.month::text AS k, m.mrr
      FROM (${planMonthlySql(orgId)}) m JOIN customers c ON c.id = m.customer_id
      LEFT JOIN plans p ON p.id = m.plan_id WHERE m.org_id = ${orgId}`,
  );
  const customer = await queryRows<{ k: string; mrr: unknown }>(
    db,
    sql`SELECT c.external_id || '|' || m.month::text AS k, m.mrr
      FROM (${customerMonthlySql(orgId)}) m JOIN customers c ON c.id = m.customer_id`,
  );
  const movements = await queryRows<{
    customer: string;
    month: string;
    kind: string;
    b: unknown;
    a: unknown;
  }>(
    db,
    sql`SELECT c.external_id AS customer, m.month::text AS month, m.kind::text AS kind,
        m.mrr_before AS b, m.mrr_after AS a
      FROM customer_movements m JOIN customers c ON c.id = m.customer_id WHERE m.org_id = ${orgId}`,
  );
  const [state] = await queryRows<{ through: string }>(
    db,
    sql`SELECT through_month::text AS through FROM revenue_derived_state WHERE org_id = ${orgId}`,
  );
  const toMap = (rows: { k: string; mrr: unknown }[]) =>
    new Map(rows.map((r) => [r.k, toNumber(r.mrr) ?? 0]));
  // The org sums, as text rows in key order: an incremental update must leave exactly what a rebuild writes.
  const orgSums = await queryRows<{ row: string }>(
    db,
    sql`
    SELECT 'monthly ' || (m.*)::text AS row FROM revenue_monthly m WHERE m.org_id = ${orgId}
    UNION ALL SELECT 'cohort ' || (c.*)::text FROM revenue_cohorts c WHERE c.org_id = ${orgId}
    UNION ALL SELECT 'retention ' || (r.*)::text FROM revenue_retention r WHERE r.org_id = ${orgId}
    ORDER BY 1`,
  );
  return {
    through: state?.through ?? null,
    orgSums: orgSums.map((r) => r.row),
    byPlan: toMap(plan),
    byCustomer: toMap(customer),
    movements: movements
      .map(({ customer, month, kind, b, a }): Movement => {
        return { customer, month, kind, before: toNumber(b) ?? 0, after: toNumber(a) ?? 0 };
      })
      .sort((a, b) => a.customer.localeCompare(b.customer) || a.month.localeCompare(b.month)),
  };
}

/** The tests' small orgs: a few customers, up to four items each, 24 months plus 3 in the future. */
export function smallShape(r: Rand): HistoryShape {
  const customers = r.int(1, 5);
  return {
    customers,
    items: r.int(customers, 4 * customers),
    plans: 3,
    firstMonth: "2023-01",
    months: 24,
    futureMonths: 3,
  };
}
