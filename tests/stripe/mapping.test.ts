import { describe, expect, it } from "vitest";
import { itemMrr } from "@/lib/metrics/mrr";
import { mapSubscription, splitProportionally } from "@/lib/stripe/mapping";
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
