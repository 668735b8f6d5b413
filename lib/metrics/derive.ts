import { eq, type SQL, sql } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { type Db, helperClient } from "@/db/client";
import { queryRows } from "@/db/rows";
import { organizations, revenueDerivedState } from "@/db/schema";
import {
  buildName,
  CUSTOMER_RANGES,
  createLeafSql,
  ensurePartitions,
  inRange,
  leafIndexesSql,
  PER_CUSTOMER_TABLES,
  swapLeafSql,
} from "./partitions";

/*
 * Keeps the derived revenue tables (db/schema/revenue-derived.ts) current, in SQL, set-based. Revenue
 * is stored where it changes, never month by month:
 *   customer_plan_changes   MRR-3 per customer and plan as changes between month ends, from the items
 *   customer_movements      MOV-1 per customer and month, with history-aware reactivation
 *   revenue_monthly         MOV-1 sums and counts per org and month (MRR-3, CUS-1 are running sums)
 *   revenue_cohorts         COH-1 changes per cohort and month
 *   revenue_retention       RATE-6/7 sums as changes per month
 * `rebuildRevenue` recomputes an org; `updateRevenueForCustomers` recomputes only the customers a write
 * touched (and adjusts the org sums by their difference), and every writer (imports, Stripe sync, forms)
 * calls it after its transaction's writes.
 *
 * An item counts at a month end E when start ≤ E < end (MRR-2), so it adds its MRR-1 in its start month
 * and takes it away in the month of its end date, unless it ends in the month it starts. A trialing or
 * paused period, or a past-due period once `pastDueChurnAfterDays` have passed, takes it away for the
 * months whose end the period covers (overlapping periods are merged first).
 *
 * Months run through the org's `through` month: the later of the current month and the latest start
 * month; changes after it are not stored. Whenever that is not the current month (the month moved on,
 * or future-dated items exist) or a write starts an item after it, the update rebuilds the org, so every
 * customer covers exactly the months a rebuild would.
 */

/** The nil uuid stands for "no plan" in customer_plan_changes's key. */
export const NO_PLAN = "00000000-0000-0000-0000-000000000000";

/** Above this many touched customers, one rebuild is cheaper than the per-customer path. */
const INCREMENTAL_LIMIT = 5_000;

/**
 * Above this many items an org's rebuild builds new partitions and swaps them in (partitions.ts): no
 * index maintenance row by row, and on a Postgres server one customer range per connection at once.
 * Below it, rows are replaced in place (a few DDL statements would cost more than they save).
 */
const SWAP_ABOVE = 20_000;

type Options = { asOf?: Date };

/** Where a derive writes: the per-customer tables and the org sums (a rebuild's new tables, or the real ones). */
type Targets = { pc: string; mv: string; monthly: string; cohorts: string; retention: string };
const TABLES: Targets = {
  pc: "customer_plan_changes",
  mv: "customer_movements",
  monthly: "revenue_monthly",
  cohorts: "revenue_cohorts",
  retention: "revenue_retention",
};

const monthStart = (d: Date) =>
  new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)).toISOString().slice(0, 10);

function customerFilter(column: string, customerIds: readonly string[] | null): SQL {
  if (!customerIds) return sql``;
  // One array parameter however many customers.
  return sql`AND ${sql.raw(column)} = ANY(${`{${customerIds.join(",")}}`}::uuid[])`;
}

/**
 * Removes the derived rows of an org's customers (all: null), which have no foreign keys to cascade
 * from: call it before deleting customers or the org.
 */
export async function clearRevenue(db: Db, orgId: string, customerIds: readonly string[] | null = null) {
  // Movements first: the order partitions.ts locks the parents in.
  const only = customerFilter("customer_id", customerIds);
  await db.execute(sql`DELETE FROM customer_movements WHERE org_id = ${orgId} ${only}`);
  await db.execute(sql`DELETE FROM customer_plan_changes WHERE org_id = ${orgId} ${only}`);
}

