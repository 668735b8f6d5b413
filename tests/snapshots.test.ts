import { InngestTestEngine } from "@inngest/test";
import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getSummary } from "@/db/queries/revenue";
import { getTimeseries, snapshotsCsv } from "@/db/queries/snapshots";
import {
  jobRuns,
  metricsSnapshots,
  snapshotBackfills,
  stripeConnections,
  stripePaymentFailures,
  stripeSubscriptions,
  users,
} from "@/db/schema";
import { setInngestDb } from "@/inngest/define-job";
import { snapshotBackfillRequested, snapshotRequested, validateAppEvents } from "@/inngest/events";
import { backfillSnapshots, backfillSnapshotsMonth } from "@/inngest/functions/backfill-snapshots";
import { checkAlertsJob } from "@/inngest/functions/check-alerts";
import { computeDailySnapshot } from "@/inngest/functions/compute-daily-snapshot";
import { createRunner } from "@/inngest/runner";
import { writeEvents } from "@/lib/events/write";
import { updateOrgSettings } from "@/lib/orgs/organizations";
import { startBackfill } from "@/lib/snapshots/backfill";
import { computeEngagementCohorts, listEngagementCohorts } from "@/lib/snapshots/cohorts";
import { computeSnapshot } from "@/lib/snapshots/compute";
import { updateMetricsConfig } from "@/lib/snapshots/config";
import { addDays, lastCompleteDay } from "@/lib/snapshots/dates";
import { metricByName } from "@/lib/snapshots/metrics";
import { setupRevenueFixtures } from "./helpers/revenue-fixtures";

/*
 * Daily snapshots (issue 6) on hand-computed data: three customers, finance inputs, import job runs and
 * product events, on a real database (PGlite, or the Postgres server with TEST_DATABASE_URL).
 *   A: $100/month from 2024-01-01; B: $50/month 2024-02-10 → 2024-05-20; C: $200/month from 2024-03-15.
 */

const { db, newOrg, customer, rebuild } = setupRevenueFixtures();
let orgId: string;
let otherOrgId: string;
let userId: string;
const quiet = { info: () => {}, debug: () => {}, warn: () => {}, error: () => {} };

beforeAll(async () => {
  orgId = await newOrg("snap", { grossMarginPercent: 80 });
  otherOrgId = await newOrg("other");
  await customer(orgId, "A", [["a1", 10_000, "2024-01-01"]]);
  await customer(orgId, "B", [["b1", 5_000, "2024-02-10", "2024-05-20"]]);
  await customer(orgId, "C", [["c1", 20_000, "2024-03-15"]]);
  await customer(otherOrgId, "X", [["x1", 99_900, "2024-01-01"]]);
  await rebuild(orgId);
  await rebuild(otherOrgId);
  const [user] = await db()
    .insert(users)
    .values({ email: "cfo@snap.test", name: "CFO", passwordHash: "x" })
    .returning();
  userId = user!.id;
  // RUN-1 / CAC-1 inputs: burns 40k, 50k, 60k → mean 50k; cash 600k at the end of March; S&M 10k in February.
  await updateMetricsConfig(db(), {
    orgId,
    userId,
    patch: {
      finance: [
        { month: "2024-01", cash: 700_000, net_burn: 40_000 },
        { month: "2024-02", cash: 650_000, net_burn: 50_000, sales_marketing_spend: 10_000 },
        { month: "2024-03", cash: 600_000, net_burn: 60_000 },
      ],
    },
  });
  // Import runs: two on 2024-03-31 (one failed), one the next day.
  const run = (runId: string, status: "succeeded" | "failed", queuedAt: string, durationMs: number) => ({
    runId,
    functionId: "import-upload",
    orgId,
    executor: "in-process",
    status,
    queuedAt: new Date(queuedAt),
    durationMs,
  });
  await db()
    .insert(jobRuns)
    .values([
      run("r1", "succeeded", "2024-03-31T08:00:00Z", 1_000),
      run("r2", "failed", "2024-03-31T23:59:00Z", 3_000),
      run("r3", "succeeded", "2024-04-01T00:00:00Z", 5_000),
    ]);
  // ENG-2: u1 and u2 active on 2024-03-31, u3 on 2024-03-25 (inside the week), u4 on 2024-03-01 (inside 30 days).
  await writeEvents(db(), { orgId, timezone: "UTC", activationEvents: [] }, [
    { user_id: "u1", name: "login", timestamp: "2024-03-31T09:00:00Z" },
    { user_id: "u2", name: "login", timestamp: "2024-03-31T21:00:00Z" },
    { user_id: "u1", name: "login", timestamp: "2024-03-31T22:00:00Z" },
    { user_id: "u3", name: "login", timestamp: "2024-03-25T12:00:00Z" },
    { user_id: "u4", name: "login", timestamp: "2024-03-02T12:00:00Z" },
  ]);
});

