import { type SQL, sql } from "drizzle-orm";
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

/**
 * Two CTEs, `periods_gone` and `periods_new`, that rebuild the status periods (trialing, paused) of
 * items a statement wrote: `gone` selects the ids whose periods go, `rows` the items as written (id,
 * status, start_date, end_date). Written items' periods must follow their span, or MRR-1's "trialing and
 * paused contribute 0" would apply to days the item no longer covers.
 */
export function rebuildPeriods(orgId: string, gone: SQL, rows: SQL): SQL {
  return sql`periods_gone AS (
      DELETE FROM subscription_item_periods WHERE item_id IN (${gone})
    ), periods_new AS (
      INSERT INTO subscription_item_periods (org_id, item_id, kind, start_date, end_date)
      SELECT ${orgId}::uuid, id, status::text::item_period_kind, start_date, end_date FROM ${rows} x
      WHERE status IN ('trialing', 'paused')
    )`;
}

/** What the statements need to know of the batch. */
export type BatchTarget = {
  orgId: string;
  uploadId: string;
  rebuildAbove?: number;
  /**
   * The day (YYYY-MM-DD) this file's changes to items an earlier upload created take effect
   * (UploadOptions.changesFrom; splitChangedItems). Unset: from each item's start.
   */
  changesFrom?: string;
  /** UploadOptions.endMissingOn: each batch records the item keys it saw (recordSeenKeys). */
  endMissingOn?: string;
};

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
/** What upload_item_changes keeps of an item before and after a change, and undo restores. */
export const CHANGE_FIELDS = [...ITEM_FIELDS, "started_on"];
/** An item's CHANGE_FIELDS as a JSON object. */
export const itemJson = (alias: string) => fieldsJson(alias, CHANGE_FIELDS);
/** The stored item as a file row would give it: a split item's start is its `started_on`. */
const STORED_TUPLE = sql.raw(
  `(${ITEM_FIELDS.map((c) => (c === "start_date" ? "coalesce(t.started_on, t.start_date)" : `t.${c}`)).join(", ")})`,
);
const EXCLUDED_TUPLE = sql.raw(`(${ITEM_FIELDS.map((c) => `excluded.${c}`).join(", ")})`);
// A split item (started_on set) keeps the day its terms took effect as its start, and an end the file
// puts before that day ends it that day (its earlier part keeps the service up to then).
const SPLIT = "t.started_on IS NOT NULL";
const ITEM_SETS = sql.raw(
  [
    ...ITEM_FIELDS.map((c) =>
      c === "start_date"
        ? `start_date = CASE WHEN ${SPLIT} THEN t.start_date ELSE excluded.start_date END`
        : c === "end_date"
          ? `end_date = CASE WHEN ${SPLIT} AND excluded.end_date < t.start_date THEN t.start_date ELSE excluded.end_date END`
          : `${c} = excluded.${c}`,
    ),
    `started_on = CASE WHEN ${SPLIT} THEN excluded.start_date END`,
  ].join(", "),
);
/**
 * The terms whose change splits an item (what it pays and for what, and its status): not its customer,
 * its dates or its exchange rate.
 */
const TERMS = ITEM_FIELDS.filter((c) => !["customer_id", "start_date", "end_date", "fx_rate"].includes(c));
const terms = (alias: string) => sql.raw(`(${TERMS.map((c) => `${alias}.${c}`).join(", ")})`);

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
): Promise<{ changed: number; repeats: string[]; changedItems: string[] }> {
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
  const [row] = await queryRows<{
    changed: number | string;
    changed_items: string[] | string | null;
    repeats: string[] | string | null;
  }>(
    tx,
    // The staged customer_id comes resolved (import-write.ts): looking it up here, once per item row,
    // cost ~14% of this statement's time. The (org, customer) foreign key still checks that it is this org's.
    sql`WITH up AS (
      INSERT INTO subscription_items AS t (org_id, source, external_id, source_upload_id, ${ITEM_VALUES})
      SELECT ${orgId}::uuid, 'csv', s.key, ${uploadId}::uuid, s.customer_id, p.id, s.quantity, s.unit_amount, s.currency,
        s.interval_unit::interval_unit, s.interval_count, s.discount_percent, s.discount_amount, s.start_date,
        s.end_date, s.status::item_status, s.mrr, s.fx_rate
      FROM ${s} s
      LEFT JOIN plans p ON p.org_id = ${orgId} AND p.external_id = s.plan
      ON CONFLICT (org_id, source, external_id) DO UPDATE SET ${ITEM_SETS}, updated_at = now()
      WHERE t.source_upload_id IS DISTINCT FROM ${uploadId}::uuid
        AND ${STORED_TUPLE} IS DISTINCT FROM ${EXCLUDED_TUPLE}
      RETURNING t.id, t.external_id, t.customer_id, t.status, t.start_date, t.end_date, (xmax = 0) AS inserted,
        CASE WHEN NOT (xmax = 0) THEN ${itemJson("t")} END AS after
    ), changes AS (
      INSERT INTO upload_item_changes (upload_id, item_id, before, after)
      SELECT ${uploadId}::uuid, up.id, b.before, up.after FROM up
      CROSS JOIN LATERAL (
        SELECT ${itemJson("i")} AS before FROM subscription_items i WHERE i.id = up.id LIMIT 1) b
      WHERE NOT up.inserted
      ON CONFLICT (upload_id, item_id) DO UPDATE SET after = excluded.after
      RETURNING item_id
    ), ${rebuildPeriods(orgId, sql`SELECT id FROM up WHERE NOT inserted`, sql`up`)}${touched}
    SELECT (SELECT count(*) FROM up) AS changed, (SELECT json_agg(item_id) FROM changes) AS changed_items,
      (SELECT json_agg(r.key)
        FROM (SELECT s.key FROM ${s} s WHERE NOT EXISTS (SELECT 1 FROM up WHERE up.external_id = s.key)) r
        CROSS JOIN LATERAL (
          SELECT 1 FROM subscription_items i
          WHERE i.org_id = ${orgId} AND i.source = 'csv' AND i.external_id = r.key
            AND i.source_upload_id = ${uploadId}::uuid
          LIMIT 1) hit) AS repeats`,
  );
  const list = (v: string[] | string | null | undefined): string[] =>
    v == null ? [] : typeof v === "string" ? JSON.parse(v) : v;
  return {
    changed: Number(row?.changed ?? 0),
    repeats: list(row?.repeats),
    changedItems: list(row?.changed_items),
  };
}

