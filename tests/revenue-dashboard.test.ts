import { afterAll, beforeAll, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { getFilterOptions, hasRevenue } from "@/db/queries/revenue-dashboard";
import { organizations } from "@/db/schema";
import { rebuildRevenue } from "@/lib/metrics/derive";
import { saveSubscriptionItem, upsertCustomer } from "@/lib/revenue/items";
import { createTestDb } from "./helpers/db";

// The ARR dashboard's filter choices: one org's plans and distinct customer attributes, case folded.
let h: DbHandle;
let orgId: string;
let otherOrgId: string;

beforeAll(async () => {
  h = await createTestDb();
  const [org, other] = await h.db
    .insert(organizations)
    .values([
      { slug: "options", name: "Options" },
      { slug: "options-other", name: "Other" },
    ])
    .returning();
  orgId = org!.id;
  otherOrgId = other!.id;
  const a = await upsertCustomer(h.db, orgId, { externalId: "A", name: "A", country: "US", segment: "SMB" });
  await upsertCustomer(h.db, orgId, { externalId: "B", name: "B", country: "us", industry: "Retail" });
  await upsertCustomer(h.db, orgId, { externalId: "C", name: "C", country: "DE", segment: " " });
  await upsertCustomer(h.db, otherOrgId, { externalId: "X", name: "X", country: "FR", segment: "Secret" });
  await saveSubscriptionItem(h.db, orgId, {
    source: "manual",
    externalId: "a1",
    customerId: a.id,
    plan: { externalId: "pro", name: "Pro" },
    quantity: 1,
    unitAmount: 1_000,
    currency: "USD",
    intervalUnit: "month",
    startDate: "2024-01-01",
    endDate: null,
  });
  await rebuildRevenue(h.db, orgId, { asOf: new Date("2024-03-15") });
});
afterAll(() => h.close());

it("lists the org's plans and distinct attributes, never another org's", async () => {
  expect(await getFilterOptions(h.db, { orgId })).toEqual({
    plans: [{ externalId: "pro", name: "Pro" }],
    countries: ["DE", "US"],
    segments: ["SMB"],
    industries: ["Retail"],
  });
  expect(await getFilterOptions(h.db, { orgId: otherOrgId })).toEqual({
    plans: [],
    countries: ["FR"],
    segments: ["Secret"],
    industries: [],
  });
});

it("knows whether an org has revenue", async () => {
  expect(await hasRevenue(h.db, { orgId })).toBe(true);
  expect(await hasRevenue(h.db, { orgId: otherOrgId })).toBe(false);
});
