import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { queryRows } from "@/db/rows";

/*
 * The set-based statements of one import batch (import-write.ts runs them in its transaction): each reads
 * a temporary staging table and writes one table, never row by row.
 */

/** Above this many touched customers the import ends with a rebuild (as updateRevenueForCustomers would). */
export const REBUILD_ABOVE = 5_000;
/** The customer id of upload_touched_customers' "rebuild the org" marker. */
export const ALL_CUSTOMERS = "00000000-0000-0000-0000-000000000000";

/** `jsonb_build_object` of these columns of `alias`: a row's fields as upload_*_changes keep them. */
export function fieldsJson(alias: string, fields: readonly string[]) {
  return sql.raw(`jsonb_build_object(${fields.map((f) => `'${f}', ${alias}.${f}`).join(", ")})`);
}

/** What the statements need to know of the batch. */
export type BatchTarget = { orgId: string; uploadId: string; rebuildAbove?: number };

/**
 * Customers-kind only: keys of this batch that an earlier batch of the same upload created, one
 * unique-index lookup each (LIMIT 1 keeps the planner from scanning everything the upload wrote).
 */
export async function customersWrittenByThisUpload(
  tx: Db,
  input: BatchTarget,
  keys: string[],
): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await queryRows<{ k: string }>(
    tx,
    sql`SELECT k.key AS k FROM jsonb_array_elements_text(${JSON.stringify(keys)}::jsonb) AS k(key)
        CROSS JOIN LATERAL (
          SELECT 1 FROM customers c
          WHERE c.org_id = ${input.orgId} AND c.external_id = k.key AND c.source_upload_id = ${input.uploadId}
          LIMIT 1) hit`,
  );
  return new Set(rows.map((r) => r.k));
}

/**
 * The ids of the org's customers with these external ids, one unique-index lookup each (LIMIT 1 keeps
 * the planner from joining them to all of the org's customers by hash). The import asks only for
 * customers it does not know yet: about once per customer, not once per item row.
 */
export async function customerIdsByKey(
  tx: Db,
  input: BatchTarget,
  keys: string[],
): Promise<Map<string, string>> {
  if (keys.length === 0) return new Map();
  const rows = await queryRows<{ k: string; id: string }>(
    tx,
    sql`SELECT k.key AS k, hit.id FROM jsonb_array_elements_text(${JSON.stringify(keys)}::jsonb) AS k(key)
        CROSS JOIN LATERAL (
          SELECT c.id FROM customers c WHERE c.org_id = ${input.orgId} AND c.external_id = k.key LIMIT 1) hit`,
  );
  return new Map(rows.map((r) => [r.k, r.id]));
}

/** Attributes a row may leave empty: the stored value stays (`name` has its own rule). */
const KEPT = ["email", "company", "country", "industry", "segment"] as const;
/** A customer's attributes an import writes: what upload_customer_changes keeps before and after. */
export const CUSTOMER_FIELDS = ["name", ...KEPT] as const;
const KEPT_SET = sql.raw(KEPT.map((k) => `${k} = coalesce(excluded.${k}, c.${k})`).join(", "));
const KEPT_GIVEN = sql.raw(KEPT.map((k) => `coalesce(excluded.${k}, c.${k})`).join(", "));
const KEPT_STORED = sql.raw(KEPT.map((k) => `c.${k}`).join(", "));

/**
 * New customers inserted, existing ones updated where a given attribute differs (an attribute the row
 * leaves empty keeps its stored value); returns the ids of those it wrote, by external id. ON CONFLICT
 * finds each existing customer by the (org, external id) index, one lookup per staged row, so a batch
 * costs the same in an org of any size (an UPDATE … FROM joined them, and with stale statistics the
 * planner hashed every customer of the org for each batch). Rows that give a name and rows that don't
 * are two statements: the `excluded` row of the latter carries the fallback name, which must not replace
 * a stored one.
 */