/** The org's past-due rule (MRR-1): days after which a past-due item stops counting, or null (never). */
export async function pastDueChurnAfterDays(db: Db, orgId: string): Promise<number | null> {
  const [org] = await db
    .select({ settings: organizations.settings })
    .from(organizations)
    .where(eq(organizations.id, orgId));
  const days = org?.settings.pastDueChurnAfterDays;
  return typeof days === "number" && days >= 0 ? days : null;
}

/**
 * One item's MRR contribution on `day` (MRR-1/MRR-2 as a point rule, for reads of a few items: the
 * drill-down). `i` is the subscription_items row; the rebuild applies the same rule month by month.
 */
export function itemMrrOnSql(day: SQL, pastDueDays: number | null): SQL {
  const pastDue =
    pastDueDays === null
      ? sql`false`
      : sql`(sp.kind = 'past_due' AND sp.start_date + ${pastDueDays}::int <= ${day})`;
  return sql`CASE WHEN i.mrr > 0 AND i.start_date <= ${day} AND (i.end_date IS NULL OR i.end_date > ${day})
    AND NOT EXISTS (
      SELECT 1 FROM subscription_item_periods sp
      WHERE sp.item_id = i.id AND sp.start_date <= ${day} AND (sp.end_date IS NULL OR sp.end_date > ${day})
        AND (sp.kind IN ('trialing', 'paused') OR ${pastDue}))
    THEN i.mrr ELSE 0 END`;
}

/** The month the derived tables must reach: the later of the current month and the latest item start. */
async function throughMonth(
  db: Db,
  orgId: string,
  asOf: Date,
  customerIds: readonly string[] | null,
): Promise<string> {
  const [row] = await queryRows<{ latest: string | null }>(
    db,
    sql`
    SELECT to_char(date_trunc('month', max(start_date)), 'YYYY-MM-DD') AS latest
    FROM subscription_items WHERE org_id = ${orgId} AND mrr > 0 ${customerFilter("customer_id", customerIds)}`,
  );
  const latest = row?.latest ?? null;
  const current = monthStart(asOf);
  return latest && latest > current ? latest : current;
}

/**
 * The (customer_id, plan_id, month, delta) changes of the items' MRR at month ends through `through`,
 * with the status periods' exclusions merged per item.
 */
export function planChangesSelect(orgId: string, through: string, pastDue: number | null, only: SQL): SQL {
  const after = sql`(${through}::date + interval '1 month')::date`;
  // The first of d's month, in date arithmetic (date_trunc would go through timestamptz, and cost more).
  const month = (d: SQL) => sql`(${d} - extract(day FROM ${d})::int + 1)`;
  // Trials and pauses from their start; past-due periods once the org's days have passed, or never.
  const excludedFrom =
    pastDue === null
      ? month(sql`p.start_date`)
      : sql`CASE WHEN p.kind = 'past_due' THEN ${month(sql`p.start_date + ${pastDue}::int`)} ELSE ${month(sql`p.start_date`)} END`;
  const kinds = pastDue === null ? sql`('trialing', 'paused')` : sql`('trialing', 'paused', 'past_due')`;
  return sql`
    WITH live AS (
      -- [lo, hi): the months at whose end the item is running, cut after \`through\`.
      SELECT * FROM (
        SELECT i.id, i.customer_id, coalesce(i.plan_id, ${NO_PLAN}::uuid) AS plan_id, i.mrr,
          ${month(sql`i.start_date`)} AS lo,
          least(coalesce(${month(sql`i.end_date`)}, ${after}), ${after}) AS hi
        FROM subscription_items i
        WHERE i.org_id = ${orgId} AND i.mrr > 0 ${only}
      ) x WHERE lo < hi
    ),
    excluded AS (
      -- [a, b): the months at whose end a trial, pause or old-enough past-due period zeroes the item.
      SELECT l.id, l.customer_id, l.plan_id, l.mrr, greatest(l.lo, ${excludedFrom}) AS a,
        least(l.hi, coalesce(${month(sql`p.end_date`)}, ${after})) AS b
      FROM subscription_item_periods p JOIN live l ON l.id = p.item_id
      WHERE p.org_id = ${orgId} AND p.kind IN ${kinds}
    ),
    ordered AS (
      SELECT *, max(b) OVER (PARTITION BY id ORDER BY a, b ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
      FROM excluded WHERE a < b
    ),
    islands AS (
      SELECT *, sum(CASE WHEN reach IS NULL OR a > reach THEN 1 ELSE 0 END) OVER (PARTITION BY id ORDER BY a, b) AS island
      FROM ordered
    ),
    merged AS (
      SELECT customer_id, plan_id, mrr, min(a) AS a, max(b) AS b FROM islands
      GROUP BY id, island, customer_id, plan_id, mrr
    ),
    deltas AS (
      SELECT customer_id, plan_id, lo AS month, mrr AS delta FROM live
      UNION ALL SELECT customer_id, plan_id, hi, -mrr FROM live WHERE hi < ${after}
      UNION ALL SELECT customer_id, plan_id, a, -mrr FROM merged
      UNION ALL SELECT customer_id, plan_id, b, mrr FROM merged WHERE b < ${after}
    )
    SELECT customer_id, plan_id, month, sum(delta)::bigint AS delta FROM deltas
    GROUP BY customer_id, month, plan_id HAVING sum(delta) <> 0
    ORDER BY customer_id, month, plan_id`;
  // Customer order appends to the (org, customer) index; month next, so that the movements, which group
  // these rows by customer and month, find them already in that order (see deriveStatement).
}

