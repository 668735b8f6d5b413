import { and, desc, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { queryRows } from "@/db/rows";
import { organizations, type SnapshotBackfill, snapshotBackfills } from "@/db/schema";
import { AppError, notFound } from "@/lib/errors";
import { computeSnapshot } from "./compute";
import { addDays, dayDiff, daysBetween, isIsoDay, lastCompleteDay, monthsBetween } from "./dates";

/*
 * backfill-snapshots: snapshots for every day of [from, to], fanned out by month (one job run per month,
 * inngest/functions/backfill-snapshots.ts). Progress is the snapshot_backfills row: months and days done.
 * Each day is an upsert, so a re-delivered month recomputes the same rows and counts once.
 */

/** The longest range one backfill may cover (about three years). */
export const MAX_BACKFILL_DAYS = 1100;

export async function startBackfill(
  db: Db,
  { orgId, from, to }: { orgId: string; from: string; to: string },
): Promise<SnapshotBackfill> {
  const [org] = await db.select().from(organizations).where(eq(organizations.id, orgId));
  if (!org) throw notFound();
  for (const [name, value] of [
    ["from", from],
    ["to", to],
  ] as const) {
    if (!isIsoDay(value))
      throw new AppError(422, `--${name} "${value}" is not a day; use YYYY-MM-DD.`, {
        fieldErrors: { [name]: ["Use YYYY-MM-DD."] },
      });
  }
  if (from > to)
    throw new AppError(422, `from (${from}) is after to (${to}).`, { fieldErrors: { from: ["After to."] } });
  const latest = lastCompleteDay(org.timezone);
  if (to > latest)
    throw new AppError(
      422,
      `to (${to}) is not over yet in ${org.timezone}; the latest complete day is ${latest}.`,
      {
        fieldErrors: { to: [`At most ${latest}.`] },
      },
    );
  if (dayDiff(from, to) + 1 > MAX_BACKFILL_DAYS)
    throw new AppError(422, `A backfill covers at most ${MAX_BACKFILL_DAYS} days; split the range.`, {
      fieldErrors: { from: [`At most ${MAX_BACKFILL_DAYS} days.`] },
    });
  const [row] = await db
    .insert(snapshotBackfills)
    .values({ orgId, fromDate: from, toDate: to, monthsTotal: monthsBetween(from, to).length })
    .returning();
  if (!row) throw new Error("backfill insert returned no row");
  return row;
}

export async function getBackfill(db: Db, { orgId, backfillId }: { orgId: string; backfillId: string }) {
  const [row] = await db
    .select()
    .from(snapshotBackfills)
    .where(and(eq(snapshotBackfills.id, backfillId), eq(snapshotBackfills.orgId, orgId)));
  if (!row) throw notFound();
  return row;
}

export async function listBackfills(db: Db, { orgId, limit = 5 }: { orgId: string; limit?: number }) {
  return db
    .select()
    .from(snapshotBackfills)
    .where(eq(snapshotBackfills.orgId, orgId))
    .orderBy(desc(snapshotBackfills.createdAt))
    .limit(limit);
}

/** The days of `month` that the backfill covers. */
export function backfillDays(
  backfill: Pick<SnapshotBackfill, "fromDate" | "toDate">,
  month: string,
): string[] {
  const part = monthsBetween(backfill.fromDate, backfill.toDate).find((m) => m.month === month);
  return part ? daysBetween(part.from, part.to) : [];
}

/** Computes one day of a backfill (a step of the month's run). */
export async function backfillDay(db: Db, { orgId, date }: { orgId: string; date: string }) {
  await computeSnapshot(db, { orgId, date });
}

/** Counts a month done once, and finishes the backfill with its last month. */
export async function finishBackfillMonth(
  db: Db,
  { orgId, backfillId, month, days }: { orgId: string; backfillId: string; month: string; days: number },
): Promise<SnapshotBackfill> {
  await db
    .update(snapshotBackfills)
    .set({
      doneMonths: sql`array_append(${snapshotBackfills.doneMonths}, ${month})`,
      monthsDone: sql`${snapshotBackfills.monthsDone} + 1`,
      daysDone: sql`${snapshotBackfills.daysDone} + ${days}`,
    })
    .where(
      and(
        eq(snapshotBackfills.id, backfillId),
        eq(snapshotBackfills.orgId, orgId),
        sql`NOT (${month} = ANY(${snapshotBackfills.doneMonths}))`,
      ),
    );
  const [row] = await db
    .update(snapshotBackfills)
    .set({
      status: sql`CASE WHEN ${snapshotBackfills.monthsDone} >= ${snapshotBackfills.monthsTotal} AND ${snapshotBackfills.status} = 'running' THEN 'succeeded'::snapshot_backfill_status ELSE ${snapshotBackfills.status} END`,
      finishedAt: sql`CASE WHEN ${snapshotBackfills.monthsDone} >= ${snapshotBackfills.monthsTotal} THEN coalesce(${snapshotBackfills.finishedAt}, now()) ELSE ${snapshotBackfills.finishedAt} END`,
    })
    .where(and(eq(snapshotBackfills.id, backfillId), eq(snapshotBackfills.orgId, orgId)))
    .returning();
  if (!row) throw notFound();
  return row;
}

export async function failBackfill(
  db: Db,
  { orgId, backfillId, error }: { orgId: string; backfillId: string; error: string },
) {
  await db
    .update(snapshotBackfills)
    .set({ status: "failed", error, finishedAt: new Date() })
    .where(and(eq(snapshotBackfills.id, backfillId), eq(snapshotBackfills.orgId, orgId)));
}

/**
 * Days of history the first import of an org backfills, so the executive dashboard starts with a trend;
 * the org setting `initialSnapshotDays` overrides it (the demo org asks for 18 months).
 */
export const FIRST_BACKFILL_DAYS = 90;

/**
 * After an org's first completed import: a backfill of the last FIRST_BACKFILL_DAYS days, unless the org
 * already has snapshots or a backfill (later imports leave history to the nightly job and to the user).
 */
export async function firstHistoryBackfill(db: Db, orgId: string): Promise<SnapshotBackfill | null> {
  const [org] = await db
    .select({ timezone: organizations.timezone, settings: organizations.settings })
    .from(organizations)
    .where(eq(organizations.id, orgId));
  if (!org) return null;
  const [any] = await db
    .select({ id: snapshotBackfills.id })
    .from(snapshotBackfills)
    .where(eq(snapshotBackfills.orgId, orgId))
    .limit(1);
  const [snapshot] = await queryRows(
    db,
    sql`SELECT 1 FROM metrics_snapshots WHERE org_id = ${orgId} LIMIT 1`,
  );
  if (any || snapshot) return null;
  const to = lastCompleteDay(org.timezone);
  const days = Math.min(MAX_BACKFILL_DAYS, org.settings.initialSnapshotDays ?? FIRST_BACKFILL_DAYS);
  return startBackfill(db, { orgId, from: addDays(to, -(days - 1)), to });
}
