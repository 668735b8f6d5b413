import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { queryRows, toNumber } from "@/db/rows";
import { AppError, notFound } from "@/lib/errors";
import { dayDiff, localDay, monthDiff, parseParam, ZDay, ZMonth } from "@/lib/events/days";

/*
 * Product engagement (METRICS.md ENG-2…ENG-4) from the rollups lib/events/write.ts keeps:
 * event_user_days (user × active day, in the org's timezone) and event_users (first day, first
 * activation day). Raw events are never read here.
 */

export type EngagementDay = {
  day: string;
  dau: number;
  wau: number;
  mau: number;
  /** DAU / MAU; null when MAU is 0. */
  stickiness: number | null;
};

export type Activation = {
  started: number;
  activated: number;
  /** activated / started; null when nobody started or the org has no activation events. */
  rate: number | null;
};

const ratio = (a: number, b: number) => (b === 0 ? null : a / b);
const num = (v: unknown) => toNumber(v) ?? 0;

/**
 * ENG-2 and ENG-4 on `day`.
 * ENG-4's population: METRICS.md does not say over which users the rate is taken; here it is the users
 * whose first day lies in the 30 days ending at `day` (the MAU window). A user counts as activated when
 * its first activation event falls within 7 days of its first event (days f…f+6, as ENG-3's weeks) and
 * no later than `day`, so a backfilled day shows what was known that day.
 */
export async function getEngagementForDay(
  db: Db,
  { orgId, day }: { orgId: string; day: string },
): Promise<EngagementDay & { activation: Activation }> {
  parseParam(ZDay, day, "day");
  const [row] = await queryRows<Record<string, unknown>>(
    db,
    sql`
      WITH active AS (
        SELECT count(*) FILTER (WHERE day = ${day}::date) AS dau,
          count(DISTINCT user_id) FILTER (WHERE day >= ${day}::date - 6) AS wau,
          count(DISTINCT user_id) AS mau
        FROM event_user_days
        WHERE org_id = ${orgId} AND day BETWEEN ${day}::date - 29 AND ${day}::date
      ),
      started AS (
        SELECT count(*) AS started,
          count(*) FILTER (WHERE activated_day <= LEAST(first_day + 6, ${day}::date)) AS activated
        FROM event_users
        WHERE org_id = ${orgId} AND first_day BETWEEN ${day}::date - 29 AND ${day}::date
      )
      SELECT active.*, started.*,
        jsonb_array_length(COALESCE(o.settings->'activationEvents', '[]'::jsonb)) AS activation_names
      FROM organizations o, active, started
      WHERE o.id = ${orgId}`,
  );
  if (!row) throw notFound("Organisation not found.");
  const dau = num(row.dau);
  const mau = num(row.mau);
  const started = num(row.started);
  const activated = num(row.activated);
  return {
    day,
    dau,
    wau: num(row.wau),
    mau,
    stickiness: ratio(dau, mau),
    activation: {
      started,
      activated,
      rate: num(row.activation_names) === 0 ? null : ratio(activated, started),
    },
  };
}

/** Longest series one call returns (10 years of days). */
const MAX_SERIES_DAYS = 3_660;

/**
 * ENG-2 for every day of [from, to] in one query. Each user-day row d covers the WAU window of the days
 * d…d+6 and the MAU window of d…d+29; after the user's previous active day p, only the part from
 * max(d, p+7) (or p+30) on is new. Those disjoint segments, +1 at their start and −1 after their end,
 * summed in day order, give the distinct users of every window with one pass over the rows.
 */
export async function getEngagementSeries(
  db: Db,
  { orgId, from, to }: { orgId: string; from: string; to: string },
): Promise<EngagementDay[]> {
  parseParam(ZDay, from, "from");
  parseParam(ZDay, to, "to");
  const days = dayDiff(from, to);
  if (days < 0) throw new AppError(422, "`from` is after `to`.", { fieldErrors: { from: ["After `to`."] } });
  if (days >= MAX_SERIES_DAYS) {
    throw new AppError(422, `At most ${MAX_SERIES_DAYS} days per series.`, {
      fieldErrors: { to: ["Too far."] },
    });
  }
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`
      WITH r AS (
        SELECT day, lag(day) OVER (PARTITION BY user_id ORDER BY day) AS prev
        FROM event_user_days
        WHERE org_id = ${orgId} AND day BETWEEN ${from}::date - 29 AND ${to}::date
      ),
      deltas (day, dau, wau, mau) AS (
        SELECT day, 1, 0, 0 FROM r
        UNION ALL SELECT GREATEST(day, prev + 7), 0, 1, 0 FROM r
        UNION ALL SELECT day + 7, 0, -1, 0 FROM r
        UNION ALL SELECT GREATEST(day, prev + 30), 0, 0, 1 FROM r
        UNION ALL SELECT day + 30, 0, 0, -1 FROM r
      ),
      per_day AS (
        SELECT day, sum(dau) AS dau, sum(wau) AS wau, sum(mau) AS mau FROM deltas GROUP BY day
      ),
      running AS (
        SELECT g.day::date AS day, COALESCE(p.dau, 0) AS dau,
          sum(COALESCE(p.wau, 0)) OVER (ORDER BY g.day) AS wau,
          sum(COALESCE(p.mau, 0)) OVER (ORDER BY g.day) AS mau
        FROM generate_series(${from}::date - 29, ${to}::date, interval '1 day') AS g(day)
        LEFT JOIN per_day p ON p.day = g.day::date
      )
      SELECT to_char(day, 'YYYY-MM-DD') AS day, dau, wau, mau
      FROM running WHERE day >= ${from}::date ORDER BY day`,
  );
  return rows.map((r) => {
    const dau = num(r.dau);
    const mau = num(r.mau);
    return { day: String(r.day), dau, wau: num(r.wau), mau, stickiness: ratio(dau, mau) };
  });
}

