import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { customers, organizations, subscriptionItems } from "@/db/schema";
import { createTestDb, manualItemRow } from "./helpers/db";

// The database itself keeps an item with a customer of its own org (migration 0013), whatever the code
// that writes it; the app's own checks (saveSubscriptionItem, imports) come before this one.
let h: DbHandle;
const org: Record<string, string> = {};
const customer: Record<string, string> = {};

beforeAll(async () => {
  h = await createTestDb();
  for (const slug of ["tenant-a", "tenant-b"]) {
    const [o] = await h.db.insert(organizations).values({ slug, name: slug }).returning();
    org[slug] = o!.id;
    const [c] = await h.db
      .insert(customers)
      .values({ orgId: o!.id, externalId: "c1", name: `Customer of ${slug}` })
      .returning();
    customer[slug] = c!.id;
  }
});
afterAll(() => h?.close());

const item = (orgSlug: string, customerSlug: string, externalId: string) =>
  manualItemRow(org[orgSlug]!, customer[customerSlug]!, externalId);

describe("subscription items and their customer's org", () => {
  it("refuses an item that names another org's customer", async () => {
    await h.db.insert(subscriptionItems).values(item("tenant-a", "tenant-a", "own"));
    const crossed = h.db.insert(subscriptionItems).values(item("tenant-b", "tenant-a", "crossed"));
    const error = await crossed.then(
      () => null,
      (e: Error) => e,
    );
    expect(String(error?.cause ?? error)).toMatch(/subscription_items_org_customer_fk/);
    const rows = await h.db
      .select({ externalId: subscriptionItems.externalId })
      .from(subscriptionItems)
      .where(eq(subscriptionItems.orgId, org["tenant-b"]!));
    expect(rows).toEqual([]);
  });

  it("deleting an org deletes its items through its customers, and nothing of another org", async () => {
    await h.db.insert(subscriptionItems).values(item("tenant-b", "tenant-b", "b-own"));
    await h.db.delete(organizations).where(eq(organizations.id, org["tenant-b"]!));
    const left = await h.db.select({ externalId: subscriptionItems.externalId }).from(subscriptionItems);
    expect(left.map((r) => r.externalId).sort()).toEqual(["own"]);
  });
});
