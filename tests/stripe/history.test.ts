import { describe, expect, it } from "vitest";
import {
  type BilledLine,
  failedAttempts,
  invoiceFacts,
  itemVersions,
  removedItemEnd,
  subscriptionHistory,
} from "@/lib/stripe/history";
import { mapSubscription, priceIdsToFetch } from "@/lib/stripe/mapping";
import type { SInvoice, SPrice, SSubscription } from "@/lib/stripe/types";
import { fixture, invoice, type LineSpec, stripePrice, subscription } from "./helpers";

// What invoices add to a subscription's current state: price/quantity history, removed items, unpaid since.
const unix = (day: string) => Math.floor(Date.parse(`${day}T12:00:00Z`) / 1000);
const line = (start: string, quantity: number, extra: Partial<BilledLine> = {}): BilledLine => ({
  subscriptionId: "sub_1",
  itemId: "si_1",
  priceId: "price_a",
  quantity,
  start: unix(start),
  end: unix(start) + 30 * 86_400,
  proration: false,
  amount: 1_000 * quantity,
  ...extra,
});

describe("invoiceFacts", () => {
  it("reads an API 2025 invoice (pay-rails invoice.payment_failed): lines under parent and pricing", () => {
    const { object } = fixture<{ object: SInvoice }>("pay-rails/stripe__invoice.payment_failed.json");
    expect(invoiceFacts(object)).toEqual({
      id: "in_1234",
      subscriptionId: "sub_1234",
      status: "open",
      attemptCount: 1,
      created: 1745433962,
      finalizedAt: 1745437578,
      lines: [
        {
          subscriptionId: "sub_1234",
          itemId: "si_1234",
          priceId: "price_1234",
          quantity: 1,
          start: 1745433906,
          end: 1776969906,
          proration: false,
          amount: 24_900,
        },
      ],
    });
  });

  it("reads an older API's lines (price object, subscription_item, type) and skips invoice items", () => {
    const inv = {
      id: "in_old",
      currency: "usd",
      created: unix("2024-02-01"),
      subscription: "sub_old",
      status: "paid",
      attempt_count: 1,
      lines: {
        data: [
          {
            type: "subscription",
            subscription_item: "si_old",
            price: stripePrice({ unitAmount: 2_000, priceId: "price_old" }) as SPrice,
            quantity: 3,
            period: { start: unix("2024-02-01"), end: unix("2024-03-01") },
            proration: false,
            amount: 6_000,
          },
          // The dj-stripe invoice item: a one-off charge that names a subscription item.
          fixture("dj-stripe/line_item_il_invoice_item_fakefakefakefakefake0001.json"),
        ],
      },
    } as SInvoice;
    const facts = invoiceFacts(inv);
    expect(facts.lines).toEqual([
      expect.objectContaining({
        subscriptionId: "sub_old",
        itemId: "si_old",
        priceId: "price_old",
        quantity: 3,
      }),
    ]);
  });

  it("failed attempts: every attempt but the one that paid", () => {
    expect(failedAttempts({ status: "paid", attemptCount: 1 })).toBe(0);
    expect(failedAttempts({ status: "paid", attemptCount: 3 })).toBe(2);
    expect(failedAttempts({ status: "open", attemptCount: 2 })).toBe(2);
    expect(failedAttempts({ status: "paid", attemptCount: 0 })).toBe(0);
    expect(failedAttempts({ status: "void", attemptCount: 4 })).toBe(4);
  });
});

describe("itemVersions", () => {
  it("a seat change billed with prorations dates from the change; the credit for unused time is skipped", () => {
    const lines = [
      line("2024-01-05", 5),
      line("2024-02-05", 5),
      line("2024-03-05", 5),
      line("2024-03-20", 5, { proration: true, amount: -800 }), // unused time on 5
      line("2024-03-20", 8, { proration: true, amount: 1_300 }), // remaining time on 8
      line("2024-04-05", 8),
    ];
    const current = { priceId: "price_a", quantity: 8, periodStart: "2024-04-05" };
    expect(itemVersions(lines, current)).toEqual([
      { from: null, priceId: "price_a", quantity: 5 },
      { from: "2024-03-20", priceId: "price_a", quantity: 8 },
    ]);
  });

  it("a price change billed at renewal dates from that period; no change gives one version", () => {
    const lines = [line("2024-01-05", 1), line("2024-02-05", 1, { priceId: "price_b" })];
    expect(itemVersions(lines, { priceId: "price_b", quantity: 1, periodStart: "2024-02-05" })).toEqual([
      { from: null, priceId: "price_a", quantity: 1 },
      { from: "2024-02-05", priceId: "price_b", quantity: 1 },
    ]);
    expect(itemVersions(lines.slice(0, 1), { priceId: "price_a", quantity: 1, periodStart: null })).toEqual([
      { from: null, priceId: "price_a", quantity: 1 },
    ]);
    expect(itemVersions([], { priceId: "price_a", quantity: 2, periodStart: "2024-05-05" })).toEqual([
      { from: null, priceId: "price_a", quantity: 2 },
    ]);
  });

  it("a change not invoiced yet counts from the current period's start, or the day after the last bill", () => {
    const lines = [line("2024-01-05", 1), line("2024-02-05", 1)];
    expect(itemVersions(lines, { priceId: "price_a", quantity: 4, periodStart: "2024-03-05" })).toEqual([
      { from: null, priceId: "price_a", quantity: 1 },
      { from: "2024-03-05", priceId: "price_a", quantity: 4 },
    ]);
    expect(itemVersions(lines, { priceId: "price_a", quantity: 4, periodStart: "2024-02-05" })).toEqual([
      { from: null, priceId: "price_a", quantity: 1 },
      { from: "2024-02-06", priceId: "price_a", quantity: 4 },
    ]);
  });

  it("a removed item ends at its credit for unused time, else where its last billed period ends", () => {
    const billed = [line("2024-01-05", 1), line("2024-02-05", 1)];
    expect(removedItemEnd(billed)).toBe("2024-03-06"); // 2024-02-05 12:00 + 30 days
    expect(removedItemEnd([...billed, line("2024-02-20", 1, { proration: true, amount: -500 })])).toBe(
      "2024-02-20",
    );
  });
});

