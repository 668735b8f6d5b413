import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { queryRows } from "@/db/rows";
import { customers, organizations, subscriptionItems } from "@/db/schema";
import { createTestDb, manualItemRow } from "./helpers/db";

// Items get time-ordered ids (UUID version 7, migration 0015), so bulk inserts extend the primary key at
// its right edge; the layout is RFC 9562's, so any UUIDv7 reader decodes the time.
let h: DbHandle;
let orgId: string;
let customerId: string;

beforeAll(async () => {
  h = await createTestDb();
  const [o] = await h.db.insert(organizations).values({ slug: "ids", name: "Ids" }).returning();
  orgId = o!.id;
  const [c] = await h.db.insert(customers).values({ orgId, externalId: "c1", name: "C" }).returning();
  customerId = c!.id;
});
afterAll(() => h?.close());

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** The Unix milliseconds in a UUIDv7's first 48 bits. */
const millisOf = (id: string) => Number.parseInt(id.replaceAll("-", "").slice(0, 12), 16);

const items = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => manualItemRow(orgId, customerId, `${prefix}-${i}`));

describe("subscription item ids", () => {
  it("are UUIDv7 with the insert's time, and a later insert's ids sort after an earlier one's", async () => {
    const before = Date.now();
    const first = await h.db.insert(subscriptionItems).values(items("a", 200)).returning();
    await new Promise((r) => setTimeout(r, 5));
    const second = await h.db.insert(subscriptionItems).values(items("b", 200)).returning();
    const after = Date.now();

    const all = [...first, ...second].map((r) => r.id);
    for (const id of all) expect(id).toMatch(V7);
    expect(new Set(all).size).toBe(400);
    for (const id of all) {
      // The database's clock is this machine's; a second either way covers rounding and scheduling.
      expect(millisOf(id)).toBeGreaterThanOrEqual(before - 1000);
      expect(millisOf(id)).toBeLessThanOrEqual(after + 1000);
    }
    const lastOfFirst = first
      .map((r) => r.id)
      .sort()
      .at(-1)!;
    const firstOfSecond = second.map((r) => r.id).sort()[0]!;
    expect(firstOfSecond > lastOfFirst).toBe(true);
  });

  it("made within one millisecond still differ (74 random bits)", async () => {
    const [row] = await queryRows<{ distinct: number | string; prefixes: number | string }>(
      h.db,
      sql`SELECT count(DISTINCT id) AS distinct,
            count(DISTINCT substring(id::text FROM 1 FOR 13)) AS prefixes
          FROM (SELECT meridian_uuidv7() AS id FROM generate_series(1, 20000)) g`,
    );
    expect(Number(row?.distinct)).toBe(20000);
    // 20,000 ids take far fewer milliseconds than that: many share a time prefix and still differ.
    expect(Number(row?.prefixes)).toBeLessThan(20000);
  });
});
