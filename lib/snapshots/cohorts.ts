import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { getEngagementCohorts } from "@/db/queries/engagement";
import { engagementCohortSnapshots, organizations } from "@/db/schema";
import { notFound } from "@/lib/errors";
import { addDays, localDay, monthOfDay } from "./dates";

/** How many monthly signup cohorts compute-monthly-cohorts keeps (the heatmap's rows). */
export const COHORT_MONTHS = 24;

type CohortRow = typeof engagementCohortSnapshots.$inferInsert;

/** ENG-3 week-1/4/12 retention of the org's last COHORT_MONTHS signup cohorts as of today (org timezone). */
async function cohortRows(db: Db, orgId: string, now: Date): Promise<{ asOf: string; rows: CohortRow[] }> {
  const [org] = await db
    .select({ timezone: organizations.timezone })
    .from(organizations)
    .where(eq(organizations.id, orgId));
  if (!org) throw notFound();
  const asOf = localDay(org.timezone, now);
  const to = monthOfDay(asOf);
  let from = to;
  for (let i = 1; i < COHORT_MONTHS; i++) from = monthOfDay(addDays(`${from}-01`, -1));
  const cohorts = await getEngagementCohorts(db, { orgId, from, to, asOf });
  const rows = cohorts
    .filter((c) => c.users > 0)
    .map((c) => ({
      orgId,
      cohort: `${c.cohort}-01`,
      users: c.users,
      week1Retained: c.weeks[1].retained,
      week1Eligible: c.weeks[1].eligible,
      week4Retained: c.weeks[4].retained,
      week4Eligible: c.weeks[4].eligible,
      week12Retained: c.weeks[12].retained,
      week12Eligible: c.weeks[12].eligible,
      asOf,
    }));
  return { asOf, rows };
}

/**
 * compute-monthly-cohorts: the cohorts as of today, replacing what was stored. The dashboard's heatmap
 * reads the stored rows.
 */
export async function computeEngagementCohorts(
  db: Db,
  { orgId, now = new Date() }: { orgId: string; now?: Date },
) {
  const { asOf, rows } = await cohortRows(db, orgId, now);
  await db.transaction(async (tx) => {
    await tx.delete(engagementCohortSnapshots).where(eq(engagementCohortSnapshots.orgId, orgId));
    if (rows.length) await tx.insert(engagementCohortSnapshots).values(rows);
  });
  return { asOf, cohorts: rows.length };
}

/**
 * The stored cohorts; before the first monthly run (a new org, the demo) they are computed on the fly
 * from the rollups instead, so the heatmap never waits a month. `stored` says which.
 */
export async function listEngagementCohorts(
  db: Db,
  { orgId, now = new Date() }: { orgId: string; now?: Date },
) {
  const stored = await db
    .select()
    .from(engagementCohortSnapshots)
    .where(eq(engagementCohortSnapshots.orgId, orgId))
    .orderBy(engagementCohortSnapshots.cohort);
  if (stored.length) return { stored: true, rows: stored };
  const { rows } = await cohortRows(db, orgId, now);
  return { stored: false, rows };
}