export const RETENTION_WEEKS = [1, 4, 12] as const;
export type RetentionWeek = (typeof RETENTION_WEEKS)[number];
export type WeekRetention = { retained: number; eligible: number; rate: number | null };
export type EngagementCohort = { cohort: string; users: number; weeks: Record<RetentionWeek, WeekRetention> };

/** Longest cohort range one call returns (10 years). */
const MAX_COHORT_MONTHS = 120;

/**
 * ENG-3 week-1/4/12 retention of the monthly signup cohorts `from`…`to` (months of the users' first
 * day), one row per month, empty months included. A user is eligible for week k once its days
 * f+7k…f+7k+6 are all before `asOf` (default: today in the org's timezone, which has not ended yet), and
 * retained if it has an event on one of them; rate = retained / eligible, null when nobody is eligible.
 */
export async function getEngagementCohorts(
  db: Db,
  { orgId, from, to, asOf }: { orgId: string; from: string; to: string; asOf?: string },
): Promise<EngagementCohort[]> {
  parseParam(ZMonth, from, "from");
  parseParam(ZMonth, to, "to");
  if (asOf !== undefined) parseParam(ZDay, asOf, "asOf");
  const months = monthDiff(from, to);
  if (months < 0)
    throw new AppError(422, "`from` is after `to`.", { fieldErrors: { from: ["After `to`."] } });
  if (months >= MAX_COHORT_MONTHS) {
    throw new AppError(422, `At most ${MAX_COHORT_MONTHS} cohorts at once.`, {
      fieldErrors: { to: ["Too far."] },
    });
  }
  const asOfDay = asOf ?? localDay(await orgTimezone(db, orgId));
  const week = (k: RetentionWeek) => sql`
    CASE WHEN u.first_day + ${7 * k + 6}::int < ${asOfDay}::date THEN EXISTS (
      SELECT 1 FROM event_user_days d
      WHERE d.org_id = u.org_id AND d.user_id = u.user_id
        AND d.day BETWEEN u.first_day + ${7 * k}::int AND u.first_day + ${7 * k + 6}::int
    ) END`;
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`
      WITH months AS (
        SELECT m::date AS month
        FROM generate_series(${`${from}-01`}::date, ${`${to}-01`}::date, interval '1 month') AS m
      ),
      u AS (
        SELECT date_trunc('month', u.first_day)::date AS month,
          ${week(1)} AS w1, ${week(4)} AS w4, ${week(12)} AS w12
        FROM event_users u
        WHERE u.org_id = ${orgId} AND u.first_day >= ${`${from}-01`}::date
          AND u.first_day < ${`${to}-01`}::date + interval '1 month'
      )
      SELECT to_char(months.month, 'YYYY-MM') AS cohort, count(u.month) AS users,
        count(u.w1) AS e1, count(*) FILTER (WHERE u.w1) AS r1,
        count(u.w4) AS e4, count(*) FILTER (WHERE u.w4) AS r4,
        count(u.w12) AS e12, count(*) FILTER (WHERE u.w12) AS r12
      FROM months LEFT JOIN u ON u.month = months.month
      GROUP BY months.month ORDER BY months.month`,
  );
  return rows.map((r) => {
    const weekOf = (k: RetentionWeek): WeekRetention => {
      const retained = num(r[`r${k}`]);
      const eligible = num(r[`e${k}`]);
      return { retained, eligible, rate: ratio(retained, eligible) };
    };
    return {
      cohort: String(r.cohort),
      users: num(r.users),
      weeks: { 1: weekOf(1), 4: weekOf(4), 12: weekOf(12) },
    };
  });
}

async function orgTimezone(db: Db, orgId: string): Promise<string> {
  const [row] = await queryRows<{ timezone: string }>(
    db,
    sql`SELECT timezone FROM organizations WHERE id = ${orgId}`,
  );
  if (!row) throw notFound("Organisation not found.");
  return row.timezone;
}
