import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  customers,
  stripeBackfills,
  stripeInvoices,
  stripeSubscriptions,
  subscriptionItems,
} from "@/db/schema";
import { latestBackfill, startBackfill } from "@/lib/stripe/backfill";
import { getStripeCounts } from "@/lib/stripe/counts";
import { currentMonth, customer, fixture, mrrAt, subscription } from "./helpers";
import { type StripeWorld, setupStripeWorld } from "./setup";

// The backfill through the real job runner: pagination, an outage half-way, resume, 429s; exact counts.
let w: StripeWorld;
let org: { id: string; secret: string };

const rows = async (
  table: typeof customers | typeof subscriptionItems | typeof stripeSubscriptions | typeof stripeInvoices,
) => Number((await w.h.db.select({ n: count() }).from(table).where(eq(table.orgId, org.id)))[0]?.n ?? 0);

async function runBackfill() {
  const started = await startBackfill(w.h.db, org.id);
  await w.jobs.sendEvent(w.jobs.stripeBackfillRequested.create({ orgId: org.id, ...started }));
  await w.jobs.getRunner().waitForIdle();
  return started;
}

beforeAll(async () => {
  w = await setupStripeWorld();
  org = await w.addOrg("backfill");
  const invoice = fixture<{ object: Record<string, unknown> }>(
    "pay-rails/stripe__invoice.payment_failed.json",
  ).object;
  for (let i = 0; i < 150; i++) {
    const id = `cus_${String(i).padStart(3, "0")}`;
    w.fake.data.customers.push(customer(id));
    w.fake.data.subscriptions.push(
      i < 100
        ? subscription({ id: `sub_m${i}`, customer: id, unitAmount: 10_000, start: "2024-01-05" })
        : subscription({
            id: `sub_y${i}`,
            customer: id,
            unitAmount: 60_000,
            interval: "year",
            start: "2024-03-20",
          }),
    );
    if (i < 20) w.fake.data.invoices.push({ ...invoice, id: `in_${i}`, customer: id });
  }
});
afterAll(() => w.close());

describe("stripe-backfill", () => {
  it("stops at an outage half-way, resumes where it stopped, and counts every object once", async () => {
    // Pages of 100: customers 2 pages, invoices 1, then the first subscription page succeeds and the outage
    // begins.
    w.fake.breakAfter(4);
    const first = await runBackfill();
    expect(first.resumed).toBe(false);
    const stopped = await latestBackfill(w.h.db, org.id);
    expect(stopped).toMatchObject({
      status: "failed",
      phase: "subscriptions",
      customers: 150,
      subscriptions: 100,
      invoices: 20,
    });
    expect(stopped?.cursor).toBe("sub_m99");
    expect(await rows(subscriptionItems)).toBe(100);

    w.fake.heal();
    w.fake.rateLimitNext(2, 1); // the resumed run meets two 429s first
    const second = await runBackfill();
    expect(second).toEqual({ backfillId: first.backfillId, resumed: true });
    const done = await latestBackfill(w.h.db, org.id);
    expect(done).toMatchObject({
      status: "succeeded",
      phase: "done",
      customers: 150,
      subscriptions: 150,
      invoices: 20,
      rateLimited: 2,
      error: null,
    });
    expect(await rows(customers)).toBe(150);
    expect(await rows(subscriptionItems)).toBe(150);
    expect(await rows(stripeSubscriptions)).toBe(150);
    expect(await rows(stripeInvoices)).toBe(20);
    // 100 × $100/month + 50 × $600/year = $12,500.00; history: only the monthly ones in February 2024.
    expect(await mrrAt(w.h.db, org.id, currentMonth())).toBe(1_250_000);
    expect(await mrrAt(w.h.db, org.id, "2024-02")).toBe(1_000_000);
    expect(await mrrAt(w.h.db, org.id, "2024-03")).toBe(1_250_000);
    // Each invoice is open after one failed attempt: past failures, dated at finalization (2025-04-23).
    const failures = (from: string, to: string) =>
      getStripeCounts(w.h.db, { orgId: org.id, from: new Date(from), to: new Date(to) });
    expect((await failures("2025-04-23", "2025-04-24")).paymentFailures).toBe(20);
    expect((await failures("2025-04-24", "2026-01-01")).paymentFailures).toBe(0);
  }, 60_000);

  it("a second backfill starts afresh and converges on the same rows", async () => {
    const again = await runBackfill();
    expect(again.resumed).toBe(false);
    const [row] = await w.h.db
      .select()
      .from(stripeBackfills)
      .where(and(eq(stripeBackfills.orgId, org.id), eq(stripeBackfills.id, again.backfillId)));
    expect(row).toMatchObject({ status: "succeeded", customers: 150, subscriptions: 150, invoices: 20 });
    expect(await rows(subscriptionItems)).toBe(150);
    expect(await mrrAt(w.h.db, org.id, currentMonth())).toBe(1_250_000);
  }, 60_000);
});
