import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import {
  getCohorts,
  getMovementCustomers,
  getMovements,
  getMrrSeries,
  getSummary,
  getTopCustomers,
  type RevenueFilters,
} from "@/db/queries/revenue";
import { organizations } from "@/db/schema";
import { rebuildRevenue } from "@/lib/metrics/derive";
import { saveSubscriptionItem, type TCustomerInput, upsertCustomer } from "@/lib/revenue/items";
import { createTestDb } from "./helpers/db";

// Each filter on a hand-checked org: plans (MOV-1 over the customer's MRR on those plans), country,
// segment and industry (customer attributes, case-insensitive), and combinations.
let h: DbHandle;
let orgId: string;
const asOf = new Date("2024-12-15");

async function customer(
  attrs: Omit<TCustomerInput, "name">,
  items: [string, number, string, string | null, string | null][],
) {
  const c = await upsertCustomer(h.db, orgId, { ...attrs, name: `Customer ${attrs.externalId}` });
  for (const [externalId, cents, startDate, endDate, plan] of items) {
    await saveSubscriptionItem(h.db, orgId, {
      source: "manual",
      externalId,
      customerId: c.id,
      plan: plan ? { externalId: plan, name: plan === "pro" ? "Pro" : "Basic" } : null,
      quantity: 1,
      unitAmount: cents,
      currency: "USD",
      intervalUnit: "month",
      startDate,
      endDate,
    });
  }
}

beforeAll(async () => {
  h = await createTestDb();
  const [org] = await h.db.insert(organizations).values({ slug: "filters", name: "Filters" }).returning();
  orgId = org!.id;
  await customer({ externalId: "P1", country: "US", segment: "SMB", industry: "Software" }, [
    ["p1-basic", 5_000, "2024-01-01", "2024-04-01", "basic"],
    ["p1-pro", 15_000, "2024-04-01", null, "pro"],
  ]);
  await customer({ externalId: "P2", country: "DE", segment: "Enterprise", industry: "Fintech" }, [
    ["p2-pro", 20_000, "2024-01-01", "2024-03-01", "pro"],
    ["p2-basic", 3_000, "2024-05-01", null, "basic"],
    ["p2-pro-again", 20_000, "2024-08-01", null, "pro"],
  ]);
  await customer({ externalId: "P3", country: "us", segment: "smb", industry: "Retail" }, [
    ["p3", 7_000, "2024-02-01", null, null],
  ]);
  await rebuildRevenue(h.db, orgId, { asOf });
});
afterAll(() => h.close());

/** Non-zero movement amounts per month: "2024-04": { expansion: 10_000 }. */
async function moves(filters: RevenueFilters, from = "2024-01", to = "2024-12") {
  const out: Record<string, Record<string, number>> = {};
  for (const r of await getMovements(h.db, { orgId, from, to, filters })) {
    const amounts = Object.entries({
      new: r.new,
      expansion: r.expansion,
      reactivation: r.reactivation,
      contraction: r.contraction,
      churn: r.churn,
    }).filter(([, v]) => v !== 0);
    if (amounts.length) out[r.month] = Object.fromEntries(amounts);
    expect(r.endMrr).toBe(r.startMrr + r.new + r.expansion + r.reactivation - r.contraction - r.churn);
  }
  return out;
}