describe("mapSubscription with the customer's invoices", () => {
  const lines = (
    item: string,
    priceId: string,
    amount: number,
    months: string[],
    extra: Partial<LineSpec> = {},
  ) =>
    months.map((m, k) => ({
      subscription: "sub_up",
      item,
      priceId,
      amount,
      period: [m, months[k + 1] ?? "2099-01-01"] as [string, string],
      ...extra,
    }));
  const invoices = [
    invoice({
      id: "in_jan",
      customer: "cus_up",
      subscription: "sub_up",
      created: "2024-01-05",
      lines: [
        ...lines("si_sub_up", "price_basic", 10_000, ["2024-01-05"]),
        ...lines("si_addon", "price_addon", 2_000, ["2024-01-05"]),
      ],
    }),
    invoice({
      id: "in_feb",
      customer: "cus_up",
      subscription: "sub_up",
      created: "2024-02-05",
      lines: [
        ...lines("si_sub_up", "price_basic", 10_000, ["2024-02-05"]),
        ...lines("si_addon", "price_addon", 2_000, ["2024-02-05"]),
      ],
    }),
    invoice({
      id: "in_mar",
      customer: "cus_up",
      subscription: "sub_up",
      created: "2024-03-05",
      lines: [
        ...lines("si_sub_up", "price_pro", 15_000, ["2024-03-05"]),
        // The add-on removed on 2024-03-15: credit for its unused time.
        {
          subscription: "sub_up",
          item: "si_addon",
          priceId: "price_addon",
          amount: -1_300,
          proration: true,
          period: ["2024-03-15", "2024-04-05"],
        },
      ],
    }),
  ].map((i) => invoiceFacts(i as unknown as SInvoice));
  const sub = subscription({
    id: "sub_up",
    customer: "cus_up",
    unitAmount: 15_000,
    priceId: "price_pro",
    start: "2024-01-05",
  }) as unknown as SSubscription;
  const prices = new Map<string, SPrice>([
    ["price_basic", stripePrice({ unitAmount: 10_000, priceId: "price_basic" }) as SPrice],
    ["price_addon", stripePrice({ unitAmount: 2_000, priceId: "price_addon" }) as SPrice],
  ]);

  it("splits the item at the billed upgrade and keeps the removed add-on for the months it was billed", () => {
    const m = mapSubscription(sub, new Map(), { prices, invoices });
    expect(m.warnings).toEqual([]);
    expect(
      m.items.map((i) => [i.externalId, i.plan?.externalId, i.unitAmount, i.startDate, i.endDate]),
    ).toEqual([
      ["sub_up/si_sub_up", "price_basic", 10_000, "2024-01-05", "2024-03-05"],
      ["sub_up/si_sub_up@2024-03-05", "price_pro", 15_000, "2024-03-05", null],
      ["sub_up/si_addon", "price_addon", 2_000, "2024-01-05", "2024-03-15"],
    ]);
  });

  it("names the prices to retrieve first, and reports a billed price it could not read", () => {
    expect(priceIdsToFetch(sub, invoices).sort()).toEqual(["price_addon", "price_basic"]);
    expect(priceIdsToFetch(sub, invoices, prices)).toEqual([]);
    const m = mapSubscription(sub, new Map(), { invoices });
    expect(m.warnings).toContain(
      "price price_basic (billed to si_sub_up): not retrieved, its period is left out",
    );
    expect(m.items[0]).toMatchObject({
      plan: { externalId: "price_pro" },
      startDate: "2024-01-05",
      endDate: null,
    });
  });

  it("without invoices the current state holds from the start (as before)", () => {
    const m = mapSubscription(sub);
    expect(m.items.map((i) => [i.externalId, i.unitAmount, i.startDate])).toEqual([
      ["sub_up/si_sub_up", 15_000, "2024-01-05"],
    ]);
  });

  it("a past-due subscription is past due since its oldest unpaid invoice, not its current period", () => {
    const due = {
      ...subscription({
        id: "sub_due",
        customer: "cus_due",
        unitAmount: 5_000,
        status: "past_due",
        start: "2024-01-10",
      }),
      current_period_start: unix("2024-04-10"),
    } as unknown as SSubscription;
    const unpaid = ["2024-03-10", "2024-04-10"].map((d, k) =>
      invoiceFacts(
        invoice({
          id: `in_due${k}`,
          customer: "cus_due",
          subscription: "sub_due",
          created: d,
          status: "open",
          attempts: 2,
          lines: [],
        }) as unknown as SInvoice,
      ),
    );
    expect(subscriptionHistory(unpaid, "sub_due").unpaidSince).toBe("2024-03-10");
    expect(mapSubscription(due, new Map(), { invoices: unpaid }).items[0]?.periods).toEqual([
      { kind: "past_due", startDate: "2024-03-10", endDate: null },
    ]);
    expect(mapSubscription(due).items[0]?.periods).toEqual([
      { kind: "past_due", startDate: "2024-04-10", endDate: null },
    ]);
  });
});