/**
 * MOV-1 rows (customer_id, month, kind, mrr_before, mrr_after, next_month) from any relation of
 * (customer_id, month, delta) holding each customer's whole history of month-end MRR changes, several
 * rows per customer and month allowed. Shared with the plan-filtered reads, which run it on the changes
 * of the chosen plans (so a customer's first month on those plans is new business there).
 */
export function movementsFromChangesSql(changes: SQL): SQL {
  return sql`
    WITH net AS (
      SELECT customer_id, month, sum(delta)::bigint AS delta FROM (${changes}) ch
      GROUP BY customer_id, month HAVING sum(delta) <> 0
    ),
    run AS (
      SELECT customer_id, month, delta,
        sum(delta) OVER w AS q, row_number() OVER w AS n, lead(month) OVER w AS next_month
      FROM net WINDOW w AS (PARTITION BY customer_id ORDER BY month)
    )
    SELECT customer_id, month,
      (CASE
        WHEN q = delta AND n = 1 THEN 'new'
        WHEN q = delta THEN 'reactivation'
        WHEN q = 0 THEN 'churn'
        WHEN delta > 0 THEN 'expansion'
        ELSE 'contraction'
      END)::movement_kind AS kind,
      (q - delta)::bigint AS mrr_before, q::bigint AS mrr_after, next_month
    FROM run`;
}

/*
 * The org sums, from any MOV-1 relation (customer_id, month, kind, mrr_before, mrr_after) holding each
 * included customer's whole history. The derive writes them for all customers (rebuild) or adds the
 * difference for the touched ones; filtered reads compute them over the filtered movements.
 */

/** Per month: MOV-1 sums (cents) and counts. */
export function monthlySumsSql(mv: SQL): SQL {
  return sql`
    SELECT v.month,
      coalesce(sum(v.mrr_after) FILTER (WHERE v.kind = 'new'), 0)::bigint AS new,
      coalesce(sum(v.mrr_after - v.mrr_before) FILTER (WHERE v.kind = 'expansion'), 0)::bigint AS expansion,
      coalesce(sum(v.mrr_after) FILTER (WHERE v.kind = 'reactivation'), 0)::bigint AS reactivation,
      coalesce(sum(v.mrr_before - v.mrr_after) FILTER (WHERE v.kind = 'contraction'), 0)::bigint AS contraction,
      coalesce(sum(v.mrr_before) FILTER (WHERE v.kind = 'churn'), 0)::bigint AS churn,
      count(*) FILTER (WHERE v.kind = 'new')::bigint AS new_customers,
      count(*) FILTER (WHERE v.kind = 'reactivation')::bigint AS reactivated_customers,
      count(*) FILTER (WHERE v.kind = 'churn')::bigint AS churned_customers
    FROM (${mv}) v GROUP BY v.month`;
}