export async function upsertCustomers(
  tx: Db,
  input: BatchTarget,
  stage: string,
): Promise<Map<string, string>> {
  const written = new Map<string, string>();
  for (const named of [true, false]) {
    const name = sql.raw(named ? "excluded.name" : "c.name");
    // A customer another upload (or the Stripe sync, or a form) created keeps its attributes from before
    // the change in upload_customer_changes, read by a lookup on its id from the statement's snapshot.
    const rows = await queryRows<{ k: string; id: string }>(
      tx,
      sql`WITH up AS (
          INSERT INTO customers AS c
            (org_id, external_id, name, email, company, country, industry, segment, source_upload_id)
          SELECT ${input.orgId}::uuid, s.key, coalesce(s.name, s.fallback_name), s.email, s.company, s.country,
            s.industry, s.segment, ${input.uploadId}::uuid
          FROM ${sql.raw(stage)} s WHERE ${sql.raw(named ? "s.name IS NOT NULL" : "s.name IS NULL")}
          ON CONFLICT (org_id, external_id) DO UPDATE SET name = ${name}, ${KEPT_SET}, updated_at = now()
          WHERE (${name}, ${KEPT_GIVEN}) IS DISTINCT FROM (c.name, ${KEPT_STORED})
          RETURNING c.external_id AS k, c.id,
            CASE WHEN NOT (xmax = 0) AND c.source_upload_id IS DISTINCT FROM ${input.uploadId}::uuid
              THEN ${fieldsJson("c", CUSTOMER_FIELDS)} END AS after
        ), changes AS (
          INSERT INTO upload_customer_changes (upload_id, customer_id, before, after)
          SELECT ${input.uploadId}::uuid, up.id, b.before, up.after FROM up
          CROSS JOIN LATERAL (
            SELECT ${fieldsJson("o", CUSTOMER_FIELDS)} AS before FROM customers o WHERE o.id = up.id LIMIT 1) b
          WHERE up.after IS NOT NULL
          ON CONFLICT (upload_id, customer_id) DO UPDATE SET after = excluded.after
        )
        SELECT k, id FROM up`,
    );
    for (const r of rows) written.set(r.k, r.id);
  }
  return written;
}

export const ITEM_FIELDS = [
  "customer_id",
  "plan_id",
  "quantity",
  "unit_amount",
  "currency",
  "interval_unit",
  "interval_count",
  "discount_percent",
  "discount_amount",
  "start_date",
  "end_date",
  "status",
  "mrr",
  "fx_rate",
];
const ITEM_VALUES = sql.raw(ITEM_FIELDS.join(", "));
/** An item's fields (ITEM_FIELDS) as a JSON object: what upload_item_changes keeps before and after. */
export const itemJson = (alias: string) => fieldsJson(alias, ITEM_FIELDS);
const itemTuple = (table: string) => sql.raw(`(${ITEM_FIELDS.map((c) => `${table}.${c}`).join(", ")})`);
const ITEM_SETS = sql.raw(ITEM_FIELDS.map((c) => `${c} = excluded.${c}`).join(", "));

/**
 * Items upserted by (org, csv, key) in one statement. Returns how many were new or changed, and the keys
 * that repeat an item an earlier batch of this upload created (those are neither written nor counted).
 * An item an earlier upload created that this row changes keeps its fields from before the change in
 * upload_item_changes (the first change per upload; a later batch's updates only its `after`), for undo.
 * Every CTE and the final SELECT read the snapshot from before the statement: `changes` and `touched` see
 * an updated item as it was before the update, and `repeats` sees only what earlier batches wrote.
 */
