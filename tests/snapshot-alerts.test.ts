import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { jobRuns, type MetricsSnapshot, memberships, metricAlerts, organizations, users } from "@/db/schema";
import { snapshotRequested } from "@/inngest/events";
import { checkAlertsJob } from "@/inngest/functions/check-alerts";
import { computeDailySnapshot } from "@/inngest/functions/compute-daily-snapshot";
import { createRunner } from "@/inngest/runner";
import { acknowledgeAlert, findBreaches } from "@/lib/snapshots/alerts";
import { NO_THRESHOLDS, updateMetricsConfig } from "@/lib/snapshots/config";
import { createTestDb } from "./helpers/db";

/*
 * check-alerts end to end: import job runs → compute-daily-snapshot (in-process runner) → check-alerts →
 * a mail received by a real SMTP server in this process, exactly once per alert.
 */

type Received = { to: string[]; raw: string };
const received: Received[] = [];
let server: SMTPServer;
let handle: DbHandle;
let orgId: string;
let ownerId: string;
const quiet = { info: () => {}, debug: () => {}, warn: () => {}, error: () => {} };

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        received.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  process.env.SMTP_URL = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  process.env.APP_URL = "https://meridian.example";

  handle = await createTestDb();
  const [org] = await handle.db
    .insert(organizations)
    .values({ slug: "alerts", name: "Alerts Inc" })
    .returning();
  orgId = org!.id;
  const [owner] = await handle.db
    .insert(users)
    .values({ email: "owner@alerts.test", passwordHash: "x" })
    .returning();
  const [viewer] = await handle.db
    .insert(users)
    .values({ email: "viewer@alerts.test", passwordHash: "x" })
    .returning();
  ownerId = owner!.id;
  await handle.db.insert(memberships).values([
    { orgId, userId: ownerId, role: "owner" },
    { orgId, userId: viewer!.id, role: "viewer" },
  ]);
});
afterAll(async () => {
  await handle?.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function importRuns(day: string, outcomes: ("succeeded" | "failed")[]) {
  await handle.db.insert(jobRuns).values(
    outcomes.map((status, i) => ({
      runId: `${day}-${i}`,
      functionId: "import-upload",
      orgId,
      executor: "in-process",
      status,
      queuedAt: new Date(`${day}T1${i}:00:00Z`),
      durationMs: 1_000,
    })),
  );
}

async function snapshot(date: string) {
  const runner = createRunner({
    db: handle.db,
    jobs: [computeDailySnapshot, checkAlertsJob],
    backoffMs: 10,
    logger: quiet,
  });
  await runner.send(snapshotRequested.create({ orgId, date }));
  await runner.waitForIdle();
}

const alerts = () => handle.db.select().from(metricAlerts).where(eq(metricAlerts.orgId, orgId));

describe("alerts after each snapshot", () => {
  it("opens an alert on a breach and mails the owners once, with the numbers and a link", async () => {
    await updateMetricsConfig(handle.db, {
      orgId,
      userId: ownerId,
      patch: { thresholds: { job_failure_rate_percent: 50 } },
    });
    await importRuns("2025-03-03", ["succeeded", "failed"]);
    await snapshot("2025-03-03");
    const [alert] = await alerts();
    expect(alert).toMatchObject({
      kind: "job_failure_rate",
      status: "open",
      openedOn: "2025-03-03",
      value: 50,
      threshold: 50,
    });
    expect(received).toHaveLength(1);
    const mail = received[0]!;
    expect(mail.to).toEqual(["owner@alerts.test"]); // owners and admins, not viewers
    expect(mail.raw).toMatch(/Subject: \[Meridian\] Alerts Inc: Import job failures on 2025-03-03/);
    expect(mail.raw).toContain("1 of 2 import jobs failed on 2025-03-03 (50.0%; threshold 50%)");
    expect(mail.raw).toContain("https://meridian.example/alerts/metrics#alerts");
  });

  it("sends no second mail while the same alert is open, even when the snapshot is re-run", async () => {
    await snapshot("2025-03-03");
    await importRuns("2025-03-04", ["failed", "failed", "succeeded"]);
    await snapshot("2025-03-04");
    const rows = await alerts();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "open", lastSeenOn: "2025-03-04" });
    expect(rows[0]?.value).toBeCloseTo(200 / 3, 10);
    expect(received).toHaveLength(1);
  });

  it("keeps an acknowledged alert quiet, resolves it when the breach ends, and mails a new breach", async () => {
    const [open] = await alerts();
    await acknowledgeAlert(handle.db, { orgId, alertId: open!.id, userId: ownerId });
    await expect(acknowledgeAlert(handle.db, { orgId, alertId: open!.id, userId: ownerId })).rejects.toThrow(
      /Not found/,
    );
    await importRuns("2025-03-05", ["succeeded", "succeeded"]);
    await snapshot("2025-03-05");
    expect((await alerts())[0]).toMatchObject({ status: "resolved", resolvedOn: "2025-03-05" });
    await importRuns("2025-03-06", ["failed"]);
    await snapshot("2025-03-06");
    const rows = await alerts();
    expect(rows.map((r) => r.status).sort()).toEqual(["open", "resolved"]);
    expect(received).toHaveLength(2);
    expect(received[1]?.raw).toContain("1 of 1 import jobs failed on 2025-03-06");
  });

  it("mails the configured recipients instead of the owners when there are some", async () => {
    await updateMetricsConfig(handle.db, {
      orgId,
      userId: ownerId,
      patch: { recipients: ["cfo@alerts.test", "ops@alerts.test"], thresholds: { churn_spike_percent: 10 } },
    });
    await handle.db.delete(metricAlerts).where(eq(metricAlerts.orgId, orgId));
    await snapshot("2025-03-06");
    expect(received).toHaveLength(3);
    expect(received[2]?.to.sort()).toEqual(["cfo@alerts.test", "ops@alerts.test"]);
  });
});

describe("findBreaches", () => {
  const base = {
    orgId: "o",
    currency: "USD",
    mrr: 90_000,
    customerChurnRate: 0.04,
    customersChurned: 2,
    paymentFailures: 3,
    jobsTotal: 0,
    jobsFailed: 0,
  } as MetricsSnapshot;
  const day = { ...base, date: "2025-03-02" } as MetricsSnapshot;
  const before = { ...base, date: "2025-03-01", mrr: 100_000 } as MetricsSnapshot;

  it("compares MRR with the day before, churn with RATE-1 and payment failures with the count", () => {
    const { breaches, checked } = findBreaches(day, before, {
      churnSpikePercent: 4,
      mrrDropPercent: 10,
      paymentFailures: 4,
      jobFailureRatePercent: 1,
    });
    expect(checked).toEqual(["churn_spike", "mrr_drop", "payment_failures"]); // no jobs: rate undefined
    expect(breaches.map((b) => b.kind)).toEqual(["churn_spike", "mrr_drop"]);
    expect(breaches[1]?.message).toBe(
      "MRR fell 10.0% from $1,000.00 on 2025-03-01 to $900.00 on 2025-03-02 (threshold 10%).",
    );
  });

  it("checks nothing without thresholds, and no MRR drop without the day before", () => {
    expect(findBreaches(day, before, NO_THRESHOLDS)).toEqual({ breaches: [], checked: [] });
    expect(findBreaches(day, null, { ...NO_THRESHOLDS, mrrDropPercent: 1 }).checked).toEqual([]);
  });
});
