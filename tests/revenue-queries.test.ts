import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import {
  getMovementCustomers,
  getMovements,
  getMrrSeries,
  getSummary,
  getTopCustomers,
} from "@/db/queries/revenue";
import { organizations } from "@/db/schema";
import { expectBridge, setupRevenueFixtures } from "./helpers/revenue-fixtures";

// Hand-checked cases of METRICS.md, built as subscription items and derived by rebuildRevenue.
const { db, newOrg, customer, rebuild } = setupRevenueFixtures();

describe("hand-checked metrics", () => {
  it("MOV-1: a $100/month plan switched to $250/month is expansion $150", async () => {
    const orgId = await newOrg("switch");
    await customer(orgId, "S", [
      ["s-100", 10_000, "2024-01-01", "2024-05-01", "basic"],
      ["s-250", 25_000, "2024-05-01", null, "pro"],
    ]);
    await rebuild(orgId);
    const [may] = await getMovements(db(), { orgId, from: "2024-05", to: "2024-05" });
    expect(may).toEqual({
      month: "2024-05",
      startMrr: 10_000,
      new: 0,
      expansion: 15_000,
      reactivation: 0,
      contraction: 0,
      churn: 0,
      endMrr: 25_000,
      activeCustomers: 1,
      newCustomers: 0,
      reactivatedCustomers: 0,
      churnedCustomers: 0,
    });
    // Drill-down: both items changed, the new one started and the old one ended.
    const [who] = await getMovementCustomers(db(), { orgId, month: "2024-05", kind: "expansion" });
    expect(who).toMatchObject({ externalId: "S", name: "Customer S", mrrBefore: 10_000, mrrAfter: 25_000 });
    expect(
      who!.items.map((i) => [i.externalId, i.planExternalId, i.mrrBefore, i.mrrAfter, i.change]),
    ).toEqual([
      ["s-250", "pro", 0, 25_000, "started"],
      ["s-100", "basic", 10_000, 0, "ended"],
    ]);
    expect(await getMovementCustomers(db(), { orgId, month: "2024-05", kind: "churn" })).toEqual([]);
  });

  it("RATE-1/2/3, QR-1, GROW-1: start $100, churn $10, contraction $10, expansion $10", async () => {
    const orgId = await newOrg("rates");
    await customer(orgId, "A", [["a", 1_000, "2024-01-01", "2024-06-10"]]); // churns in June
    await customer(orgId, "B", [
      ["b-20", 2_000, "2024-01-01", "2024-06-01"],
      ["b-10", 1_000, "2024-06-01"],
    ]); // contraction $10
    await customer(orgId, "C", [
      ["c-10", 1_000, "2024-01-01"],
      ["c-plus", 1_000, "2024-06-05"],
    ]); // expansion $10
    await customer(orgId, "D", [["d", 6_000, "2024-01-01"]]);
    await rebuild(orgId);
    const s = await getSummary(db(), { orgId, month: "2024-06" });
    expect(s).toMatchObject({
      month: "2024-06",
      currency: "USD",
      mrr: 9_000,
      arr: 108_000,
      activeCustomers: 3,
      grossMrrChurnRate: 0.2,
      netMrrChurnRate: 0.1,
      customerChurnRate: 0.25,
      quickRatio: 0.5,
      mrrGrowthRate: -0.1,
      arpa: 3_000,
      // No month before June lost a customer: LTV-1's mean churn is 0, so LTV is undefined.
      ltv: null,
      // Nobody had MRR twelve months earlier: RATE-6/7 undefined.
      nrr12: null,
      grr12: null,
    });
    expect(s.previous).toMatchObject({
      month: "2024-05",
      mrr: 10_000,
      activeCustomers: 4,
      grossMrrChurnRate: 0,
      netMrrChurnRate: 0,
      customerChurnRate: 0,
      quickRatio: null,
      mrrGrowthRate: 0,
    });
    const january = await getSummary(db(), { orgId, month: "2024-01" });
    // Every denominator is MRR(Dec) or Active(Dec) = 0: undefined, not 0.
    expect(january).toMatchObject({
      mrr: 10_000,
      customerChurnRate: null,
      grossMrrChurnRate: null,
      netMrrChurnRate: null,
      mrrGrowthRate: null,
      quickRatio: null,
    });
    expect(january.previous).toMatchObject({ mrr: 0, arpa: null, activeCustomers: 0, ltv: null });
    expectBridge(await getMovements(db(), { orgId, from: "2023-11", to: "2024-12" }));
  });

  it("ARPA-1: 100/100/300/500/500 gives 300; top customers at that month end", async () => {
    const orgId = await newOrg("arpa");
    const amounts = [10_000, 10_000, 30_000, 50_000, 50_000];
    for (const [i, cents] of amounts.entries()) {
      await customer(orgId, `K${i}`, [[`k${i}`, cents, `2024-0${i + 1}-01`, null, i % 2 ? "pro" : "basic"]]);
    }
    await rebuild(orgId);
    const s = await getSummary(db(), { orgId, month: "2024-06" });
    expect(s).toMatchObject({ mrr: 150_000, activeCustomers: 5, arpa: 30_000 });
    expect(await getTopCustomers(db(), { orgId, month: "2024-06", limit: 3 })).toEqual([
      expect.objectContaining({ externalId: "K3", mrr: 50_000, plans: ["PRO"], customerSince: "2024-04" }),
      expect.objectContaining({ externalId: "K4", mrr: 50_000, plans: ["BASIC"], customerSince: "2024-05" }),
      expect.objectContaining({ externalId: "K2", mrr: 30_000, plans: ["BASIC"], customerSince: "2024-03" }),
    ]);
    expect(await getTopCustomers(db(), { orgId, month: "2024-02", limit: 10 })).toHaveLength(2);
  });

  it("RATE-6/7: NRR12 and GRR12 over the customers of m−12; GRR12 never above 1", async () => {
    const orgId = await newOrg("nrr");
    await customer(orgId, "A", [
      ["a-1", 10_000, "2023-10-01"],
      ["a-2", 30_000, "2024-06-01"],
    ]); // 100 → 400
    await customer(orgId, "B", [
      ["b-1", 10_000, "2023-10-01", "2024-07-01"],
      ["b-2", 5_000, "2024-07-01"],
    ]); // 100 → 50
    await customer(orgId, "C", [["c-1", 10_000, "2023-10-01", "2024-03-01"]]); // churned
    await customer(orgId, "D", [["d-1", 50_000, "2024-02-01"]]); // not in S
    await customer(orgId, "E", [
      ["e-1", 10_000, "2023-10-01", "2024-04-01"],
      ["e-2", 20_000, "2024-12-01"],
    ]); // churned, back at 200 in December
    await rebuild(orgId);
    const s = await getSummary(db(), { orgId, month: "2024-12" });
    // S = {A, B, C, E}, base 400: now 400 + 50 + 0 + 200; retained min(·) 100 + 50 + 0 + 100.
    expect(s.nrr12).toBe(65_000 / 40_000);
    expect(s.grr12).toBe(25_000 / 40_000);
    // November: E not back yet.
    expect(s.previous.nrr12).toBe(45_000 / 40_000);
    expect(s.previous.grr12).toBe(15_000 / 40_000);
    expect(s.grr12!).toBeLessThanOrEqual(1);
    expect(s.nrr12!).toBeGreaterThan(1);
  });

  it("LTV-1: ARPA × gross margin / mean RATE-1 of m−6..m−1", async () => {
    const orgId = await newOrg("ltv", { grossMarginPercent: 80 });
    for (let i = 0; i < 10; i++) {
      // Customer 0 churns in March, 1 in May, 2 in August (the current month, excluded from the mean).
      const end = ["2024-03-15", "2024-05-15", "2024-08-15"][i] ?? null;
      await customer(orgId, `L${i}`, [[`l${i}`, 10_000, "2024-01-01", end]]);
    }
    // Replacements keep Active at 10 through July.
    await customer(orgId, "R1", [["r1", 10_000, "2024-03-01"]]);
    await customer(orgId, "R2", [["r2", 10_000, "2024-05-01"]]);
    await rebuild(orgId);
    const s = await getSummary(db(), { orgId, month: "2024-08" });
    // RATE-1 Feb..Jul = 0, .1, 0, .1, 0, 0 → mean 1/30; ARPA $100 (9 customers, $900).
    expect(s).toMatchObject({ activeCustomers: 9, arpa: 10_000, customerChurnRate: 0.1 });
    expect(s.ltv).toBe(240_000); // $100 × 0.8 × 30
    // July: RATE-1 of January is undefined (nobody active in December) and drops out: mean .2/5.
    expect(s.previous.ltv).toBe(200_000);
    await db().update(organizations).set({ settings: {} }).where(eq(organizations.id, orgId));
    expect((await getSummary(db(), { orgId, month: "2024-08" })).ltv).toBe(300_000); // default margin 100%
  });

  it("QR-1 counts reactivation; CUS-1 counts each case", async () => {
    const orgId = await newOrg("quick");
    await customer(orgId, "N", [["n", 10_000, "2024-04-01"]]); // new 100
    await customer(orgId, "X", [
      ["x-1", 10_000, "2024-01-01"],
      ["x-2", 5_000, "2024-04-02"],
    ]); // expansion 50
    await customer(orgId, "R", [
      ["r-1", 5_000, "2024-01-01", "2024-02-01"],
      ["r-2", 5_000, "2024-04-01"],
    ]); // churn in Feb, reactivation 50 in April
    await customer(orgId, "Y", [["y", 4_000, "2024-01-01", "2024-04-10"]]); // churn 40
    await customer(orgId, "Z", [
      ["z-1", 16_000, "2024-01-01", "2024-04-01"],
      ["z-2", 10_000, "2024-04-01"],
    ]); // contraction 60
    await rebuild(orgId);
    const [april] = await getMovements(db(), { orgId, from: "2024-04", to: "2024-04" });
    expect(april).toMatchObject({
      startMrr: 30_000,
      new: 10_000,
      expansion: 5_000,
      reactivation: 5_000,
      contraction: 6_000,
      churn: 4_000,
      endMrr: 40_000,
      activeCustomers: 4,
      newCustomers: 1,
      reactivatedCustomers: 1,
      churnedCustomers: 1,
    });
    const s = await getSummary(db(), { orgId, month: "2024-04" });
    expect(s.quickRatio).toBe(2); // (100 + 50 + 50) / (40 + 60); 1.5 without reactivation
    expect(s.mrrGrowthRate).toBe(1 / 3);
    expect(s.customerChurnRate).toBe(1 / 3); // Y of X, Y, Z at the end of March
    const series = await getMrrSeries(db(), { orgId, from: "2023-12", to: "2024-04" });
    expect(series).toEqual([
      { month: "2023-12", mrr: 0, activeCustomers: 0 },
      { month: "2024-01", mrr: 35_000, activeCustomers: 4 },
      { month: "2024-02", mrr: 30_000, activeCustomers: 3 },
      { month: "2024-03", mrr: 30_000, activeCustomers: 3 },
      { month: "2024-04", mrr: 40_000, activeCustomers: 4 },
    ]);
    const [reactivated] = await getMovementCustomers(db(), { orgId, month: "2024-04", kind: "reactivation" });
    expect(reactivated).toMatchObject({ externalId: "R", mrrBefore: 0, mrrAfter: 5_000 });
  });
});
