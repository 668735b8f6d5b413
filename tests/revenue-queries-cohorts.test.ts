import { beforeAll, describe, expect, it } from "vitest";
import {
  countMovementCustomers,
  getCohorts,
  getMovementCustomers,
  getMovements,
  getMrrSeries,
  getSummary,
} from "@/db/queries/revenue";
import { saveSubscriptionItem, upsertCustomer } from "@/lib/revenue/items";
import { expectBridge, setupRevenueFixtures } from "./helpers/revenue-fixtures";

// COH-1 cohorts, the MRR series and the drill-down on hand-checked data built as subscription items.
const { db, newOrg, customer, rebuild } = setupRevenueFixtures();

describe("COH-1 cohorts and drill-down", () => {
  let orgId: string;
  beforeAll(async () => {
    orgId = await newOrg("cohorts");
    await customer(orgId, "E", [["e", 9_000, "2023-12-01"]]); // cohort 2023-12: outside the range
    await customer(orgId, "A", [["a", 10_000, "2024-01-01"]]);
    await customer(orgId, "B", [["b", 20_000, "2024-01-01", "2024-03-10"]]); // churns in March
    await customer(orgId, "C", [
      ["c-1", 10_000, "2024-01-01", "2024-04-05"],
      ["c-2", 20_000, "2024-02-01", "2024-04-05"], // expansion in Feb, churn in April
      ["c-3", 5_000, "2024-05-01"], // reactivation in May
    ]);
    await customer(orgId, "D", [["d", 5_000, "2024-03-01"]]);
    await rebuild(orgId, "2024-05-15");
  });

  it("logo and revenue retention, counts and percentages, up to the last month with data", async () => {
    const range = { orgId, from: "2024-01", to: "2024-03" };
    expect(await getCohorts(db(), { ...range, kind: "logo", format: "counts" })).toEqual({
      "2024-01": [3, 3, 2, 1, 2],
      "2024-02": [0, 0, 0, 0],
      "2024-03": [1, 1, 1],
    });
    expect(await getCohorts(db(), { ...range, kind: "logo", format: "percent" })).toEqual({
      "2024-01": [1, 1, 2 / 3, 1 / 3, 2 / 3],
      "2024-02": [null, null, null, null],
      "2024-03": [1, 1, 1],
    });
    expect(await getCohorts(db(), { ...range, kind: "revenue", format: "counts" })).toEqual({
      "2024-01": [40_000, 60_000, 40_000, 10_000, 15_000],
      "2024-02": [0, 0, 0, 0],
      "2024-03": [5_000, 5_000, 5_000],
    });
    expect(await getCohorts(db(), { ...range, kind: "revenue", format: "percent" })).toEqual({
      "2024-01": [1, 1.5, 1, 0.25, 0.375],
      "2024-02": [null, null, null, null],
      "2024-03": [1, 1, 1],
    });
    // A range past the data stops at its last month.
    expect(
      Object.keys(
        await getCohorts(db(), { orgId, from: "2024-04", to: "2024-09", kind: "logo", format: "counts" }),
      ),
    ).toEqual(["2024-04", "2024-05"]);
  });

  it("drill-down: the customers behind a movement, their MRR either side, and the items that changed", async () => {
    expect(await getMovementCustomers(db(), { orgId, month: "2024-04", kind: "churn" })).toEqual([
      {
        customerId: expect.any(String),
        externalId: "C",
        name: "Customer C",
        mrrBefore: 30_000,
        mrrAfter: 0,
        items: [
          expect.objectContaining({ externalId: "c-2", mrrBefore: 20_000, mrrAfter: 0, change: "ended" }),
          expect.objectContaining({ externalId: "c-1", mrrBefore: 10_000, mrrAfter: 0, change: "ended" }),
        ],
      },
    ]);
    const [expansion] = await getMovementCustomers(db(), { orgId, month: "2024-02", kind: "expansion" });
    expect(expansion!.items).toEqual([
      expect.objectContaining({
        externalId: "c-2",
        source: "manual",
        status: "active",
        startDate: "2024-02-01",
        endDate: "2024-04-05",
        mrrBefore: 0,
        mrrAfter: 20_000,
        change: "started",
      }),
    ]);
    const news = await getMovementCustomers(db(), { orgId, month: "2024-01", kind: "new" });
    // Largest movement first, then by name.
    expect(news.map((c) => [c.externalId, c.mrrAfter])).toEqual([
      ["B", 20_000],
      ["A", 10_000],
      ["C", 10_000],
    ]);
    const page = await getMovementCustomers(db(), {
      orgId,
      month: "2024-01",
      kind: "new",
      limit: 2,
      offset: 1,
    });
    expect(page.map((c) => [c.externalId, c.items.length])).toEqual([
      ["A", 1],
      ["C", 1],
    ]);
    expect(await countMovementCustomers(db(), { orgId, month: "2024-01", kind: "new" })).toBe(3);
    for (const c of news) {
      expect(c.items.reduce((s, i) => s + i.mrrAfter - i.mrrBefore, 0)).toBe(c.mrrAfter - c.mrrBefore);
    }
  });

  it("drill-down applies trial, pause and past-due periods as the derived tables do", async () => {
    const org = await newOrg("periods", { pastDueChurnAfterDays: 30 });
    const c = await upsertCustomer(db(), org, { externalId: "P", name: "Paused" });
    await saveSubscriptionItem(db(), org, {
      source: "manual",
      externalId: "p-1",
      customerId: c.id,
      quantity: 1,
      unitAmount: 5_000,
      currency: "USD",
      intervalUnit: "month",
      startDate: "2024-01-01",
      periods: [
        { kind: "trialing", startDate: "2024-01-01", endDate: "2024-02-01" },
        { kind: "paused", startDate: "2024-04-10", endDate: "2024-05-05" },
        { kind: "past_due", startDate: "2024-09-20", endDate: null },
      ],
    });
    await rebuild(org, "2024-12-15");
    const changes = async (month: string, kind: "new" | "churn" | "reactivation") =>
      (await getMovementCustomers(db(), { orgId: org, month, kind })).map((x) =>
        x.items.map((i) => [i.externalId, i.mrrBefore, i.mrrAfter, i.change]),
      );
    expect(await changes("2024-02", "new")).toEqual([[["p-1", 0, 5_000, "started"]]]); // trial over
    expect(await changes("2024-04", "churn")).toEqual([[["p-1", 5_000, 0, "ended"]]]); // paused
    expect(await changes("2024-05", "reactivation")).toEqual([[["p-1", 0, 5_000, "started"]]]);
    expect(await changes("2024-10", "churn")).toEqual([[["p-1", 5_000, 0, "ended"]]]); // 30 days past due
  });

  it("the series has every month, zeros included, and stops at the last month with data", async () => {
    const series = await getMrrSeries(db(), { orgId, from: "2023-11", to: "2024-12" });
    expect(series.map((p) => p.month)).toEqual([
      "2023-11",
      "2023-12",
      "2024-01",
      "2024-02",
      "2024-03",
      "2024-04",
      "2024-05",
    ]);
    expect(series.map((p) => p.mrr)).toEqual([0, 9_000, 49_000, 69_000, 54_000, 24_000, 29_000]);
    expectBridge(await getMovements(db(), { orgId, from: "2023-11", to: "2024-05" }));
    await expect(getSummary(db(), { orgId, month: "2024-06" })).rejects.toMatchObject({ status: 422 });
  });
});