afterAll(() => setInngestDb(undefined));

const snapshotCount = async (org = orgId) => {
  const [row] = await db()
    .select({ n: count() })
    .from(metricsSnapshots)
    .where(eq(metricsSnapshots.orgId, org));
  return row?.n ?? 0;
};
const withoutTime = ({ computedAt: _c, ...rest }: typeof metricsSnapshots.$inferSelect) => rest;

describe("computeSnapshot", () => {
  it("records MRR on the day by MRR-2, equal to the engine's month-end MRR-3 on a month's last day", async () => {
    const s = await computeSnapshot(db(), { orgId, date: "2024-03-31" });
    const summary = await getSummary(db(), { orgId, month: "2024-03" });
    expect(s.mrr).toBe(35_000);
    expect(s.mrr).toBe(summary.mrr);
    expect(s.customersTotal).toBe(3);
    expect(s.customersTotal).toBe(summary.activeCustomers);
    expect(s.arr).toBe(420_000);
    expect(s.arpa).toBe(11_667); // 35,000 / 3 rounded to the cent (ARPA-1)
    // The month's movements: C is new business in March.
    expect(s.customersNew).toBe(1);
    expect(s.customersChurned).toBe(0);
    expect(s.mrrGrowthRate).toBeCloseTo(35_000 / 15_000 - 1, 12);
  });

  it("counts a mid-month day's items only (B started 2024-02-10, C not yet on 2024-03-10)", async () => {
    const s = await computeSnapshot(db(), { orgId, date: "2024-03-10" });
    expect(s.mrr).toBe(15_000);
    expect(s.customersTotal).toBe(2);
    const feb = await computeSnapshot(db(), { orgId, date: "2024-02-09" });
    expect(feb.mrr).toBe(10_000);
    expect(feb.customersTotal).toBe(1);
  });

  it("takes RUN-1 runway and CAC-1 payback from the finance inputs", async () => {
    const s = await computeSnapshot(db(), { orgId, date: "2024-03-31" });
    expect(s.cash).toBe(60_000_000);
    expect(s.burn).toBe(5_000_000);
    expect(s.runwayMonths).toBe(12);
    // S&M of February $10,000 / (new MRR of March $200 × 80%) = 62.5 months.
    expect(s.cacPaybackMonths).toBeCloseTo(62.5, 12);
  });

  it("counts the day's import jobs in the org's timezone", async () => {
    const s = await computeSnapshot(db(), { orgId, date: "2024-03-31" });
    expect(s).toMatchObject({ jobsTotal: 2, jobsSucceeded: 1, jobsFailed: 1, jobsAvgDurationMs: 2_000 });
  });

  it("takes DAU/WAU/MAU and stickiness from the events (ENG-2)", async () => {
    const s = await computeSnapshot(db(), { orgId, date: "2024-03-31" });
    expect(s).toMatchObject({ dau: 2, wau: 3, mau: 4 });
    expect(s.stickiness).toBeCloseTo(2 / 4, 12);
  });

  it("recomputes ENG-4 activation from the stored events when the activation event names change", async () => {
    await updateMetricsConfig(db(), { orgId, userId, patch: { activation_events: ["login"] } });
    const all = await computeSnapshot(db(), { orgId, date: "2024-03-31" });
    // All four users started in the 30 days ending 2024-03-31 and logged in on their first day.
    expect(all).toMatchObject({ activationStarted: 4, activationActivated: 4, activationRate: 1 });
    await updateMetricsConfig(db(), { orgId, userId, patch: { activation_events: ["report_generate"] } });
    const none = await computeSnapshot(db(), { orgId, date: "2024-03-31" });
    expect(none).toMatchObject({ activationStarted: 4, activationActivated: 0, activationRate: 0 });
  });

  it("re-days stored events when the org's timezone changes (ENG-1)", async () => {
    const tzOrg = await newOrg("tz-snap");
    // 03:00 UTC on 2024-03-31 is 20:00 on 2024-03-30 in Los Angeles.
    await writeEvents(db(), { orgId: tzOrg, timezone: "UTC" }, [
      { user_id: "late", name: "login", timestamp: "2024-03-31T03:00:00Z" },
    ]);
    expect((await computeSnapshot(db(), { orgId: tzOrg, date: "2024-03-31" })).dau).toBe(1);
    await updateOrgSettings(db(), {
      orgId: tzOrg,
      actorUserId: userId,
      name: "tz-snap",
      currency: "USD",
      timezone: "America/Los_Angeles",
    });
    expect((await computeSnapshot(db(), { orgId: tzOrg, date: "2024-03-31" })).dau).toBe(0);
    expect((await computeSnapshot(db(), { orgId: tzOrg, date: "2024-03-30" })).dau).toBe(1);
  });

  it("leaves the Stripe figures null for an org without a Stripe connection", async () => {
    const s = await computeSnapshot(db(), { orgId, date: "2024-03-31" });
    expect(s).toMatchObject({
      subscriptionsActive: null,
      subscriptionsPastDue: null,
      subscriptionsCancelled: null,
      paymentFailures: null,
    });
  });

  it("records Stripe subscriptions by status for the latest day and payment failures for any day", async () => {
    const stripeOrg = await newOrg("stripe-snap");
    await db().insert(stripeConnections).values({
      orgId: stripeOrg,
      apiKeyEncrypted: "x",
      webhookSecretEncrypted: "x",
      keyHint: "rk_test_…0000",
    });
    const sub = (stripeId: string, status: string) => ({
      orgId: stripeOrg,
      stripeId,
      stripeCustomerId: "cus_1",
      status,
    });
    await db()
      .insert(stripeSubscriptions)
      .values([
        sub("s1", "active"),
        sub("s2", "active"),
        sub("s3", "past_due"),
        sub("s4", "canceled"),
        sub("s5", "trialing"),
      ]);
    const yesterday = lastCompleteDay("UTC");
    const before = addDays(yesterday, -1);
    const failed = (invoiceId: string, at: string) => ({
      orgId: stripeOrg,
      invoiceId,
      attempt: 1,
      stripeCustomerId: "cus_1",
      failedAt: new Date(at),
      source: "webhook" as const,
    });
    await db()
      .insert(stripePaymentFailures)
      .values([
        failed("in_1", `${yesterday}T00:00:00Z`),
        failed("in_2", `${yesterday}T23:59:59Z`),
        failed("in_3", `${before}T12:00:00Z`),
      ]);
    const latest = await computeSnapshot(db(), { orgId: stripeOrg, date: yesterday });
    expect(latest).toMatchObject({
      subscriptionsActive: 2,
      subscriptionsPastDue: 1,
      subscriptionsCancelled: 1,
      paymentFailures: 2,
    });
    const older = await computeSnapshot(db(), { orgId: stripeOrg, date: before });
    expect(older).toMatchObject({
      subscriptionsActive: null,
      subscriptionsPastDue: null,
      subscriptionsCancelled: null,
      paymentFailures: 1,
    });
  });

  it("overwrites on a re-run: one row per org and day", async () => {
    const before = await snapshotCount();
    const first = await computeSnapshot(db(), { orgId, date: "2024-03-31" });
    const again = await computeSnapshot(db(), { orgId, date: "2024-03-31" });
    expect(await snapshotCount()).toBe(before);
    expect(withoutTime(again)).toEqual(withoutTime(first));
  });

  it("keeps each org's numbers to itself", async () => {
    const other = await computeSnapshot(db(), { orgId: otherOrgId, date: "2024-03-31" });
    expect(other.mrr).toBe(99_900);
    expect(other).toMatchObject({ dau: 0, jobsTotal: 0, cash: null, runwayMonths: null });
    const mrr = metricByName("mrr")!;
    const points = await getTimeseries(db(), {
      orgId: otherOrgId,
      metric: mrr,
      from: "2024-03-01",
      to: "2024-03-31",
      granularity: "day",
    });
    expect(points).toEqual([{ date: "2024-03-31", value: 999 }]);
  });
});

