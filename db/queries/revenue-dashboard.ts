import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { queryRows } from "@/db/rows";

/*
 * Reads only the ARR dashboard needs. What the revenue filters can choose from: the org's plans, and the distinct customer countries,
 * segments and industries. Attributes are compared case-insensitively by the filters (revenue-filters.ts),
 * so "US" and "us" are one choice here too (the first spelling in sort order).
 */

export type FilterOptions = {
  plans: { externalId: string; name: string }[];
  countries: string[];
  segments: string[];
  industries: string[];
};

export async function getFilterOptions(db: Db, { orgId }: { orgId: string }): Promise<FilterOptions> {
  const [plans, attributes] = await Promise.all([
    queryRows<{ external_id: string; name: string }>(
      db,
      sql`SELECT external_id, name FROM plans WHERE org_id = ${orgId} ORDER BY lower(name), external_id`,
    ),
    queryRows<{ attr: "country" | "segment" | "industry"; value: string }>(
      db,
      sql`
      SELECT a.attr, min(a.value) AS value FROM customers c
      CROSS JOIN LATERAL (VALUES ('country', c.country), ('segment', c.segment), ('industry', c.industry))
        AS a(attr, value)
      WHERE c.org_id = ${orgId} AND btrim(coalesce(a.value, '')) <> ''
      GROUP BY a.attr, lower(a.value)
      ORDER BY a.attr, lower(min(a.value))`,
    ),
  ]);
  const of = (attr: string) => attributes.filter((r) => r.attr === attr).map((r) => r.value);
  return {
    plans: plans.map((p) => ({ externalId: p.external_id, name: p.name })),
    countries: of("country"),
    segments: of("segment"),
    industries: of("industry"),
  };
}

/** Whether the org has any revenue at all (a movement ever): the dashboard shows what to do when not. */
export async function hasRevenue(db: Db, { orgId }: { orgId: string }): Promise<boolean> {
  const rows = await queryRows<{ one: number }>(
    db,
    sql`SELECT 1 AS one FROM customer_movements WHERE org_id = ${orgId} LIMIT 1`,
  );
  return rows.length > 0;
}