/**
 * Per cohort (the month of new business, COH-1) and month: the change in active customers and in MRR. A
 * customer's first movement is its new business (MOV-1: MRR was 0 at every earlier month end), so its
 * cohort is the first month of its history: a window over the rows in customer order, which is how the
 * stored movements lie, instead of a join.
 */
export function cohortChangesSql(mv: SQL): SQL {
  return sql`
    SELECT v.cohort, v.month,
      (count(*) FILTER (WHERE v.kind IN ('new', 'reactivation')) - count(*) FILTER (WHERE v.kind = 'churn'))::bigint AS logos,
      sum(v.mrr_after - v.mrr_before)::bigint AS mrr
    FROM (SELECT m.*, min(m.month) OVER (PARTITION BY m.customer_id) AS cohort FROM (${mv}) m) v
    GROUP BY v.cohort, v.month`;
}

/**
 * RATE-6/7 sums as changes per month (through `through`). A customer adds to month t's sums through the
 * pair (B, C) = (MRR at t−12, MRR at t): base = B, current = C when B > 0 (else 0), retained = min(B, C).
 * The pair changes only in a month t with a movement of the customer (event 1) or 12 months after one
 * (event 2, when t itself has none), and each movement row (month a, MRR p before, q after) knows both
 * events' pairs from window frames over the customer's rows in month order:
 *   event 1 at a:     (MRR(a−12), q) against the month before's (MRR(a−13), p)
 *   event 2 at a+12:  (q, MRR(a+12)) against (p, MRR(a+12)), MRR(a+11) = MRR(a+12) having no movement
 * One pass in the order the stored movements lie (no union of shifted rows to sort); the per-month
 * differences add up over customers.
 */
export function retentionChangesSql(mv: SQL, through: string): SQL {
  const val = (b: SQL, c: SQL) => ({
    base: b,
    current: sql`CASE WHEN ${b} > 0 THEN ${c} ELSE 0 END`,
    kept: sql`least(${b}, ${c})`,
  });
  const change = (now: ReturnType<typeof val>, before: ReturnType<typeof val>) =>
    sql`${now.base} - ${before.base}, ${now.current} - ${before.current}, ${now.kept} - ${before.kept}`;
  const event1 = change(val(sql`w.b12`, sql`w.q`), val(sql`w.b13`, sql`w.p`));
  const event2 = change(val(sql`w.q`, sql`w.c12`), val(sql`w.p`, sql`w.c12`));
  const last = sql`${through}::date`;
  return sql`
    WITH w AS (
      SELECT v.month, v.mrr_before AS p, v.mrr_after AS q,
        coalesce(last_value(v.mrr_after) OVER (c ORDER BY v.month RANGE BETWEEN UNBOUNDED PRECEDING AND '12 months' PRECEDING), 0) AS b12,
        coalesce(last_value(v.mrr_after) OVER (c ORDER BY v.month RANGE BETWEEN UNBOUNDED PRECEDING AND '13 months' PRECEDING), 0) AS b13,
        last_value(v.mrr_after) OVER ahead AS c12, last_value(v.month) OVER ahead AS c12_month
      FROM (${mv}) v
      WINDOW c AS (PARTITION BY v.customer_id),
        ahead AS (c ORDER BY v.month RANGE BETWEEN CURRENT ROW AND '12 months' FOLLOWING)
    )
    SELECT e.month, sum(e.base)::bigint AS base, sum(e.current)::bigint AS current, sum(e.kept)::bigint AS retained
    FROM w CROSS JOIN LATERAL (
      SELECT w.month, ${event1}
      UNION ALL
      SELECT (w.month + interval '12 months')::date, ${event2}
      WHERE w.month + interval '12 months' <= ${last} AND w.c12_month < w.month + interval '12 months'
    ) e(month, base, current, kept)
    GROUP BY e.month`;
}

