import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { getMovements } from "@/db/queries/revenue";
import { queryRows } from "@/db/rows";
import { organizations, revenueDerivedState } from "@/db/schema";
import { revenueRefresh } from "@/inngest/functions/revenue-refresh";
import { createRunner } from "@/inngest/runner";
import { orgsNeedingRebuild, updateRevenueForCustomers } from "@/lib/metrics/derive";
import { saveSubscriptionItem, upsertCustomer } from "@/lib/revenue/items";
import { createTestDb } from "./helpers/db";

// The revenue-refresh job: orgs whose derived tables are missing or end before this month get rebuilt.
let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

const quiet = { info: () => {}, debug: () => {}, warn: () => {}, error: () => {} };
const thisMonth = new Date().toISOString().slice(0, 7);

async function orgWithItem(slug: string, derive: boolean) {
  const [org] = await h.db.insert(organizations).values({ slug, name: slug }).returning();
  const orgId = org!.id;
  const c = await upsertCustomer(h.db, orgId, { externalId: "c1", name: "One" });
  await saveSubscriptionItem(h.db, orgId, {
    source: "manual",
    externalId: "i1",
    customerId: c.id,
    quantity: 3,
    unitAmount: 2_500,
    currency: "USD",
    intervalUnit: "month",
    intervalCount: 1,
    startDate: `${thisMonth}-01`,
  });
  if (derive) await updateRevenueForCustomers(h.db, orgId, [c.id]);
  return orgId;
}

describe("revenue-refresh", () => {
  it("rebuilds orgs with items but no derived state, and orgs whose tables end before this month", async () => {
    const fresh = await orgWithItem("fresh", false);
    const stale = await orgWithItem("stale", true);
    const current = await orgWithItem("current", true);
    await h.db.insert(organizations).values({ slug: "empty", name: "Empty" });
    // The month moved on since `stale` was derived.
    await h.db
      .update(revenueDerivedState)
      .set({ throughMonth: "2020-01-01" })
      .where(eq(revenueDerivedState.orgId, stale));
    expect((await orgsNeedingRebuild(h.db)).sort()).toEqual([fresh, stale].sort());
    expect(await getMovements(h.db, { orgId: fresh, from: thisMonth, to: thisMonth })).toMatchObject([
      { new: 0, endMrr: 0 },
    ]);

    const runner = createRunner({ db: h.db, jobs: [revenueRefresh], logger: quiet });
    const { runIds } = await runner.send({ name: "revenue/refresh.requested", data: {} });
    const run = await runner.waitForRun(runIds[0]!);
    expect(run.status).toBe("succeeded");
    expect(await orgsNeedingRebuild(h.db)).toEqual([]);
    for (const orgId of [fresh, stale, current]) {
      expect(await getMovements(h.db, { orgId, from: thisMonth, to: thisMonth })).toMatchObject([
        { month: thisMonth, new: 7_500, newCustomers: 1, endMrr: 7_500, activeCustomers: 1 },
      ]);
    }
    const [state] = await queryRows(
      h.db,
      sql`SELECT to_char(through_month, 'YYYY-MM') AS through FROM revenue_derived_state WHERE org_id = ${stale}`,
    );
    expect(state).toMatchObject({ through: thisMonth });
  });
});