/**
 * After upsertItems: the items an earlier upload created whose terms (TERMS) this batch changed, and
 * that were live on `changesFrom` after starting before it, are split there instead of rewritten from
 * their start. The item (its key, so the next file still finds it) now starts on `changesFrom` with the
 * new terms, keeping the file's start as `started_on`; a new item with the earlier terms (its key
 * `<key>@<start>..<changesFrom>`, created by the same upload as the item) runs from the item's start to
 * that day. So next month's export shows its changes as expansion or contraction from that day, and the
 * months before keep the revenue they had. An item that had ended by that day (its end date on or
 * before it, canceled or not) and that the row lists as live after it comes back on that day the same
 * way: its earlier part keeps its span up to its old end, and the gap between is a gap (MOV-1 counts
 * the return as reactivation). The change record names the new item (undo deletes it and restores the
 * item). Status periods are rebuilt for both parts. Returns how many items were split.
 */
export async function splitChangedItems(
  tx: Db,
  input: BatchTarget,
  itemIds: readonly string[],
): Promise<number> {
  const day = input.changesFrom;
  if (!day || itemIds.length === 0) return 0;
  const { orgId, uploadId } = input;
  const rows = await queryRows<{ n: number | string }>(
    tx,
    sql`WITH s AS (
          SELECT m.seq, i.id AS item_id, i.external_id AS key, i.source_upload_id AS src, b.*,
            meridian_uuidv7() AS part_id, least(b.end_date, ${day}::date) AS part_end
          FROM upload_item_changes m
          JOIN subscription_items i ON i.id = m.item_id AND i.org_id = ${orgId}
          CROSS JOIN LATERAL jsonb_populate_record(null::subscription_items, m.before) b
          WHERE m.upload_id = ${uploadId} AND m.item_id = ANY(${`{${itemIds.join(",")}}`}::uuid[])
            AND m.split_item_id IS NULL
            AND b.start_date < ${day}::date AND i.start_date = b.start_date
            AND (i.end_date IS NULL OR i.end_date > ${day}::date) AND i.status <> 'canceled'
            AND (
              -- live on the day, with new terms from it
              ((b.end_date IS NULL OR b.end_date > ${day}::date) AND b.status <> 'canceled'
                AND ${terms("b")} IS DISTINCT FROM ${terms("i")})
              -- ended by the day, live again after it
              OR b.end_date <= ${day}::date)
        ), part AS (
          INSERT INTO subscription_items (id, org_id, source, external_id, source_upload_id, ${ITEM_VALUES}, started_on)
          SELECT s.part_id, ${orgId}::uuid, 'csv', s.key || '@' || s.start_date || '..' || s.part_end, s.src,
            s.customer_id, (SELECT p.id FROM plans p WHERE p.id = s.plan_id), s.quantity, s.unit_amount,
            s.currency, s.interval_unit, s.interval_count, s.discount_percent, s.discount_amount, s.start_date,
            s.part_end, s.status, s.mrr, s.fx_rate, s.started_on
          FROM s
          RETURNING id, status, start_date, end_date
        ), moved AS (
          UPDATE subscription_items i SET start_date = ${day}::date,
            started_on = coalesce(s.started_on, s.start_date), updated_at = now()
          FROM s WHERE i.id = s.item_id
          RETURNING i.id, i.status, i.start_date, i.end_date, s.seq, s.part_id, ${itemJson("i")} AS after
        ), recorded AS (
          -- moved carries s's columns: joining two CTEs, whose sizes the planner cannot know, risks a
          -- nested loop over both (quadratic in the batch's changed items).
          UPDATE upload_item_changes m SET split_item_id = moved.part_id, after = moved.after
          FROM moved WHERE m.seq = moved.seq
        ), ${rebuildPeriods(
          orgId,
          sql`SELECT item_id FROM s`,
          sql`(SELECT * FROM part UNION ALL SELECT id, status, start_date, end_date FROM moved)`,
        )}
        SELECT count(*) AS n FROM s`,
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * With endMissingOn: the item keys the batch's rows name (written, unchanged, or new; and `listed`, those
 * its rejected rows name by id), as one array keyed by the batch's first record, for endMissingItems at
 * the end of the import.
 */
export async function recordSeenKeys(
  tx: Db,
  input: BatchTarget & { fromRecord: number },
  stage: string,
  listed: readonly string[],
): Promise<void> {
  const rejected =
    listed.length === 0
      ? sql``
      : sql`UNION ALL SELECT jsonb_array_elements_text(${JSON.stringify(listed)}::jsonb)`;
  await tx.execute(
    sql`INSERT INTO upload_seen_keys (upload_id, from_record, keys)
        SELECT ${input.uploadId}::uuid, ${input.fromRecord}, coalesce(array_agg(s.key), '{}')
        FROM (SELECT key FROM ${sql.raw(stage)} ${rejected}) s
        ON CONFLICT (upload_id, from_record) DO UPDATE SET keys = excluded.keys`,
  );
}

/**
 * The items (alias i) a full export on `day` ends if it leaves them out: the org's CSV items of other
 * uploads, started before the day, live on it (no end date, or one after it) and not canceled. The
 * earlier part of a split is left out after (its key is the split's): endMissingItems, leftOutItems.
 */
export function endableOn(orgId: string, uploadId: string, day: string): SQL {
  return sql`i.org_id = ${orgId} AND i.source = 'csv' AND i.source_upload_id IS DISTINCT FROM ${uploadId}::uuid
    AND i.start_date < ${day}::date AND (i.end_date IS NULL OR i.end_date > ${day}::date)
    AND i.status <> 'canceled'`;
}

/**
 * With endMissingOn, after the last batch: the items earlier uploads imported that were live on that day
 * (started before it, not yet ended, not canceled) and that this file does not list end that day. Each
 * keeps its fields from before in upload_item_changes, so undoing the upload puts its end back; its
 * status stays (a trial that ended never paid), its status periods end with it. Not the first part of
 * a split (it ends where its item's later terms start), nor anything the Stripe sync or a form wrote.
 * Returns the items' customers, one per ended item.
 */
export async function endMissingItems(
  tx: Db,
  input: BatchTarget & { endMissingOn: string },
): Promise<string[]> {
  const { orgId, uploadId, endMissingOn: day } = input;
  const rows = await queryRows<{ customer_id: string }>(
    tx,
    // EXCEPT, a set operation (hashed or sorted), never a nested loop: the planner cannot estimate the
    // unnested keys, and an anti-join it guessed small scanned them once per item.
    sql`WITH gone_keys AS (
          SELECT i.external_id AS key FROM subscription_items i WHERE ${endableOn(orgId, uploadId, day)}
          EXCEPT
          SELECT unnest(keys) FROM upload_seen_keys WHERE upload_id = ${uploadId}
        ), gone AS (
          -- From each key to its item by the unique index (LATERAL … LIMIT 1 keeps that order): a join the
          -- planner was free to turn round, with the table's statistics from before the import that filled
          -- it (one row), ran the EXCEPT's result once per item of the org: 6.4 s at 20,000 items.
          SELECT i.id, ${itemJson("i")} AS before FROM gone_keys g
          CROSS JOIN LATERAL (
            SELECT * FROM subscription_items x
            WHERE x.org_id = ${orgId} AND x.source = 'csv' AND x.external_id = g.key LIMIT 1) i
          WHERE NOT EXISTS (SELECT 1 FROM upload_item_changes x WHERE x.split_item_id = i.id)
        ), ended AS (
          UPDATE subscription_items i SET end_date = ${day}::date, updated_at = now()
          FROM gone WHERE i.id = gone.id
          RETURNING i.id, i.customer_id, i.status, i.start_date, i.end_date, gone.before, ${itemJson("i")} AS after
        ), changes AS (
          INSERT INTO upload_item_changes (upload_id, item_id, before, after)
          SELECT ${uploadId}::uuid, id, before, after FROM ended
        ), ${rebuildPeriods(orgId, sql`SELECT id FROM ended`, sql`ended`)}
        SELECT customer_id FROM ended`,
  );
  return rows.map((r) => r.customer_id);
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