/** The org sums' tables: their key columns and the columns a rebuild's per-range parts add up. */
const SUM_TABLES = [
  {
    part: "rm",
    table: "revenue_monthly",
    keys: ["month"],
    values: [
      "new",
      "expansion",
      "reactivation",
      "contraction",
      "churn",
      "new_customers",
      "reactivated_customers",
      "churned_customers",
    ],
  },
  { part: "rc", table: "revenue_cohorts", keys: ["cohort", "month"], values: ["logos", "mrr"] },
  { part: "rr", table: "revenue_retention", keys: ["month"], values: ["base", "current", "retained"] },
] as const;

/** The three INSERTs that add `sign` × the org sums of a MOV-1 relation to the org's sum tables. */
function orgSumsInserts(orgId: string, through: string, sign: 1 | -1, mv: SQL, to: Targets = TABLES): SQL[] {
  const s = sql.raw(String(sign));
  const [monthly, cohorts, retention] = SUM_TABLES;
  const add = (columns: readonly string[]) =>
    sql.raw(columns.map((c) => `${c} = EXCLUDED.${c} + t.${c}`).join(", "));
  return [
    sql`
    INSERT INTO ${sql.identifier(to.monthly)} AS t (org_id, month, new, expansion, reactivation, contraction, churn,
      new_customers, reactivated_customers, churned_customers)
    SELECT ${orgId}::uuid, x.month, ${s} * x.new, ${s} * x.expansion, ${s} * x.reactivation, ${s} * x.contraction,
      ${s} * x.churn, ${s} * x.new_customers, ${s} * x.reactivated_customers, ${s} * x.churned_customers
    FROM (${monthlySumsSql(mv)}) x
    ON CONFLICT (org_id, month) DO UPDATE SET ${add(monthly.values)}`,
    sql`
    INSERT INTO ${sql.identifier(to.cohorts)} AS t (org_id, cohort, month, logos, mrr)
    SELECT ${orgId}::uuid, cohort, month, ${s} * logos, ${s} * mrr FROM (${cohortChangesSql(mv)}) x
    ON CONFLICT (org_id, cohort, month) DO UPDATE SET ${add(cohorts.values)}`,
    sql`
    INSERT INTO ${sql.identifier(to.retention)} AS t (org_id, month, base, current, retained)
    SELECT ${orgId}::uuid, month, ${s} * base, ${s} * current, ${s} * retained FROM (${retentionChangesSql(mv, through)}) x
    ON CONFLICT (org_id, month) DO UPDATE SET ${add(retention.values)}`,
  ];
}

/**
 * Adds `sign` × the org sums of these customers' stored movements (all: an empty filter) to the org's
 * sum tables: −1 before their rows are recomputed, +1 after.
 */
async function addOrgSums(db: Db, orgId: string, through: string, sign: 1 | -1, only: SQL): Promise<void> {
  const mv = sql`SELECT customer_id, month, kind, mrr_before, mrr_after FROM customer_movements
    WHERE org_id = ${orgId} ${only}`;
  for (const statement of orgSumsInserts(orgId, through, sign, mv)) await db.execute(statement);
}

/** Removes the org-sum rows an update left at zero, so the tables hold what a rebuild would write. */
async function dropEmptyOrgSums(db: Db, orgId: string): Promise<void> {
  await db.execute(sql`DELETE FROM revenue_monthly WHERE org_id = ${orgId} AND new = 0 AND expansion = 0
    AND reactivation = 0 AND contraction = 0 AND churn = 0 AND new_customers = 0
    AND reactivated_customers = 0 AND churned_customers = 0`);
  await db.execute(sql`DELETE FROM revenue_cohorts WHERE org_id = ${orgId} AND logos = 0 AND mrr = 0`);
  await db.execute(
    sql`DELETE FROM revenue_retention WHERE org_id = ${orgId} AND base = 0 AND current = 0 AND retained = 0`,
  );
}

