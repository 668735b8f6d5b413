import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { queryRows } from "@/db/rows";

/*
 * Reads only the ARR dashboard needs: the latest import's problems, and what the revenue filters can choose from: the org's plans, and the distinct customer countries,
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

export type ImportNotice = {
  uploadId: string;
  filename: string;
  status: "complete" | "failed";
  rowsRejected: number;
  error: string | null;
};

/**
 * The org's latest finished import (complete or failed, newest first) when it failed or rejected rows:
 * the dashboard links to its report. Null when it went through cleanly or there is none.
 */
export async function getImportNotice(db: Db, { orgId }: { orgId: string }): Promise<ImportNotice | null> {
  const [row] = await queryRows<{
    id: string;
    filename: string;
    status: "complete" | "failed";
    rows_rejected: unknown;
    error: string | null;
  }>(
    db,
    sql`
    SELECT id, filename, status::text AS status, rows_rejected, error FROM uploads
    WHERE org_id = ${orgId} AND sha256 IS NOT NULL AND status IN ('complete', 'failed')
    ORDER BY created_at DESC, id DESC LIMIT 1`,
  );
  if (!row) return null;
  const rowsRejected = Number(row.rows_rejected);
  if (row.status !== "failed" && rowsRejected === 0) return null;
  return { uploadId: row.id, filename: row.filename, status: row.status, rowsRejected, error: row.error };
}