export async function upsertItems(
  tx: Db,
  input: BatchTarget,
  stage: string,
  track: boolean,
): Promise<{ changed: number; repeats: string[] }> {
  const { orgId, uploadId } = input;
  const s = sql.raw(stage);
  await tx.execute(sql`
    INSERT INTO plans (org_id, external_id, name, source_upload_id)
    SELECT DISTINCT ${orgId}::uuid, s.plan, s.plan, ${uploadId}::uuid FROM ${s} s WHERE s.plan IS NOT NULL
    ON CONFLICT (org_id, external_id) DO NOTHING`);
  const touched = track
    ? sql`, touched AS (
      INSERT INTO upload_touched_customers (upload_id, customer_id)
      SELECT DISTINCT ${uploadId}::uuid, t.customer_id FROM (
        SELECT customer_id FROM up
        UNION SELECT i.customer_id FROM up JOIN subscription_items i ON i.id = up.id WHERE NOT up.inserted) t
      ON CONFLICT DO NOTHING)`
    : sql``;
  const [row] = await queryRows<{ changed: number | string; repeats: string[] | string | null }>(
    tx,
    // The staged customer_id comes resolved (import-write.ts): looking it up here, once per item row,
    // cost ~14% of this statement's time. The (org, customer) foreign key still checks that it is this org's.
    sql`WITH up AS (
      INSERT INTO subscription_items (org_id, source, external_id, source_upload_id, ${ITEM_VALUES})
      SELECT ${orgId}::uuid, 'csv', s.key, ${uploadId}::uuid, s.customer_id, p.id, s.quantity, s.unit_amount, s.currency,
        s.interval_unit::interval_unit, s.interval_count, s.discount_percent, s.discount_amount, s.start_date,
        s.end_date, s.status::item_status, s.mrr, s.fx_rate
      FROM ${s} s
      LEFT JOIN plans p ON p.org_id = ${orgId} AND p.external_id = s.plan
      ON CONFLICT (org_id, source, external_id) DO UPDATE SET ${ITEM_SETS}, updated_at = now()
      WHERE subscription_items.source_upload_id IS DISTINCT FROM ${uploadId}::uuid
        AND ${itemTuple("subscription_items")} IS DISTINCT FROM ${itemTuple("excluded")}
      RETURNING id, external_id, customer_id, status, start_date, end_date, (xmax = 0) AS inserted,
        CASE WHEN NOT (xmax = 0) THEN ${itemJson("subscription_items")} END AS after
    ), changes AS (
      INSERT INTO upload_item_changes (upload_id, item_id, before, after)
      SELECT ${uploadId}::uuid, up.id, b.before, up.after FROM up
      CROSS JOIN LATERAL (
        SELECT ${itemJson("i")} AS before FROM subscription_items i WHERE i.id = up.id LIMIT 1) b
      WHERE NOT up.inserted
      ON CONFLICT (upload_id, item_id) DO UPDATE SET after = excluded.after
    ), periods_gone AS (
      DELETE FROM subscription_item_periods WHERE item_id IN (SELECT id FROM up WHERE NOT inserted)
    ), periods_new AS (
      INSERT INTO subscription_item_periods (org_id, item_id, kind, start_date, end_date)
      SELECT ${orgId}::uuid, id, status::text::item_period_kind, start_date, end_date FROM up
      WHERE status IN ('trialing', 'paused')
    )${touched}
    SELECT (SELECT count(*) FROM up) AS changed,
      (SELECT json_agg(r.key)
        FROM (SELECT s.key FROM ${s} s WHERE NOT EXISTS (SELECT 1 FROM up WHERE up.external_id = s.key)) r
        CROSS JOIN LATERAL (
          SELECT 1 FROM subscription_items i
          WHERE i.org_id = ${orgId} AND i.source = 'csv' AND i.external_id = r.key
            AND i.source_upload_id = ${uploadId}::uuid
          LIMIT 1) hit) AS repeats`,
  );
  const repeats = row?.repeats ?? null;
  return {
    changed: Number(row?.changed ?? 0),
    repeats: repeats === null ? [] : typeof repeats === "string" ? JSON.parse(repeats) : repeats,
  };
}

/**
 * Whether this batch still records touched customers: not once the upload has the "all customers"
 * marker, and not when recording it would pass REBUILD_ABOVE (then the marker replaces the list).
 */
export async function trackTouched(tx: Db, input: BatchTarget, customerKeys: number): Promise<boolean> {
  const [state] = await queryRows<{ n: number | string; all: boolean | null }>(
    tx,
    sql`SELECT count(*) AS n, bool_or(customer_id = ${ALL_CUSTOMERS}::uuid) AS all
        FROM upload_touched_customers WHERE upload_id = ${input.uploadId}`,
  );
  if (state?.all) return false;
  // An upper bound: each row touches its customer and perhaps the one its item had before.
  if (Number(state?.n ?? 0) + 2 * customerKeys <= (input.rebuildAbove ?? REBUILD_ABOVE)) return true;
  await tx.execute(sql`DELETE FROM upload_touched_customers WHERE upload_id = ${input.uploadId}`);
  await tx.execute(
    sql`INSERT INTO upload_touched_customers (upload_id, customer_id) VALUES (${input.uploadId}, ${ALL_CUSTOMERS})`,
  );
  return false;
}