/**
 * Recomputes the per-customer tables of these customers (all: null), then adds their new movements to
 * the org sums. The sums read the movements back from the table: they lie in customer and month order
 * (the inserts write them so), which is the order their window stages need.
 */
async function deriveCustomers(
  db: Db,
  orgId: string,
  through: string,
  customerIds: readonly string[] | null,
): Promise<void> {
  const pastDue = await pastDueChurnAfterDays(db, orgId);
  await clearRevenue(db, orgId, customerIds);
  // Sorted grouping: the plan changes come out of their GROUP BY in (customer, month, plan) order, and
  // every later per-customer stage (the movements' GROUP BY and window, the inserts' ORDER BY, the
  // sums' windows) needs a prefix of that order, so their sorts find the rows sorted and cost one pass.
  // Hash aggregation (the planner's choice at a million groups) would build a large table and leave the
  // rows to be sorted again; the org sums' few groups are then sorted too, which costs less.
  await db.execute(sql`SET LOCAL enable_hashagg = off`);
  await db.execute(deriveStatement(orgId, through, pastDue, customerIds));
  await db.execute(sql`SET LOCAL enable_hashagg TO DEFAULT`);
}

/**
 * deriveCustomers's statement that writes the per-customer tables (exported for EXPLAIN in benchmarks):
 * of these customers (all: null), or of customer range `range` (partitions.ts), into `to`.
 */
export function deriveStatement(
  orgId: string,
  through: string,
  pastDue: number | null,
  customerIds: readonly string[] | null,
  to: Targets = TABLES,
  range: number | null = null,
): SQL {
  const [monthly, cohorts, retention] = orgSumsInserts(
    orgId,
    through,
    1,
    sql`SELECT customer_id, month, kind, mrr_before, mrr_after FROM mv`,
    to,
  );
  const only = sql`${customerFilter("i.customer_id", customerIds)} ${range === null ? sql`` : sql.raw(`AND ${inRange("i.customer_id", range)}`)}`;
  return sql`
    WITH pc AS (
      INSERT INTO ${sql.identifier(to.pc)} (org_id, customer_id, plan_id, month, delta)
      SELECT ${orgId}::uuid, customer_id, plan_id, month, delta
      FROM (${planChangesSelect(orgId, through, pastDue, only)}) ch
      RETURNING customer_id, month, delta
    ),
    mv AS (
      INSERT INTO ${sql.identifier(to.mv)} (org_id, customer_id, month, kind, mrr_before, mrr_after, next_month)
      SELECT ${orgId}::uuid, customer_id, month, kind, mrr_before, mrr_after, next_month
      FROM (${movementsFromChangesSql(sql`SELECT customer_id, month, delta FROM pc`)}) m
      ORDER BY customer_id, month
      RETURNING customer_id, month, kind, mrr_before, mrr_after
    ),
    monthly AS (${monthly}),
    cohorts AS (${cohorts})
    ${retention}`;
}

/** Range k's statements of a rebuild by swap: new leaves and sum tables, the derive, the leaves' indexes. */
function rangeBuild(orgId: string, through: string, pastDue: number | null, k: number): SQL[] {
  const name = (part: string) => buildName(orgId, k, part);
  const to: Targets = {
    pc: name("pc"),
    mv: name("mv"),
    monthly: name("rm"),
    cohorts: name("rc"),
    retention: name("rr"),
  };
  return [
    ...createLeafSql("customer_plan_changes", orgId, k, to.pc),
    ...createLeafSql("customer_movements", orgId, k, to.mv),
    ...SUM_TABLES.flatMap(({ part, table }) => [
      sql.raw(`DROP TABLE IF EXISTS ${name(part)}`),
      sql.raw(`CREATE UNLOGGED TABLE ${name(part)} (LIKE ${table} INCLUDING ALL)`),
    ]),
    sql`SET LOCAL work_mem = '256MB'`,
    sql`SET LOCAL enable_hashagg = off`,
    deriveStatement(orgId, through, pastDue, null, to, k),
    sql`SET LOCAL enable_hashagg TO DEFAULT`,
    sql`SET LOCAL maintenance_work_mem = '256MB'`,
    ...leafIndexesSql("customer_plan_changes", to.pc),
    ...leafIndexesSql("customer_movements", to.mv),
    // Statistics now, not when autovacuum gets to the new tables: reads plan with them at once.
    sql.raw(`ANALYZE ${to.pc}, ${to.mv}`),
  ];
}

