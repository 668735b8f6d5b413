import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST } from "@/app/api/webhooks/stripe/[orgSlug]/route";
import { jobRuns, stripeEvents, subscriptionItems } from "@/db/schema";
import { getStripeCounts } from "@/lib/stripe/counts";
import {
  currentMonth,
  customer,
  discount,
  event,
  fixture,
  mrrAt,
  signedRequest,
  stripeItems,
  subscription,
} from "./helpers";
import { type StripeWorld, setupStripeWorld } from "./setup";

// The webhook route end to end: signature, idempotency, the convergent sync and MRR-1 in exact cents.
let w: StripeWorld;
let a: { id: string; secret: string };
let b: { id: string; secret: string };

const post = (slug: string, body: unknown, secret: string, header?: string | null) =>
  POST(signedRequest(slug, body, secret, header), { params: Promise.resolve({ orgSlug: slug }) });
const settle = () => w.jobs.getRunner().waitForIdle();
const countOf = async (
  table: typeof stripeEvents | typeof jobRuns | typeof subscriptionItems,
  orgId: string,
) => Number((await w.h.db.select({ n: count() }).from(table).where(eq(table.orgId, orgId)))[0]?.n ?? 0);

// Three subscriptions of one customer (the case), all started 2024-01-01.
const three = [
  subscription({
    id: "sub_ten",
    customer: "cus_three",
    unitAmount: 1_000,
    status: "canceled",
    start: "2024-01-01",
    endedAt: "2024-03-10",
    discounts: [discount("once100", { percentOff: 100, duration: "once", start: "2024-01-01" })],
  }),
  subscription({
    id: "sub_hundred",
    customer: "cus_three",
    unitAmount: 10_000,
    status: "past_due",
    start: "2024-01-01",
    discounts: [discount("forever10", { percentOff: 10, duration: "forever", start: "2024-01-01" })],
  }),
  subscription({
    id: "sub_yearly",
    customer: "cus_three",
    unitAmount: 120_000,
    interval: "year",
    start: "2024-01-01",
    discounts: [discount("forever50", { percentOff: 50, duration: "forever", start: "2024-01-01" })],
  }),
];
const failedInvoice = {
  ...fixture<{ object: Record<string, unknown> }>("pay-rails/stripe__invoice.payment_failed.json").object,
  id: "in_failed_1",
  customer: "cus_three",
};

beforeAll(async () => {
  w = await setupStripeWorld();
  a = await w.addOrg("acme");
  b = await w.addOrg("globex", { apiKey: "rk_test_globex_not_accepted_by_the_fake" });
  w.fake.data.customers.push(customer("cus_three", "Three Subs Ltd"), customer("cus_two", "Two Ltd"));
  w.fake.data.subscriptions.push(
    ...three,
    subscription({
      id: "sub_two",
      customer: "cus_two",
      unitAmount: 50_000,
      interval: "year",
      quantity: 4,
      start: "2024-02-10",
    }),
  );
  w.fake.data.invoices.push(failedInvoice);
});
afterAll(() => w.close());

