import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { metricsSnapshots, organizations } from "@/db/schema";
import { rebuildRevenue } from "@/lib/metrics/derive";
import { saveSubscriptionItem, upsertCustomer } from "@/lib/revenue/items";
import { runCliOn } from "@/tests/helpers/cli";
import { createTestDb } from "@/tests/helpers/db";

let handle: DbHandle;
let orgId: string;

beforeAll(async () => {
  handle = await createTestDb();
  const [org] = await handle.db
    .insert(organizations)
    .values({ slug: "acme", name: "Acme", currency: "EUR" })
    .returning();
  orgId = org!.id;
  const c = await upsertCustomer(handle.db, orgId, { externalId: "A", name: "A" });
  await saveSubscriptionItem(handle.db, orgId, {
    source: "manual",
    externalId: "a",
    customerId: c.id,
    quantity: 2,
    unitAmount: 4_500,
    currency: "EUR",
    intervalUnit: "month",
    startDate: "2024-01-10",
    endDate: null,
  });
  await rebuildRevenue(handle.db, orgId, { asOf: new Date("2024-03-20") });
});
afterAll(() => handle.close());

const cli = (...argv: string[]) => runCliOn(handle, argv);

describe("meridian snapshot | backfill", () => {
  it("snapshot --json computes one day and prints its headline numbers", async () => {
    const run = await cli("snapshot", "--org", "acme", "--date", "2024-02-15", "--json");
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(run.stdout)).toMatchObject({
      org: "acme",
      date: "2024-02-15",
      currency: "EUR",
      mrr: 90,
      customers: 1,
    });
    const before = await cli("snapshot", "--org", "acme", "--date", "2024-01-09", "--json");
    expect(JSON.parse(before.stdout)).toMatchObject({ mrr: 0, customers: 0 });
  });

  it("backfill prints progress per month on stderr and a summary", async () => {
    const run = await cli("backfill", "--org", "acme", "--from", "2024-01-30", "--to", "2024-03-02");
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("backfill acme: 1/3 months, 2 days (2024-01)");
    expect(run.stderr).toContain("backfill acme: 3/3 months, 33 days (2024-03)");
    expect(run.stdout).toBe("Backfill succeeded: 33 days in 3 months (2024-01-30 … 2024-03-02).\n");
    const [n] = await handle.db
      .select({ n: count() })
      .from(metricsSnapshots)
      .where(and(eq(metricsSnapshots.orgId, orgId)));
    expect(n?.n).toBe(34); // 33 backfilled + 2024-01-09 (2024-02-15 is inside the range)
  });

  it("names the bad option", async () => {
    const bad = await cli("backfill", "--org", "acme", "--from", "2024-13-01", "--to", "2024-03-02");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--from "2024-13-01" is not a day/);
    const unknown = await cli("snapshot", "--org", "nope");
    expect(unknown.stderr).toMatch(/organisation "nope" not found/);
  });
});
