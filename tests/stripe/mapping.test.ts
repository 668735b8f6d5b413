import { describe, expect, it } from "vitest";
import { itemMrr } from "@/lib/metrics/mrr";
import { mapSubscription, splitProportionally, tieredAmount } from "@/lib/stripe/mapping";
import type { SSubscription } from "@/lib/stripe/types";
import { discount, fixture, subscription } from "./helpers";

// METRICS.md MRR-1 on Stripe subscriptions, as pure mapping: exact cents per item.
const map = (spec: Parameters<typeof subscription>[0], opts?: { keepTax?: boolean }) =>
  mapSubscription(subscription(spec, opts) as unknown as SSubscription);
const mrr = (m: ReturnType<typeof map>) =>
  m.items.map((i) =>
    itemMrr({
      unitAmount: i.unitAmount,
      quantity: i.quantity,
      intervalUnit: i.intervalUnit,
      intervalCount: i.intervalCount ?? 1,
      discountPercent: i.discountPercent,
      discountAmount: i.discountAmount,
    }),
  );

describe("mapSubscription", () => {
  it("maps the recorded dj-stripe subscription: $20/month, its inclusive 15% VAT taken out", () => {
    const m = mapSubscription(
      fixture("dj-stripe/subscription_sub_fakefakefakefakefake0001.json") as unknown as SSubscription,
    );
    expect(m.items).toHaveLength(1);
    expect(m.items[0]).toMatchObject({
      externalId: "sub_fakefakefakefakefake0001/si_F5ukmkS6Bxi90Y",
      unitAmount: 1739, // 2000 × 100 / 115
      currency: "USD",
      intervalUnit: "month",
      startDate: "2019-06-02",
      endDate: null,
      status: "active",
      plan: { externalId: "gold21323", name: "New plan name" },
    });
  });

  it("reads an old API version's payload (pay-rails subscription.updated): `amount`, `start`, trial", () => {
    const { object } = fixture<{ object: SSubscription }>("pay-rails/stripe__subscription.updated.json");
    const m = mapSubscription(object);
    expect(m.items).toEqual([
      expect.objectContaining({
        externalId: "sub_00000000000000/si_00000000000000",
        unitAmount: 300,
        quantity: 2,
        startDate: "2016-06-24",
        endDate: "2017-02-23",
        status: "canceled",
        periods: [{ kind: "trialing", startDate: "2016-06-24", endDate: "2016-07-08" }],
      }),
    ]);
  });

  it("a yearly plan with quantity 4: 4 × $500 / 12 = $166.67", () => {
    const m = map({
      id: "sub_y",
      customer: "cus_y",
      unitAmount: 50_000,
      interval: "year",
      quantity: 4,
      start: "2024-01-10",
    });
    expect(mrr(m)).toEqual([16_667]);
  });

  it("forever and repeating discounts reduce MRR, once does not; repeating ends on its end date", () => {
    const forever = map({
      id: "sub_f",
      customer: "c",
      unitAmount: 120_000,
      interval: "year",
      start: "2024-01-01",
      discounts: [discount("f", { percentOff: 50, duration: "forever", start: "2024-01-01" })],
    });
    expect(mrr(forever)).toEqual([5_000]);
    const once = map({
      id: "sub_o",
      customer: "c",
      unitAmount: 1_000,
      start: "2024-01-01",
      discounts: [discount("o", { percentOff: 100, duration: "once", start: "2024-01-01" })],
    });
    expect(mrr(once)).toEqual([1_000]);
    const repeating = map({
      id: "sub_r",
      customer: "c",
      unitAmount: 10_000,
      start: "2024-01-15",
      discounts: [
        discount("r", {
          amountOff: 2_500,
          duration: "repeating",
          months: 3,
          start: "2024-02-01",
          end: "2024-05-01",
        }),
      ],
    });
    expect(repeating.items.map((i) => [i.externalId, i.startDate, i.endDate])).toEqual([
      ["sub_r/si_sub_r", "2024-01-15", "2024-02-01"],
      ["sub_r/si_sub_r@2024-02-01", "2024-02-01", "2024-05-01"],
      ["sub_r/si_sub_r@2024-05-01", "2024-05-01", null],
    ]);
    expect(mrr(repeating)).toEqual([10_000, 7_500, 10_000]);
  });

  it("trials, past due, pause, cancellation and metered prices", () => {
    const trial = map({
      id: "s1",
      customer: "c",
      unitAmount: 5_000,
      status: "trialing",
      start: "2024-03-01",
      trial: ["2024-03-01", "2024-03-15"],
    });
    expect(trial.items[0]?.periods).toEqual([
      { kind: "trialing", startDate: "2024-03-01", endDate: "2024-03-15" },
    ]);
    const pastDue = map({
      id: "s2",
      customer: "c",
      unitAmount: 5_000,
      status: "past_due",
      start: "2024-03-01",
    });
    expect(pastDue.items[0]).toMatchObject({
      status: "past_due",
      periods: [{ kind: "past_due", startDate: "2024-03-01", endDate: null }],
    });
    const canceled = map({
      id: "s3",
      customer: "c",
      unitAmount: 5_000,
      status: "canceled",
      start: "2024-03-01",
      endedAt: "2024-06-20",
    });
    expect(canceled.items[0]).toMatchObject({ status: "canceled", endDate: "2024-06-20" });
    const scheduled = map({
      id: "s4",
      customer: "c",
      unitAmount: 5_000,
      start: "2024-03-01",
      cancelAt: "2030-01-01",
    });
    expect(scheduled.items[0]).toMatchObject({ status: "active", endDate: "2030-01-01" });
    const metered = map({ id: "s5", customer: "c", unitAmount: 7, start: "2024-03-01", metered: true });
    expect(metered.items).toEqual([]);
    expect(metered.usagePriceIds).toEqual(["price_7_month"]);
    const paused = mapSubscription({
      ...subscription({ id: "s6", customer: "c", unitAmount: 5_000, start: "2024-03-01" }),
      pause_collection: { behavior: "void", resumes_at: Date.parse("2024-09-01T00:00:00Z") / 1000 },
    } as unknown as SSubscription);
    expect(paused.items[0]).toMatchObject({
      status: "paused",
      periods: [{ kind: "paused", startDate: "2024-03-01", endDate: "2024-09-01" }],
    });
    const incomplete = map({
      id: "s7",
      customer: "c",
      unitAmount: 5_000,
      status: "incomplete",
      start: "2024-03-01",
    });
    expect(incomplete.items).toEqual([]);
  });

  it("splits an amount exactly in proportion", () => {
    expect(splitProportionally(1_000, [1, 1, 1])).toEqual([334, 333, 333]);
    expect(splitProportionally(500, [3_000, 1_000])).toEqual([375, 125]);
    expect(splitProportionally(500, [0, 0])).toEqual([0, 0]);
  });
});

