import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import {
  countOrgData,
  getCustomer,
  getCustomerMrrHistory,
  listCustomerItems,
  listCustomers,
  monthOf,
} from "@/db/queries/customers";
import { customers, organizations, uploads } from "@/db/schema";
import { updateRevenueForCustomers } from "@/lib/metrics/derive";
import { setFxRate } from "@/lib/revenue/fx";
import { saveSubscriptionItem, type TItemInput, upsertCustomer } from "@/lib/revenue/items";
import { createTestDb } from "./helpers/db";

// The customer pages' reads on the real derived tables, at a fixed "today".
const asOf = new Date("2024-12-15T12:00:00Z");
let h: DbHandle;
let orgId: string;
let otherOrgId: string;
const ids: Record<string, string> = {};

async function addItem(customer: string, item: Omit<TItemInput, "source" | "customerId">) {
  await saveSubscriptionItem(h.db, orgId, { source: "manual", customerId: ids[customer]!, ...item });
}

beforeAll(async () => {
  h = await createTestDb();
  const [a, b] = await h.db
    .insert(organizations)
    .values([
      { slug: "cust-a", name: "Customers A" },
      { slug: "cust-b", name: "Customers B" },
    ])
    .returning();
  orgId = a!.id;
  otherOrgId = b!.id;
  for (const [externalId, name, country, segment] of [
    ["alpha", "Alpha", "DE", "SMB"],
    ["beta", "Beta", null, null],
    ["gamma", "Gamma", "FR", "Enterprise"],
    ["fifty-percent", "50% Off Co", null, null],
    ["five-hundred", "500 Corp", null, null],
  ] as const) {
    ids[externalId] = (await upsertCustomer(h.db, orgId, { externalId, name, country, segment })).id;
  }
  await h.db.insert(customers).values(
    Array.from({ length: 55 }, (_, i) => ({
      orgId,
      externalId: `zeta-${i + 1}`,
      name: `Zeta ${String(i + 1).padStart(2, "0")}`,
    })),
  );
  ids.other = (await upsertCustomer(h.db, otherOrgId, { externalId: "alpha", name: "Alpha of B" })).id;

  // MRR-1: $120/year with 10% off → $9.00.
  await addItem("alpha", {
    externalId: "alpha-yearly",
    plan: { externalId: "pro", name: "Pro" },
    quantity: 1,
    unitAmount: 12_000,
    currency: "USD",
    intervalUnit: "year",
    discountPercent: 10,
    startDate: "2024-11-01",
  });
  // 2 × $40/month from June; ends 10 December, so December's month end has nothing.
  await addItem("beta", {
    externalId: "beta-seats",
    plan: { externalId: "seat", name: "Seat" },
    quantity: 2,
    unitAmount: 4_000,
    currency: "USD",
    intervalUnit: "month",
    startDate: "2024-06-01",
    endDate: "2024-12-10",
  });
  // €100/month at 1.1 USD per EUR → $110.00; and an item that starts after "today".
  await setFxRate(h.db, { orgId, currency: "EUR", date: "2024-01-01", rate: "1.1" });
  await addItem("gamma", {
    externalId: "gamma-eur",
    quantity: 1,
    unitAmount: 10_000,
    currency: "EUR",
    intervalUnit: "month",
    startDate: "2024-12-01",
  });
  await addItem("gamma", {
    externalId: "gamma-later",
    quantity: 1,
    unitAmount: 30_000,
    currency: "USD",
    intervalUnit: "quarter",
    startDate: "2025-02-01",
  });
  await updateRevenueForCustomers(h.db, orgId, [ids.alpha!, ids.beta!, ids.gamma!], { asOf });
});
afterAll(() => h.close());