describe("the snapshot jobs", () => {
  it("gives the same snapshot from the in-process runner and from the function under @inngest/test", async () => {
    const date = "2024-04-15";
    const runner = createRunner({
      db: db(),
      jobs: [computeDailySnapshot, checkAlertsJob],
      backoffMs: 10,
      logger: quiet,
    });
    await runner.send(snapshotRequested.create({ orgId, date }));
    await runner.waitForIdle();
    const [viaRunner] = await db()
      .select()
      .from(metricsSnapshots)
      .where(and(eq(metricsSnapshots.orgId, orgId), eq(metricsSnapshots.date, date)));
    expect(viaRunner?.mrr).toBe(35_000);
    await db()
      .delete(metricsSnapshots)
      .where(and(eq(metricsSnapshots.orgId, orgId), eq(metricsSnapshots.date, date)));

    setInngestDb(db());
    const t = new InngestTestEngine({
      function: computeDailySnapshot.fn,
      events: [{ name: "metrics/snapshot.requested", data: { orgId, date } }],
    });
    const { result, ctx } = await t.execute({
      steps: [{ id: "check-alerts", handler: () => ({ ids: ["e1"] }) }],
    });
    expect(result).toMatchObject({ date, mrr: 35_000, customers: 3 });
    expect(ctx.step.sendEvent).toHaveBeenCalledWith(
      "check-alerts",
      expect.objectContaining({ name: "metrics/snapshot.computed", data: { orgId, date } }),
    );
    const [viaInngest] = await db()
      .select()
      .from(metricsSnapshots)
      .where(and(eq(metricsSnapshots.orgId, orgId), eq(metricsSnapshots.date, date)));
    expect(withoutTime(viaInngest!)).toEqual(withoutTime(viaRunner!));
    expect(ctx.step.run).toHaveBeenCalledWith("compute", expect.any(Function));
  });

  it("backfills 24 months, one run per month, with progress on the backfill row", {
    timeout: 240_000,
  }, async () => {
    const backfill = await startBackfill(db(), { orgId, from: "2023-01-01", to: "2024-12-31" });
    expect(backfill).toMatchObject({ monthsTotal: 24, monthsDone: 0, status: "running" });
    const runner = createRunner({
      db: db(),
      jobs: [backfillSnapshots, backfillSnapshotsMonth],
      backoffMs: 10,
      logger: quiet,
    });
    await runner.send(snapshotBackfillRequested.create({ orgId, backfillId: backfill.id }));
    await runner.waitForIdle();
    const [done] = await db().select().from(snapshotBackfills).where(eq(snapshotBackfills.id, backfill.id));
    expect(done).toMatchObject({ monthsDone: 24, daysDone: 731, status: "succeeded" });
    expect(done?.finishedAt).toBeInstanceOf(Date);
    const [n] = await db()
      .select({ n: count() })
      .from(metricsSnapshots)
      .where(
        and(
          eq(metricsSnapshots.orgId, orgId),
          // 2023-01-01 … 2024-12-31
          eq(metricsSnapshots.currency, "USD"),
        ),
      );
    expect(n?.n).toBeGreaterThanOrEqual(731);
    // Month points are each month's last snapshot: MRR-3 month ends.
    const mrr = metricByName("mrr")!;
    const months = await getTimeseries(db(), {
      orgId,
      metric: mrr,
      from: "2024-01-01",
      to: "2024-06-30",
      granularity: "month",
    });
    expect(months).toEqual([
      { date: "2024-01-01", value: 100 },
      { date: "2024-02-01", value: 150 },
      { date: "2024-03-01", value: 350 },
      { date: "2024-04-01", value: 350 },
      { date: "2024-05-01", value: 300 },
      { date: "2024-06-01", value: 300 },
    ]);
    for (const p of months) {
      const summary = await getSummary(db(), { orgId, month: p.date.slice(0, 7) });
      expect(p.value! * 100).toBe(summary.mrr);
    }
    // Weeks start on Monday; 2024-05-20 (B's end) is a Monday.
    const weeks = await getTimeseries(db(), {
      orgId,
      metric: mrr,
      from: "2024-05-13",
      to: "2024-05-26",
      granularity: "week",
    });
    expect(weeks).toEqual([
      { date: "2024-05-13", value: 350 },
      { date: "2024-05-20", value: 300 },
    ]);
    // A month re-delivered counts once.
    const again = await runner.send({
      name: "metrics/backfill.month.requested",
      data: { orgId, backfillId: backfill.id, month: "2024-05" },
    });
    expect(again.runIds).toHaveLength(1);
    await runner.waitForIdle();
    const [after] = await db().select().from(snapshotBackfills).where(eq(snapshotBackfills.id, backfill.id));
    expect(after).toMatchObject({ monthsDone: 24, daysDone: 731 });
  });

  it("backfills a range named in the event (org, from, to), creating the progress row itself", async () => {
    const runner = createRunner({
      db: db(),
      jobs: [backfillSnapshots, backfillSnapshotsMonth],
      backoffMs: 10,
      logger: quiet,
    });
    const before = await db().select().from(snapshotBackfills).where(eq(snapshotBackfills.orgId, otherOrgId));
    await runner.send(
      snapshotBackfillRequested.create({ orgId: otherOrgId, from: "2024-02-27", to: "2024-03-02" }),
    );
    await runner.waitForIdle();
    const after = await db().select().from(snapshotBackfills).where(eq(snapshotBackfills.orgId, otherOrgId));
    const row = after.find((b) => !before.some((x) => x.id === b.id));
    expect(row).toMatchObject({
      fromDate: "2024-02-27",
      toDate: "2024-03-02",
      monthsTotal: 2,
      monthsDone: 2,
      daysDone: 5,
      status: "succeeded",
    });
    await expect(
      validateAppEvents([
        { name: "metrics/backfill.requested", data: { orgId: otherOrgId, from: "2024-02-27" } },
      ]),
    ).rejects.toThrow(/Name a backfillId, or from and to/);
  });

  it("refuses a backfill that ends in the future, is reversed or names no day", async () => {
    await expect(startBackfill(db(), { orgId, from: "2024-01-01", to: "2999-01-01" })).rejects.toThrow(
      /not over yet/,
    );
    await expect(startBackfill(db(), { orgId, from: "2024-02-01", to: "2024-01-01" })).rejects.toThrow(
      /after/,
    );
    await expect(startBackfill(db(), { orgId, from: "2024-02-30", to: "2024-03-01" })).rejects.toThrow(
      /not a day/,
    );
  });
});

