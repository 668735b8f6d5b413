import { afterAll, beforeAll, expect } from "vitest";
import type { DbHandle } from "@/db/client";
import type { MovementMonth } from "@/db/queries/revenue";
import { type OrgSettings, organizations } from "@/db/schema";
import { rebuildRevenue } from "@/lib/metrics/derive";
import { saveSubscriptionItem, upsertCustomer } from "@/lib/revenue/items";
import { createTestDb } from "./db";

/**
 * Hand-checked revenue data for the query tests: a fresh database per file, orgs, customers with monthly
 * USD items, a rebuild at a fixed date, and the MOV-2 / CUS-1 bridge check.
 */
export function setupRevenueFixtures() {
  let handle: DbHandle | undefined;
  beforeAll(async () => {
    handle = await createTestDb();
  });
  afterAll(() => handle?.close());
  const db = () => {
    if (!handle) throw new Error("the test database is not ready yet");
    return handle.db;
  };

  async function newOrg(slug: string, settings: OrgSettings = {}) {
    const [org] = await db().insert(organizations).values({ slug, name: slug, settings }).returning();
    if (!org) throw new Error("no org");
    return org.id;
  }

  /** A customer with monthly items: [external id, cents per month, start, end?, plan?]. */
  async function customer(
    orgId: string,
    externalId: string,
    items: [string, number, string, (string | null)?, string?][],
  ) {
    const c = await upsertCustomer(db(), orgId, { externalId, name: `Customer ${externalId}` });
    for (const [itemId, cents, startDate, endDate, plan] of items) {
      await saveSubscriptionItem(db(), orgId, {
        source: "manual",
        externalId: itemId,
        customerId: c.id,
        plan: plan ? { externalId: plan, name: plan.toUpperCase() } : null,
        quantity: 1,
        unitAmount: cents,
        currency: "USD",
        intervalUnit: "month",
        startDate,
        endDate: endDate ?? null,
      });
    }
    return c.id;
  }

  const rebuild = (orgId: string, asOf = "2025-01-15") =>
    rebuildRevenue(db(), orgId, { asOf: new Date(asOf) });

  return { db, newOrg, customer, rebuild };
}

/** MOV-2 on every row, and each month starts where the previous ended (money and CUS-1 counts). */
export function expectBridge(rows: MovementMonth[]) {
  rows.forEach((r, i) => {
    expect(r.endMrr, `MOV-2 ${r.month}`).toBe(
      r.startMrr + r.new + r.expansion + r.reactivation - r.contraction - r.churn,
    );
    const prev = rows[i - 1];
    if (!prev) return;
    expect(r.startMrr).toBe(prev.endMrr);
    expect(r.activeCustomers, `CUS-1 bridge ${r.month}`).toBe(
      prev.activeCustomers + r.newCustomers + r.reactivatedCustomers - r.churnedCustomers,
    );
  });
}