describe("filters", () => {
  it("no filter: every customer's total MRR", async () => {
    expect(await moves({})).toEqual({
      "2024-01": { new: 25_000 },
      "2024-02": { new: 7_000 },
      "2024-03": { churn: 20_000 },
      "2024-04": { expansion: 10_000 },
      "2024-05": { reactivation: 3_000 },
      "2024-08": { expansion: 20_000 },
    });
  });

  it("plan: movements of the MRR on those plans, reactivation judged on the whole history", async () => {
    expect(await moves({ plans: ["pro"] })).toEqual({
      "2024-01": { new: 20_000 },
      "2024-03": { churn: 20_000 },
      "2024-04": { new: 15_000 }, // P1's first month on Pro
      "2024-08": { reactivation: 20_000 }, // P2 had Pro before
    });
    expect(await moves({ plans: ["basic"] })).toEqual({
      "2024-01": { new: 5_000 },
      "2024-04": { churn: 5_000 }, // moving off Basic is churn under a Basic filter
      "2024-05": { new: 3_000 },
    });
    // A window that starts later still sees the earlier history.
    expect(await moves({ plans: ["pro"] }, "2024-08", "2024-08")).toEqual({
      "2024-08": { reactivation: 20_000 },
    });
    expect(await moves({ plans: ["pro"] }, "2024-03", "2024-04")).toEqual({
      "2024-03": { churn: 20_000 },
      "2024-04": { new: 15_000 },
    });
    expect(await moves({ plans: ["pro", "basic"] })).toEqual(
      await moves({}, "2024-01", "2024-12").then(withoutP3),
    );
    expect(await moves({ plans: ["no-such-plan"] })).toEqual({});
    const series = await getMrrSeries(h.db, {
      orgId,
      from: "2024-07",
      to: "2024-08",
      filters: { plans: ["pro"] },
    });
    expect(series).toEqual([
      { month: "2024-07", mrr: 15_000, activeCustomers: 1 },
      { month: "2024-08", mrr: 35_000, activeCustomers: 2 },
    ]);
  });

  it("country, segment and industry, case-insensitive, and combined with a plan", async () => {
    expect(await moves({ countries: ["us"] })).toEqual({
      "2024-01": { new: 5_000 },
      "2024-02": { new: 7_000 },
      "2024-04": { expansion: 10_000 },
    });
    expect(await moves({ segments: ["ENTERPRISE"] })).toEqual({
      "2024-01": { new: 20_000 },
      "2024-03": { churn: 20_000 },
      "2024-05": { reactivation: 3_000 },
      "2024-08": { expansion: 20_000 },
    });
    expect(await moves({ industries: ["retail"] })).toEqual({ "2024-02": { new: 7_000 } });
    expect(await moves({ countries: ["DE", "FR"], plans: ["pro"] })).toEqual({
      "2024-01": { new: 20_000 },
      "2024-03": { churn: 20_000 },
      "2024-08": { reactivation: 20_000 },
    });
    expect(await moves({ countries: ["US"], segments: ["enterprise"] })).toEqual({});
    // A value no customer has matches nothing; it is not "no filter".
    expect(await moves({ countries: ["ZZ"] })).toEqual({});
    expect(
      await getTopCustomers(h.db, { orgId, month: "2024-08", limit: 5, filters: { industries: ["Mining"] } }),
    ).toEqual([]);
    // Blank values are no filter.
    expect(await moves({ countries: [" "], plans: [] })).toEqual(await moves({}));
  });

  it("summary, cohorts, top customers and drill-down follow the filters", async () => {
    const pro = { plans: ["pro"] };
    expect(await getSummary(h.db, { orgId, month: "2024-08", filters: pro })).toMatchObject({
      mrr: 35_000,
      activeCustomers: 2,
      quickRatio: null,
      previous: { mrr: 15_000, activeCustomers: 1 },
    });
    expect(
      await getCohorts(h.db, {
        orgId,
        from: "2024-01",
        to: "2024-04",
        kind: "logo",
        format: "counts",
        filters: pro,
      }),
    ).toEqual({
      "2024-01": [1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1],
      "2024-02": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      "2024-03": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      "2024-04": [1, 1, 1, 1, 1, 1, 1, 1, 1],
    });
    expect(
      (await getTopCustomers(h.db, { orgId, month: "2024-08", limit: 5, filters: pro })).map((c) => [
        c.externalId,
        c.mrr,
        c.plans,
      ]),
    ).toEqual([
      ["P2", 20_000, ["Pro"]],
      ["P1", 15_000, ["Pro"]],
    ]);
    expect(
      (await getTopCustomers(h.db, { orgId, month: "2024-08", limit: 5 })).map((c) => [
        c.externalId,
        c.plans,
      ]),
    ).toEqual([
      ["P2", ["Basic", "Pro"]],
      ["P1", ["Pro"]],
      ["P3", []],
    ]);
    const [p1] = await getMovementCustomers(h.db, { orgId, month: "2024-04", kind: "new", filters: pro });
    expect(p1).toMatchObject({ externalId: "P1", mrrBefore: 0, mrrAfter: 15_000 });
    expect(p1!.items.map((i) => [i.externalId, i.change])).toEqual([["p1-pro", "started"]]);
    const [p1All] = await getMovementCustomers(h.db, { orgId, month: "2024-04", kind: "expansion" });
    expect(p1All!.items.map((i) => [i.externalId, i.change])).toEqual([
      ["p1-pro", "started"],
      ["p1-basic", "ended"],
    ]);
    expect(
      await getMovementCustomers(h.db, { orgId, month: "2024-08", kind: "reactivation", filters: pro }),
    ).toMatchObject([{ externalId: "P2", mrrBefore: 0, mrrAfter: 20_000 }]);
    expect(
      await getMovementCustomers(h.db, {
        orgId,
        month: "2024-04",
        kind: "expansion",
        filters: { countries: ["DE"] },
      }),
    ).toEqual([]);
  });
});

/** The unfiltered movements minus P3's (the only customer without a plan). */
function withoutP3(all: Record<string, Record<string, number>>) {
  const { "2024-02": _p3, ...rest } = all;
  return rest;
}