describe("ENG-3 cohorts for the heatmap", () => {
  it("are computed on the fly before the first monthly run, then read from what the run stored", async () => {
    const now = new Date("2024-06-30T12:00:00Z");
    const live = await listEngagementCohorts(db(), { orgId, now });
    expect(live.stored).toBe(false);
    // u1…u4 all started in March 2024; none came back in week 1 (days f+7…f+13); by 2024-06-30 even week
    // 12 (f+84…f+90) is over for all of them.
    expect(
      live.rows.map((r) => [r.cohort, r.users, r.week1Retained, r.week1Eligible, r.week12Eligible]),
    ).toEqual([["2024-03-01", 4, 0, 4, 4]]);
    expect(await computeEngagementCohorts(db(), { orgId, now })).toEqual({ asOf: "2024-06-30", cohorts: 1 });
    const stored = await listEngagementCohorts(db(), { orgId, now });
    expect(stored.stored).toBe(true);
    expect(stored.rows.map((r) => [r.cohort, r.users, r.week1Retained, r.week1Eligible])).toEqual([
      ["2024-03-01", 4, 0, 4],
    ]);
  });
});

describe("the CSV export", () => {
  it("has one row per snapshot day with money in major units", async () => {
    const { header, rows } = await snapshotsCsv(db(), { orgId, from: "2024-03-31", to: "2024-03-31" });
    expect(header.slice(0, 4)).toEqual(["date", "currency", "mrr", "arr"]);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.slice(0, 4)).toEqual(["2024-03-31", "USD", 350, 4200]);
    const runway = header.indexOf("runway_months");
    expect(rows[0]?.[runway]).toBe(12);
  });
});