describe("POST /api/webhooks/stripe/[orgSlug]", () => {
  it("rejects a bad or missing signature with 400 and stores nothing", async () => {
    const body = event("customer.subscription.created", three[1] as Record<string, unknown>);
    expect((await post("acme", body, "whsec_wrong")).status).toBe(400);
    expect((await post("acme", body, a.secret, null)).status).toBe(400);
    // A valid signature over different bytes: tampered payload.
    const header = (await import("stripe")).default.webhooks.generateTestHeaderString({
      payload: JSON.stringify(event("customer.updated", { id: "cus_x", object: "customer" })),
      secret: a.secret,
    });
    expect((await post("acme", body, a.secret, header)).status).toBe(400);
    await settle();
    expect(await countOf(stripeEvents, a.id)).toBe(0);
    expect(await countOf(subscriptionItems, a.id)).toBe(0);
    expect(Number((await w.h.db.select({ n: count() }).from(jobRuns))[0]?.n)).toBe(0);
  });

  it("answers 200 to event types it ignores, storing nothing", async () => {
    const charge = fixture<{ object: Record<string, unknown> }>(
      "pay-rails/stripe__charge.succeeded.json",
    ).object;
    const res = await post("acme", event("charge.succeeded", charge), a.secret);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true, ignored: true });
    expect(await countOf(stripeEvents, a.id)).toBe(0);
  });

  it("three subscriptions → MRR $140.00 now and $150.00 in February 2024; counts by status", async () => {
    for (const sub of three) {
      const res = await post(
        "acme",
        event("customer.subscription.created", sub as Record<string, unknown>),
        a.secret,
      );
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ received: true, enqueued: 1 });
    }
    expect((await post("acme", event("invoice.payment_failed", failedInvoice), a.secret)).status).toBe(200);
    await settle();
    const items = await stripeItems(w.h.db, a.id);
    expect(items.map((i) => [i.externalId, i.mrr, i.status, i.endDate])).toEqual([
      ["sub_hundred/si_sub_hundred", 9_000, "past_due", null],
      ["sub_ten/si_sub_ten", 1_000, "canceled", "2024-03-10"],
      ["sub_yearly/si_sub_yearly", 5_000, "active", null],
    ]);
    expect(await mrrAt(w.h.db, a.id, currentMonth())).toBe(14_000);
    expect(await mrrAt(w.h.db, a.id, "2024-02")).toBe(15_000);
    expect(await mrrAt(w.h.db, a.id, "2024-03")).toBe(14_000);
    const counts = await getStripeCounts(w.h.db, {
      orgId: a.id,
      from: new Date(Date.now() - 86_400_000),
      to: new Date(Date.now() + 86_400_000),
    });
    expect(counts).toMatchObject({ active: 1, pastDue: 1, canceled: 1, trialing: 0, paymentFailures: 1 });
  });

  it("a replayed event answers 200 and does nothing", async () => {
    const body = event("customer.subscription.updated", three[2] as Record<string, unknown>, "evt_replayed");
    expect((await post("acme", body, a.secret)).status).toBe(200);
    await settle();
    const runs = Number((await w.h.db.select({ n: count() }).from(jobRuns))[0]?.n);
    const events = await countOf(stripeEvents, a.id);
    const res = await post("acme", body, a.secret);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true, duplicate: true });
    await settle();
    expect(Number((await w.h.db.select({ n: count() }).from(jobRuns))[0]?.n)).toBe(runs);
    expect(await countOf(stripeEvents, a.id)).toBe(events);
  });

  it("the same events in any order, twice, end in the same items", async () => {
    const customerUpdated = {
      ...fixture<{ object: Record<string, unknown> }>("pay-rails/stripe__customer.updated.json").object,
      id: "cus_two",
    };
    const bodies = (round: string) => [
      ...three.map((s, i) =>
        event("customer.subscription.updated", s as Record<string, unknown>, `evt_${round}_s${i}`),
      ),
      event(
        "customer.subscription.created",
        w.fake.data.subscriptions[3] as Record<string, unknown>,
        `evt_${round}_two`,
      ),
      event("customer.updated", customerUpdated, `evt_${round}_cu`),
      event("invoice.payment_failed", failedInvoice, `evt_${round}_inv`),
    ];
    for (const body of bodies("first")) await post("acme", body, a.secret);
    await settle();
    const first = await stripeItems(w.h.db, a.id);
    expect(first.find((i) => i.externalId === "sub_two/si_sub_two")?.mrr).toBe(16_667); // 4 × $500 / 12
    await w.h.db.delete(subscriptionItems).where(eq(subscriptionItems.orgId, a.id));
    const shuffled = bodies("second");
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = (i * 7 + 3) % (i + 1); // a fixed permutation, not Math.random: a failure must replay
      [shuffled[i], shuffled[j]] = [shuffled[j] as never, shuffled[i] as never];
    }
    for (const body of [...shuffled, ...shuffled.slice(0, 3)]) await post("acme", body, a.secret);
    await settle();
    expect(await stripeItems(w.h.db, a.id)).toEqual(first);
    expect(await mrrAt(w.h.db, a.id, currentMonth())).toBe(14_000 + 16_667);
  });

  it("isolates tenants: another org's slug or secret is refused and nothing lands in the wrong org", async () => {
    const itemsA = await stripeItems(w.h.db, a.id);
    const body = event("customer.subscription.updated", three[1] as Record<string, unknown>, "evt_cross");
    expect((await post("acme", body, b.secret)).status).toBe(400); // B's secret on A's URL
    expect((await post("globex", body, a.secret)).status).toBe(400); // A's secret on B's URL
    expect((await post("nobody", body, a.secret)).status).toBe(404);
    // B's own, valid event syncs with B's key, which the fake refuses: the run fails, A is untouched.
    expect((await post("globex", body, b.secret)).status).toBe(200);
    await settle();
    expect(await countOf(subscriptionItems, b.id)).toBe(0);
    expect(await stripeItems(w.h.db, a.id)).toEqual(itemsA);
    const [failed] = await w.h.db
      .select()
      .from(jobRuns)
      .where(and(eq(jobRuns.orgId, b.id), eq(jobRuns.functionId, "stripe-sync-customer")));
    expect(failed?.status).toBe("failed");
    expect(w.fake.requests.some((r) => r.path === "/v1/customers/cus_three")).toBe(true);
  });
  it("a tiered price is retrieved with its tiers, and the customer's coupon applies (Stripe's rules)", async () => {
    const tiers = [
      {
        up_to: 5,
        unit_amount: 500,
        unit_amount_decimal: "500",
        flat_amount: null,
        flat_amount_decimal: null,
      },
      {
        up_to: 10,
        unit_amount: 400,
        unit_amount_decimal: "400",
        flat_amount: null,
        flat_amount_decimal: null,
      },
      {
        up_to: null,
        unit_amount: 300,
        unit_amount_decimal: "300",
        flat_amount: 1_000,
        flat_amount_decimal: "1000",
      },
    ];
    const sub = subscription({
      id: "sub_tier",
      customer: "cus_tier",
      unitAmount: 0,
      quantity: 12,
      start: "2024-01-01",
    });
    const item = sub.items.data[0] as { price: Record<string, unknown> };
    item.price = {
      ...item.price,
      id: "price_grad",
      billing_scheme: "tiered",
      tiers_mode: "graduated",
      unit_amount: null,
      unit_amount_decimal: null,
    };
    w.fake.data.prices.push({ ...item.price, id: "price_grad", tiers });
    w.fake.data.customers.push({
      ...customer("cus_tier", "Tiered Ltd"),
      discount: discount("cust20", { percentOff: 20, duration: "forever", start: "2024-01-01" }),
    });
    w.fake.data.subscriptions.push(sub as typeof sub & { id: string });
    const t = await w.addOrg("tiers");
    const created = event("customer.subscription.created", sub as Record<string, unknown>);
    expect((await post("tiers", created, t.secret)).status).toBe(200);
    await settle();
    const items = (await stripeItems(w.h.db, t.id)).filter((i) => i.externalId.startsWith("sub_tier/"));
    // Graduated: 5 × $5 + 5 × $4 + 2 × $3 + $10 flat = $61.00 a month, less the customer's 20% → $48.80.
    expect(items.map((i) => [i.externalId, i.mrr])).toEqual([["sub_tier/si_sub_tier", 4_880]]);
    expect(w.fake.requests).toContainEqual({
      path: "/v1/prices/price_grad",
      query: { "expand[0]": "tiers" },
    });
  });
});
