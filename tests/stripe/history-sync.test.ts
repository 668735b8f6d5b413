import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST } from "@/app/api/webhooks/stripe/[orgSlug]/route";
import { startBackfill } from "@/lib/stripe/backfill";
import {
  currentMonth,
  customer,
  event,
  invoice,
  type LineSpec,
  mrrAt,
  signedRequest,
  stripeItems,
  stripePrice,
  subscription,
} from "./helpers";
import { type StripeWorld, setupStripeWorld } from "./setup";

// Month-end MRR history from invoices, through both paths (webhook sync and backfill), against the fake
// Stripe API: an upgrade billed in March, an add-on removed mid-March, prices Stripe names by id only.
let w: StripeWorld;
let viaWebhook: { id: string; secret: string };
let viaBackfill: { id: string; secret: string };

const line = (item: string, priceId: string, amount: number, period: [string, string]): LineSpec => ({
  subscription: "sub_up",
  item,
  priceId,
  amount,
  period,
});

beforeAll(async () => {
  w = await setupStripeWorld();
  viaWebhook = await w.addOrg("hooked");
  viaBackfill = await w.addOrg("backfilled");
  w.fake.data.customers.push(customer("cus_up", "Upgrader Inc"));
  w.fake.data.subscriptions.push(
    subscription({
      id: "sub_up",
      customer: "cus_up",
      unitAmount: 15_000,
      priceId: "price_pro",
      start: "2024-01-05",
    }),
  );
  w.fake.data.prices.push(
    { ...stripePrice({ unitAmount: 10_000, priceId: "price_basic" }), id: "price_basic" },
    { ...stripePrice({ unitAmount: 2_000, priceId: "price_addon" }), id: "price_addon" },
  );
  const bill = (id: string, created: string, lines: LineSpec[], extraLines = 0) =>
    invoice({ id, customer: "cus_up", subscription: "sub_up", created, lines, extraLines });
  // Stripe lists newest first. February's invoice has ten one-off lines first: its subscription lines are
  // on the second page of its lines.
  w.fake.data.invoices.push(
    bill("in_mar", "2024-03-05", [
      line("si_sub_up", "price_pro", 15_000, ["2024-03-05", "2024-04-05"]),
      { ...line("si_addon", "price_addon", -1_300, ["2024-03-15", "2024-04-05"]), proration: true },
    ]),
    bill(
      "in_feb",
      "2024-02-05",
      [
        line("si_sub_up", "price_basic", 10_000, ["2024-02-05", "2024-03-05"]),
        line("si_addon", "price_addon", 2_000, ["2024-02-05", "2024-03-05"]),
      ],
      10,
    ),
    bill("in_jan", "2024-01-05", [
      line("si_sub_up", "price_basic", 10_000, ["2024-01-05", "2024-02-05"]),
      line("si_addon", "price_addon", 2_000, ["2024-01-05", "2024-02-05"]),
    ]),
  );
});
afterAll(() => w.close());

const history = async (orgId: string) => ({
  jan: await mrrAt(w.h.db, orgId, "2024-01"),
  feb: await mrrAt(w.h.db, orgId, "2024-02"),
  mar: await mrrAt(w.h.db, orgId, "2024-03"),
  now: await mrrAt(w.h.db, orgId, currentMonth()),
});

describe("Stripe history from invoices", () => {
  it("a webhook sync dates the upgrade and the removed add-on from the invoices", async () => {
    const body = event(
      "customer.subscription.updated",
      w.fake.data.subscriptions[0] as Record<string, unknown>,
    );
    const res = await POST(signedRequest("hooked", body, viaWebhook.secret), {
      params: Promise.resolve({ orgSlug: "hooked" }),
    });
    expect(res.status).toBe(200);
    await w.jobs.getRunner().waitForIdle();
    const items = await stripeItems(w.h.db, viaWebhook.id);
    expect(items.map((i) => [i.externalId, i.mrr, i.startDate, i.endDate])).toEqual([
      ["sub_up/si_addon", 2_000, "2024-01-05", "2024-03-15"],
      ["sub_up/si_sub_up", 10_000, "2024-01-05", "2024-03-05"],
      ["sub_up/si_sub_up@2024-03-05", 15_000, "2024-03-05", null],
    ]);
    // Before: $150 from January (the current price rewrote history). Now: $100 + $20 add-on until March.
    expect(await history(viaWebhook.id)).toEqual({ jan: 12_000, feb: 12_000, mar: 15_000, now: 15_000 });
    const paths = w.fake.requests.map((r) => r.path);
    expect(paths).toContain("/v1/invoices/in_feb/lines");
    expect(paths).toContain("/v1/prices/price_basic");
  });

  it("a backfill (invoices before subscriptions) writes the same items and history", async () => {
    const started = await startBackfill(w.h.db, viaBackfill.id);
    await w.jobs.sendEvent(w.jobs.stripeBackfillRequested.create({ orgId: viaBackfill.id, ...started }));
    await w.jobs.getRunner().waitForIdle();
    const sameOrg = (items: Awaited<ReturnType<typeof stripeItems>>) => items.map(({ orgId, ...i }) => i);
    expect(sameOrg(await stripeItems(w.h.db, viaBackfill.id))).toEqual(
      sameOrg(await stripeItems(w.h.db, viaWebhook.id)),
    );
    expect(await history(viaBackfill.id)).toEqual({ jan: 12_000, feb: 12_000, mar: 15_000, now: 15_000 });
  });
});