describe("tiered prices and customer-level discounts", () => {
  const TIERS = [
    { up_to: 5, unit_amount: 500, unit_amount_decimal: "500", flat_amount: null, flat_amount_decimal: null },
    { up_to: 10, unit_amount: 400, unit_amount_decimal: "400", flat_amount: null, flat_amount_decimal: null },
    {
      up_to: null,
      unit_amount: 300,
      unit_amount_decimal: "300",
      flat_amount: 1_000,
      flat_amount_decimal: "1000",
    },
  ];
  /** A 12-seat monthly subscription on a tiered price as Stripe lists it: no unit amount, no tiers. */
  function tiered(mode: "graduated" | "volume") {
    const sub = subscription({
      id: `sub_${mode}`,
      customer: "cus_t",
      unitAmount: 0,
      quantity: 12,
      start: "2024-01-10",
    });
    const item = sub.items.data[0] as { price: Record<string, unknown> };
    item.price = {
      ...item.price,
      id: `price_${mode}`,
      billing_scheme: "tiered",
      tiers_mode: mode,
      unit_amount: null,
      unit_amount_decimal: null,
    };
    const retrieved = { ...item.price, tiers: TIERS } as never;
    return { sub: sub as unknown as SSubscription, prices: new Map([[`price_${mode}`, retrieved]]) };
  }

  it("graduated: each tier's units at its rate plus the flat fee of every tier reached (5×$5 + 5×$4 + 2×$3 + $10)", () => {
    const { sub, prices } = tiered("graduated");
    expect(mrr(mapSubscription(sub, new Map(), { prices }))).toEqual([6_100]);
    expect(tieredAmount(TIERS, "graduated", 3)).toEqual([1_500n, 1n]);
  });

  it("volume: every unit at the tier the quantity falls in, plus that tier's flat fee (12×$3 + $10)", () => {
    const { sub, prices } = tiered("volume");
    expect(mrr(mapSubscription(sub, new Map(), { prices }))).toEqual([4_600]);
    expect(tieredAmount(TIERS, "volume", 5)).toEqual([2_500n, 1n]);
  });

  it("a tiered price whose tiers were not retrieved is reported, not guessed", () => {
    const { sub } = tiered("volume");
    const m = mapSubscription(sub);
    expect(m.items).toEqual([]);
    expect(m.warnings).toEqual(["price price_volume: tiered, but its tiers were not retrieved"]);
  });

  it("a customer's coupon applies to subscriptions without their own discount, and only to those", () => {
    const customerDiscount = discount("cust", {
      percentOff: 20,
      duration: "forever",
      start: "2024-01-01",
    }) as never;
    const plain = subscription({ id: "sub_p", customer: "cus_d", unitAmount: 10_000, start: "2024-01-10" });
    expect(mrr(mapSubscription(plain as unknown as SSubscription, new Map(), { customerDiscount }))).toEqual([
      8_000,
    ]);
    // Expanded on the subscription (the backfill lists subscriptions with expand=data.customer).
    const expanded = { ...plain, customer: { id: "cus_d", discount: customerDiscount } };
    expect(mrr(mapSubscription(expanded as unknown as SSubscription))).toEqual([8_000]);
    const own = {
      ...plain,
      discounts: [discount("own", { percentOff: 10, duration: "forever", start: "2024-01-01" })],
    };
    expect(mrr(mapSubscription(own as unknown as SSubscription, new Map(), { customerDiscount }))).toEqual([
      9_000,
    ]);
  });
});