describe("listCustomers", () => {
  it("pages the org's customers by name, 50 a page, with current MRR and active items", async () => {
    const first = await listCustomers(h.db, { orgId, asOf });
    expect(first.total).toBe(60);
    expect(first.rows).toHaveLength(50);
    expect(first.rows.slice(0, 6)).toEqual([
      {
        id: ids["fifty-percent"],
        externalId: "fifty-percent",
        name: "50% Off Co",
        country: null,
        segment: null,
        mrr: 0,
        activeItems: 0,
      },
      {
        id: ids["five-hundred"],
        externalId: "five-hundred",
        name: "500 Corp",
        country: null,
        segment: null,
        mrr: 0,
        activeItems: 0,
      },
      {
        id: ids.alpha,
        externalId: "alpha",
        name: "Alpha",
        country: "DE",
        segment: "SMB",
        mrr: 900,
        activeItems: 1,
      },
      {
        id: ids.beta,
        externalId: "beta",
        name: "Beta",
        country: null,
        segment: null,
        mrr: 0,
        activeItems: 0,
      },
      {
        id: ids.gamma,
        externalId: "gamma",
        name: "Gamma",
        country: "FR",
        segment: "Enterprise",
        mrr: 11_000,
        activeItems: 1,
      },
      expect.objectContaining({ name: "Zeta 01", mrr: 0, activeItems: 0 }),
    ]);
    const second = await listCustomers(h.db, { orgId, asOf, page: 2 });
    expect(second.total).toBe(60);
    expect(second.rows.map((r) => r.name)).toEqual(
      Array.from({ length: 10 }, (_, i) => `Zeta ${String(46 + i).padStart(2, "0")}`),
    );
    expect((await listCustomers(h.db, { orgId, asOf, page: 3 })).rows).toEqual([]);
  });

  it("reads MRR at the month end of asOf's month: in November Beta still pays", async () => {
    const november = await listCustomers(h.db, { orgId, q: "beta", asOf: new Date("2024-11-20T00:00:00Z") });
    expect(november.rows).toMatchObject([{ name: "Beta", mrr: 8_000, activeItems: 1 }]);
  });

  it("searches names case-insensitively, LIKE wildcards as text, in the org only", async () => {
    const alp = await listCustomers(h.db, { orgId, q: "  alp ", asOf });
    expect(alp).toMatchObject({ total: 1, rows: [{ name: "Alpha" }] });
    expect((await listCustomers(h.db, { orgId, q: "50%", asOf })).rows.map((r) => r.name)).toEqual([
      "50% Off Co",
    ]);
    expect((await listCustomers(h.db, { orgId, q: "_", asOf })).total).toBe(0);
    expect((await listCustomers(h.db, { orgId, q: "zeta", asOf })).total).toBe(55);
    expect((await listCustomers(h.db, { orgId, q: "nobody", asOf })).rows).toEqual([]);
    const b = await listCustomers(h.db, { orgId: otherOrgId, asOf });
    expect(b).toMatchObject({ total: 1, rows: [{ name: "Alpha of B" }] });
  });
});

describe("customer detail reads", () => {
  it("finds a customer in its own org only", async () => {
    expect(await getCustomer(h.db, { orgId, customerId: ids.alpha! })).toMatchObject({ name: "Alpha" });
    expect(await getCustomer(h.db, { orgId, customerId: ids.other! })).toBeUndefined();
    expect(await getCustomer(h.db, { orgId: otherOrgId, customerId: ids.alpha! })).toBeUndefined();
  });

  it("gives the last 12 month ends, oldest first, 0 where there was no MRR", async () => {
    const beta = await getCustomerMrrHistory(h.db, { orgId, customerId: ids.beta!, asOf });
    expect(beta.map((m) => m.month)).toEqual([
      "2024-01-01",
      "2024-02-01",
      "2024-03-01",
      "2024-04-01",
      "2024-05-01",
      "2024-06-01",
      "2024-07-01",
      "2024-08-01",
      "2024-09-01",
      "2024-10-01",
      "2024-11-01",
      "2024-12-01",
    ]);
    expect(beta.map((m) => m.mrr)).toEqual([0, 0, 0, 0, 0, 8_000, 8_000, 8_000, 8_000, 8_000, 8_000, 0]);
    const alpha = await getCustomerMrrHistory(h.db, { orgId, customerId: ids.alpha!, asOf, months: 3 });
    expect(alpha).toEqual([
      { month: "2024-10-01", mrr: 0 },
      { month: "2024-11-01", mrr: 900 },
      { month: "2024-12-01", mrr: 900 },
    ]);
    // Another org's customer id reads as no history at all.
    const stranger = await getCustomerMrrHistory(h.db, { orgId: otherOrgId, customerId: ids.alpha!, asOf });
    expect(stranger.every((m) => m.mrr === 0)).toBe(true);
    expect(monthOf(asOf)).toBe("2024-12-01");
  });

  it("lists the customer's items newest first, with plan, price and MRR-1 in the reporting currency", async () => {
    const items = await listCustomerItems(h.db, { orgId, customerId: ids.gamma! });
    expect(items).toMatchObject([
      {
        externalId: "gamma-later",
        planName: null,
        unitAmount: 30_000,
        currency: "USD",
        intervalUnit: "quarter",
        mrr: 10_000,
        source: "manual",
      },
      {
        externalId: "gamma-eur",
        planName: null,
        unitAmount: 10_000,
        currency: "EUR",
        intervalUnit: "month",
        mrr: 11_000,
        endDate: null,
      },
    ]);
    expect(await listCustomerItems(h.db, { orgId, customerId: ids.alpha! })).toMatchObject([
      { planName: "Pro", discountPercent: "10.0000", mrr: 900, status: "active" },
    ]);
    expect(await listCustomerItems(h.db, { orgId: otherOrgId, customerId: ids.alpha! })).toEqual([]);
  });
});

describe("countOrgData", () => {
  it("counts the org's customers, items and completed uploads, never another org's", async () => {
    await h.db.insert(uploads).values([
      { orgId, filename: "done.csv", status: "complete" },
      { orgId, filename: "broken.csv", status: "failed" },
      { orgId: otherOrgId, filename: "theirs.csv", status: "complete" },
    ]);
    expect(await countOrgData(h.db, orgId)).toEqual({ customers: 60, items: 4, uploads: 1 });
    expect(await countOrgData(h.db, otherOrgId)).toEqual({ customers: 1, items: 0, uploads: 1 });
  });
});
