import { type SQL, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { queryRows } from "@/db/rows";

/*
 * customer_plan_changes and customer_movements are partitioned by (org_id, customer_id) ranges
 * (migration 0012): every org has one UNLOGGED leaf per customer range in each. Reads and incremental
 * writes go through the parent tables as before; a large org's rebuild (derive.ts) builds new leaves
 * beside the old ones, one range per connection, indexes them once, and swaps them in.
 *
 * Leaf names are made from the org's uuid: `cpc_<32 hex>_<k>` and `cmv_<32 hex>_<k>`; a rebuild's
 * tables in the making are `rb_<32 hex>_<k>_<part>`.
 */

/**
 * In the order every writer locks them (derive.ts deletes movements first), so creating or swapping
 * partitions, which locks a parent exclusively, cannot deadlock with another org's update.
 */
export const PER_CUSTOMER_TABLES = ["customer_movements", "customer_plan_changes"] as const;
export type PerCustomerTable = (typeof PER_CUSTOMER_TABLES)[number];

const PREFIX: Record<PerCustomerTable, string> = { customer_plan_changes: "cpc", customer_movements: "cmv" };

/** Lower bounds of the customer ranges (uuids are random, so each range holds its share of customers). */
const RANGE_STARTS = ["00000000-0000-0000-0000-000000000000", "80000000-0000-0000-0000-000000000000"];
export const CUSTOMER_RANGES = RANGE_STARTS.length;

/** The indexes of each table, as its parent declares them (db/schema/revenue-derived.ts). */
const INDEXES: Record<PerCustomerTable, string[]> = {
  customer_plan_changes: ["(org_id, customer_id)", "(org_id, plan_id, customer_id, month, delta)"],
  customer_movements: [
    "(org_id, customer_id)",
    "(org_id, month)",
    "(org_id, mrr_after) WHERE next_month IS NULL",
  ],
};

function orgHex(orgId: string): string {
  const hex = orgId.replaceAll("-", "");
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new Error(`not an org id: ${orgId}`);
  return hex;
}

export const leafName = (table: PerCustomerTable, orgId: string, k: number) =>
  `${PREFIX[table]}_${orgHex(orgId)}_${k}`;

/** A rebuild's table in the making for range k: `pc`, `mv`, or the org sums `rm`, `rc`, `rr`. */
export const buildName = (orgId: string, k: number, part: string) => `rb_${orgHex(orgId)}_${k}_${part}`;

const bound = (k: number, edge: "lo" | "hi") => {
  const value = RANGE_STARTS[edge === "lo" ? k : k + 1];
  return value === undefined ? null : value;
};

/** `FOR VALUES …` of range k of an org. */
function forValues(orgId: string, k: number): string {
  const lo = k === 0 ? "MINVALUE" : `'${bound(k, "lo")}'`;
  const hi = bound(k, "hi");
  return `FOR VALUES FROM ('${orgId}', ${lo}) TO ('${orgId}', ${hi ? `'${hi}'` : "MAXVALUE"})`;
}

/** The customers of range k, on `column` (SQL text). */
export function inRange(column: string, k: number): string {
  const lo = k === 0 ? null : bound(k, "lo");
  const hi = bound(k, "hi");
  return (
    [lo ? `${column} >= '${lo}'` : "", hi ? `${column} < '${hi}'` : ""].filter(Boolean).join(" AND ") ||
    "TRUE"
  );
}

/** Creates the org's leaves that do not exist yet (a new org; after the migration), empty. */
export async function ensurePartitions(db: Db, orgId: string): Promise<void> {
  for (const table of PER_CUSTOMER_TABLES) {
    for (let k = 0; k < CUSTOMER_RANGES; k++) {
      const name = leafName(table, orgId, k);
      const [row] = await queryRows<{ found: string | null }>(
        db,
        sql`SELECT to_regclass(${name})::text AS found`,
      );
      if (row?.found) continue;
      await db.execute(sql.raw(`CREATE UNLOGGED TABLE ${name} PARTITION OF ${table} ${forValues(orgId, k)}`));
    }
  }
}

/**
 * Statements that create range k's new leaf of `table` as `name`: the parent's columns, and a CHECK of
 * its bounds, so attaching it needs no scan of its rows.
 */
export function createLeafSql(table: PerCustomerTable, orgId: string, k: number, name: string): SQL[] {
  return [
    sql.raw(`DROP TABLE IF EXISTS ${name}`),
    sql.raw(`CREATE UNLOGGED TABLE ${name} (LIKE ${table})`),
    sql.raw(`ALTER TABLE ${name} ADD CHECK (org_id = '${orgId}' AND ${inRange("customer_id", k)})`),
  ];
}

/**
 * The parent's indexes on a new leaf, built once from its rows (attaching adopts them). Named after the
 * table (`<name>_i<n>`; a swap renames them with it): generated names could collide between ranges.
 */
export function leafIndexesSql(table: PerCustomerTable, name: string): SQL[] {
  return INDEXES[table].map((columns, n) => sql.raw(`CREATE INDEX ${name}_i${n} ON ${name} ${columns}`));
}

/** Replaces the org's range-k leaf of `table` by the new one `name`, in the caller's transaction. */
export function swapLeafSql(table: PerCustomerTable, orgId: string, k: number, name: string): SQL[] {
  const leaf = leafName(table, orgId, k);
  return [
    sql.raw(`DROP TABLE IF EXISTS ${leaf}`),
    sql.raw(`ALTER TABLE ${name} RENAME TO ${leaf}`),
    ...INDEXES[table].map((_, n) => sql.raw(`ALTER INDEX ${name}_i${n} RENAME TO ${leaf}_i${n}`)),
    sql.raw(`ALTER TABLE ${table} ATTACH PARTITION ${leaf} ${forValues(orgId, k)}`),
  ];
}