/**
 * A rebuild by swap (partitions.ts), in `tx`, which holds the org's lock and has cleared its sums:
 * every customer range is derived into new tables — with `helpers`, each on its own connection at once,
 * reading the snapshot `tx` exports so all see the same items — then `tx` swaps the new leaves in for the
 * old ones and adds up the ranges' sums. The ranges' tables are committed by their connections; if
 * anything fails they are left behind and the next rebuild's CREATE replaces them.
 */
async function rebuildBySwap(
  tx: Db,
  orgId: string,
  through: string,
  helpers: ReturnType<typeof helperClient>,
) {
  const pastDue = await pastDueChurnAfterDays(tx, orgId);
  const ranges = [...Array(CUSTOMER_RANGES).keys()];
  if (helpers) {
    const [exported] = await queryRows<{ snapshot: string }>(
      tx,
      sql`SELECT pg_export_snapshot() AS snapshot`,
    );
    const dialect = new PgDialect();
    const results = await Promise.allSettled(
      ranges.map((k) =>
        helpers.begin("isolation level repeatable read", async (h) => {
          await h.unsafe(`SET TRANSACTION SNAPSHOT '${exported?.snapshot}'`);
          for (const statement of rangeBuild(orgId, through, pastDue, k)) {
            const q = dialect.sqlToQuery(statement);
            await h.unsafe(q.sql, q.params as never[]);
          }
        }),
      ),
    );
    const failed = results.find((r) => r.status === "rejected");
    if (failed) throw (failed as PromiseRejectedResult).reason;
  } else {
    for (const k of ranges)
      for (const statement of rangeBuild(orgId, through, pastDue, k)) await tx.execute(statement);
  }
  for (const table of PER_CUSTOMER_TABLES) {
    for (const k of ranges) {
      const built = buildName(orgId, k, table === "customer_plan_changes" ? "pc" : "mv");
      for (const statement of swapLeafSql(table, orgId, k, built)) await tx.execute(statement);
    }
  }
  for (const { part, table, keys, values } of SUM_TABLES) {
    const parts = ranges.map((k) => `SELECT * FROM ${buildName(orgId, k, part)}`).join(" UNION ALL ");
    const sums = values.map((v) => `sum(${v})::bigint`).join(", ");
    await tx.execute(
      sql.raw(
        `INSERT INTO ${table} (org_id, ${[...keys, ...values].join(", ")})
        SELECT org_id, ${keys.join(", ")}, ${sums} FROM (${parts}) u GROUP BY org_id, ${keys.join(", ")}`,
      ),
    );
    for (const k of ranges) await tx.execute(sql.raw(`DROP TABLE ${buildName(orgId, k, part)}`));
  }
}

async function hasMoreItemsThan(db: Db, orgId: string, n: number): Promise<boolean> {
  const [row] = await queryRows<{ more: boolean }>(
    db,
    sql`SELECT count(*) > ${n} AS more FROM (SELECT 1 FROM subscription_items WHERE org_id = ${orgId} LIMIT ${n + 1}) s`,
  );
  return row?.more === true;
}

