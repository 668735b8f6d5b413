import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { customerMovements, customerPlanChanges, organizations } from "@/db/schema";
import { rebuildRevenue, updateRevenueForCustomers } from "@/lib/metrics/derive";
import { setFxRate } from "@/lib/revenue/fx";
import {
  endSubscriptionItem,
  saveSubscriptionItem,
  type TItemInput,
  upsertCustomer,
} from "@/lib/revenue/items";
import { createTestDb } from "./helpers/db";

// MOV-1 on ChartMogul's lifecycle example, amounts exact to the cent, on the real derived tables.
const asOf = new Date("2024-12-15T12:00:00Z");
let h: DbHandle;
let orgId: string;

beforeAll(async () => {
  h = await createTestDb();
  const [org] = await h.db.insert(organizations).values({ slug: "life", name: "Lifecycle" }).returning();
  orgId = org!.id;
});
afterAll(() => h.close());

const movements = async (customerId: string) =>
  (
    await h.db
      .select()
      .from(customerMovements)
      .where(and(eq(customerMovements.orgId, orgId), eq(customerMovements.customerId, customerId)))
      .orderBy(customerMovements.month)
  ).map((m) => [m.month, m.kind, Math.abs(m.mrrAfter - m.mrrBefore)]);

describe("MOV-1 lifecycle (ChartMogul's example)", () => {
  it("new → expansion → contraction → churn → reactivation, and a plan switch is expansion", async () => {
    const a = await upsertCustomer(h.db, orgId, { externalId: "A", name: "Alpha" });
    const item = (
      over: Pick<TItemInput, "externalId" | "unitAmount" | "intervalUnit" | "startDate"> &
        Partial<TItemInput>,
    ): TItemInput => ({
      source: "manual" as const,
      customerId: a.id,
      quantity: 1,
      currency: "USD",
      intervalCount: 1,
      ...over,
    });
    await saveSubscriptionItem(
      h.db,
      orgId,
      item({
        externalId: "a-yearly",
        quantity: 4,
        unitAmount: 50_000,
        intervalUnit: "year",
        startDate: "2024-01-10",
      }),
    );
    await rebuildRevenue(h.db, orgId, { asOf });
    expect(await movements(a.id)).toEqual([["2024-01-01", "new", 16_667]]);

    const seats = await saveSubscriptionItem(
      h.db,
      orgId,
      item({
        externalId: "a-seats",
        quantity: 2,
        unitAmount: 3_000,
        intervalUnit: "month",
        startDate: "2024-02-05",
      }),
    );
    expect((await updateRevenueForCustomers(h.db, orgId, [a.id], { asOf })).mode).toBe("incremental");
    await endSubscriptionItem(h.db, { orgId, itemId: seats.id, endDate: "2024-03-15" });
    const yearly = await saveSubscriptionItem(
      h.db,
      orgId,
      item({
        externalId: "a-yearly",
        quantity: 4,
        unitAmount: 50_000,
        intervalUnit: "year",
        startDate: "2024-01-10",
        endDate: "2024-04-20",
      }),
    );
    expect(yearly.mrr).toBe(16_667);
    await saveSubscriptionItem(
      h.db,
      orgId,
      item({
        externalId: "a-return",
        quantity: 3,
        unitAmount: 5_000,
        intervalUnit: "month",
        startDate: "2024-08-03",
      }),
    );
    await updateRevenueForCustomers(h.db, orgId, [a.id], { asOf });
    expect(await movements(a.id)).toEqual([
      ["2024-01-01", "new", 16_667],
      ["2024-02-01", "expansion", 6_000],
      ["2024-03-01", "contraction", 6_000],
      ["2024-04-01", "churn", 16_667],
      ["2024-08-01", "reactivation", 15_000],
    ]);

    const b = await upsertCustomer(h.db, orgId, { externalId: "B", name: "Beta" });
    await saveSubscriptionItem(h.db, orgId, {
      source: "manual",
      externalId: "b-100",
      customerId: b.id,
      quantity: 1,
      unitAmount: 10_000,
      currency: "USD",
      intervalUnit: "month",
      startDate: "2024-01-01",
      endDate: "2024-05-01",
    });
    await saveSubscriptionItem(h.db, orgId, {
      source: "manual",
      externalId: "b-250",
      customerId: b.id,
      quantity: 1,
      unitAmount: 25_000,
      currency: "USD",
      intervalUnit: "month",
      startDate: "2024-05-01",
    });
    await updateRevenueForCustomers(h.db, orgId, [b.id], { asOf });
    expect(await movements(b.id)).toEqual([
      ["2024-01-01", "new", 10_000],
      ["2024-05-01", "expansion", 15_000],
    ]);
  });

  it("a customer who starts and cancels inside one month never appears (MRR-3)", async () => {
    const c = await upsertCustomer(h.db, orgId, { externalId: "C", name: "Gamma" });
    await saveSubscriptionItem(h.db, orgId, {
      source: "manual",
      externalId: "c-1",
      customerId: c.id,
      quantity: 1,
      unitAmount: 9_900,
      currency: "USD",
      intervalUnit: "month",
      startDate: "2024-06-03",
      endDate: "2024-06-20",
    });
    await updateRevenueForCustomers(h.db, orgId, [c.id], { asOf });
    expect(await movements(c.id)).toEqual([]);
  });

  it("trial and pause periods contribute 0; past-due counts until the org's cut-off", async () => {
    const d = await upsertCustomer(h.db, orgId, { externalId: "D", name: "Delta" });
    await saveSubscriptionItem(h.db, orgId, {
      source: "manual",
      externalId: "d-1",
      customerId: d.id,
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
    await updateRevenueForCustomers(h.db, orgId, [d.id], { asOf });
    expect(await movements(d.id)).toEqual([
      ["2024-02-01", "new", 5_000],
      ["2024-04-01", "churn", 5_000],
      ["2024-05-01", "reactivation", 5_000],
    ]);
    await h.db
      .update(organizations)
      .set({ settings: { pastDueChurnAfterDays: 30 } })
      .where(eq(organizations.id, orgId));
    await rebuildRevenue(h.db, orgId, { asOf });
    // Past due from 20 Sep: still counted at the end of September, churned by the end of October.
    expect((await movements(d.id)).at(-1)).toEqual(["2024-10-01", "churn", 5_000]);
    await h.db.update(organizations).set({ settings: {} }).where(eq(organizations.id, orgId));
    await rebuildRevenue(h.db, orgId, { asOf });
  });

  it("converts at the rate on the start date and refuses a currency without a rate", async () => {
    const e = await upsertCustomer(h.db, orgId, { externalId: "E", name: "Epsilon" });
    const eur = {
      source: "manual" as const,
      customerId: e.id,
      quantity: 1,
      unitAmount: 10_000,
      currency: "EUR",
      intervalUnit: "month" as const,
    };
    await expect(
      saveSubscriptionItem(h.db, orgId, { ...eur, externalId: "e-1", startDate: "2024-03-01" }),
    ).rejects.toThrow(/No exchange rate from EUR to USD on or before 2024-03-01/);
    await setFxRate(h.db, { orgId, currency: "EUR", date: "2024-01-01", rate: "1.1" });
    await setFxRate(h.db, { orgId, currency: "EUR", date: "2024-06-01", rate: "1.2" });
    expect(
      (await saveSubscriptionItem(h.db, orgId, { ...eur, externalId: "e-1", startDate: "2024-03-01" })).mrr,
    ).toBe(11_000);
    expect(
      (await saveSubscriptionItem(h.db, orgId, { ...eur, externalId: "e-2", startDate: "2024-07-01" })).mrr,
    ).toBe(12_000);
    await updateRevenueForCustomers(h.db, orgId, [e.id], { asOf });
    expect(await movements(e.id)).toEqual([
      ["2024-03-01", "new", 11_000],
      ["2024-07-01", "expansion", 12_000],
    ]);
  });

  it("a full rebuild equals the incremental state", async () => {
    const before = await h.db
      .select()
      .from(customerPlanChanges)
      .where(eq(customerPlanChanges.orgId, orgId))
      .orderBy(customerPlanChanges.customerId, customerPlanChanges.planId, customerPlanChanges.month);
    const beforeMov = await h.db
      .select()
      .from(customerMovements)
      .where(eq(customerMovements.orgId, orgId))
      .orderBy(customerMovements.customerId, customerMovements.month);
    await rebuildRevenue(h.db, orgId, { asOf });
    expect(
      await h.db
        .select()
        .from(customerPlanChanges)
        .where(eq(customerPlanChanges.orgId, orgId))
        .orderBy(customerPlanChanges.customerId, customerPlanChanges.planId, customerPlanChanges.month),
    ).toEqual(before);
    expect(
      await h.db
        .select()
        .from(customerMovements)
        .where(eq(customerMovements.orgId, orgId))
        .orderBy(customerMovements.customerId, customerMovements.month),
    ).toEqual(beforeMov);
  });
});