const lockOrg = (db: Db, orgId: string) =>
  // One writer per org at a time: concurrent rebuilds or updates would interleave their deletes.
  db.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`revenue:${orgId}`}))`);

/**
 * Recomputes every derived revenue row of one org. `swap` (default: above SWAP_ABOVE items) builds new
 * partitions and swaps them in; `parallel: false` keeps that on this connection (it uses the handle's
 * helper connections when it has them: a Postgres server, outside a transaction).
 */
export async function rebuildRevenue(
  db: Db,
  orgId: string,
  options: Options & { swap?: boolean; parallel?: boolean } = {},
): Promise<{ through: string }> {
  const helpers = options.parallel === false ? null : helperClient(db);
  return db.transaction(async (tx) => {
    await lockOrg(tx, orgId);
    // The rebuild sorts and groups every change of the org once; in memory that is several times faster
    // than the default 4 MB spilling to disk (this transaction only).
    await tx.execute(sql`SET LOCAL work_mem = '256MB'`);
    const through = await throughMonth(tx, orgId, options.asOf ?? new Date(), null);
    for (const table of ["revenue_monthly", "revenue_cohorts", "revenue_retention"]) {
      await tx.execute(sql`DELETE FROM ${sql.identifier(table)} WHERE org_id = ${orgId}`);
    }
    if (options.swap ?? (await hasMoreItemsThan(tx, orgId, SWAP_ABOVE))) {
      await rebuildBySwap(tx, orgId, through, helpers);
    } else {
      await ensurePartitions(tx, orgId);
      await deriveCustomers(tx, orgId, through, null);
    }
    await dropEmptyOrgSums(tx, orgId);
    await tx
      .insert(revenueDerivedState)
      .values({ orgId, throughMonth: through, rebuiltAt: new Date() })
      .onConflictDoUpdate({
        target: revenueDerivedState.orgId,
        set: { throughMonth: through, rebuiltAt: new Date() },
      });
    return { through };
  });
}

/**
 * Brings the derived tables up to date after a write to these customers' items (or the customers
 * themselves); falls back to a rebuild when the org's month range moved or the set is large.
 */
export async function updateRevenueForCustomers(
  db: Db,
  orgId: string,
  customerIds: readonly string[],
  options: Options = {},
): Promise<{ mode: "incremental" | "rebuild" | "none"; through: string | null }> {
  const ids = [...new Set(customerIds)];
  if (ids.length === 0) return { mode: "none", through: null };
  const asOf = options.asOf ?? new Date();
  const [state] = await db.select().from(revenueDerivedState).where(eq(revenueDerivedState.orgId, orgId));
  // The month range must be exactly what a rebuild would derive: when it no longer ends at the current
  // month (time moved on, or future-dated items set it, and this write may have removed the last of
  // them), rebuild. Future-dated items are rare, so this costs little.
  if (!state || ids.length > INCREMENTAL_LIMIT || state.throughMonth !== monthStart(asOf)) {
    return { mode: "rebuild", ...(await rebuildRevenue(db, orgId, options)) };
  }
  return db.transaction(async (tx) => {
    await lockOrg(tx, orgId);
    const needed = await throughMonth(tx, orgId, asOf, ids);
    if (needed > state.throughMonth)
      return { mode: "rebuild" as const, ...(await rebuildRevenue(tx, orgId, options)) };
    const only = customerFilter("customer_id", ids);
    await addOrgSums(tx, orgId, state.throughMonth, -1, only);
    await deriveCustomers(tx, orgId, state.throughMonth, ids);
    await dropEmptyOrgSums(tx, orgId);
    return { mode: "incremental" as const, through: state.throughMonth };
  });
}

/**
 * Orgs whose derived tables are missing (items but no derived state: new, after an upgrade, or after a
 * crash emptied the unlogged derived tables with their state) or end before the current month (the
 * month moved on): the revenue-refresh job rebuilds them.
 */
export async function orgsNeedingRebuild(db: Db, asOf = new Date()): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`
    SELECT o.id FROM organizations o LEFT JOIN revenue_derived_state s ON s.org_id = o.id
    WHERE (s.org_id IS NULL AND EXISTS (SELECT 1 FROM subscription_items i WHERE i.org_id = o.id))
       OR s.through_month < ${monthStart(asOf)}::date
    ORDER BY o.id`,
  );
  return rows.map((r) => r.id);
}
