import { randomBytes } from "node:crypto";
import { type SQL, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { queryRows } from "@/db/rows";
import type { Rejection, StagedCustomer, StagedItem, StagedRow } from "./import-rows";

/*
 * One batch of an import, written in ONE transaction: its customers, plans and items, its rejected rows,
 * the customers whose metrics must be updated, and the upload's counters with the resume position. The
 * transaction starts by locking the upload row and checking the resume position it expects, so two runs
 * of one import can never both commit the same batch.
 *
 * Rows reach the database through a temporary staging table and one INSERT … SELECT … ON CONFLICT per
 * table: on a Postgres server the staging table is filled with COPY … FROM STDIN; on PGlite (in process,
 * or served on our Unix socket, where COPY FROM STDIN is not available) with one INSERT … SELECT from
 * json_populate_recordset per batch. Never row by row.
 */

export type Engine = "copy" | "json";

type RawCopyClient = (
  strings: TemplateStringsArray,
  ...values: unknown[]
) => { writable(): Promise<NodeJS.WritableStream> };

/** COPY on a real Postgres server, JSON inserts on PGlite (whose version string names it). */
export async function detectEngine(db: Db): Promise<Engine> {
  const client = (db as unknown as { $client?: unknown }).$client;
  const isPostgresJs = typeof client === "function" && "begin" in client;
  if (!isPostgresJs) return "json";
  const [row] = await queryRows<{ v: string }>(db, sql`SELECT version() AS v`);
  return row?.v.includes("PGlite") ? "json" : "copy";
}

/** Postgres text cannot hold NUL characters. */
const clean = (s: string) => (s.includes("\u0000") ? s.replaceAll("\u0000", "") : s);

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return `"${clean(String(v)).replace(/"/g, '""')}"`;
}

type Loader = (table: string, columns: readonly string[], rows: readonly unknown[][]) => Promise<void>;

function loaderFor(tx: Db, engine: Engine): Loader {
  if (engine === "copy") {
    const raw = (tx as unknown as { session?: { client?: unknown } }).session?.client;
    if (typeof raw !== "function") throw new Error("COPY needs postgres.js's transaction client");
    const copy = raw as RawCopyClient & {
      unsafe: (q: string) => { writable(): Promise<NodeJS.WritableStream> };
    };
    return async (table, columns, rows) => {
      if (rows.length === 0) return;
      const cols = columns.map((c) => `"${c}"`).join(", ");
      const stream = await copy.unsafe(`COPY ${table} (${cols}) FROM STDIN WITH (FORMAT csv)`).writable();
      await new Promise<void>((resolve, reject) => {
        stream.on("error", reject);
        stream.on("finish", () => resolve());
        // A few MB per batch: one write, so the stream's buffering is the only copy.
        stream.write(`${rows.map((r) => r.map(csvCell).join(",")).join("\n")}\n`);
        stream.end();
      });
    };
  }
  return async (table, columns, rows) => {
    if (rows.length === 0) return;
    const objects = rows.map((r) =>
      Object.fromEntries(columns.map((c, i) => [c, typeof r[i] === "string" ? clean(r[i] as string) : r[i]])),
    );
    const cols = sql.raw(columns.map((c) => `"${c}"`).join(", "));
    await tx.execute(sql`
      INSERT INTO ${sql.raw(table)} (${cols})
      SELECT ${cols} FROM json_populate_recordset(NULL::${sql.raw(table)}, ${JSON.stringify(objects)}::json)`);
  };
}

export type BatchInput = {
  orgId: string;
  uploadId: string;
  kind: "subscriptions" | "customers";
  engine: Engine;
  /** records_done the batch starts from; the batch commits only if the upload is still there. */
  expectedDone: number;
  /** records_done after this batch. */
  newDone: number;
  rows: StagedRow[];
  rejections: Rejection[];
  /** Rows rejected before the batch (parse errors): counted in rows_read and rows_rejected. */
  rejectedRows: number;
  bytesProcessed: number;
  readComplete: boolean;
};

export type BatchCounts = { read: number; imported: number; unchanged: number; rejected: number };

/** Another run of the same import committed first: this one stops without touching anything. */
export class ImportSuperseded extends Error {}

/** The first row of each key is kept; later ones (in this batch, or written by an earlier one) are repeats. */
function splitDuplicates(rows: StagedRow[], keyOf: (r: StagedRow) => string, seen: Set<string>) {
  const first = new Map<string, number>();
  const keep: StagedRow[] = [];
  const dups: { row: StagedRow; firstLine: number | null }[] = [];
  for (const r of rows) {
    const key = keyOf(r);
    if (seen.has(key)) dups.push({ row: r, firstLine: null });
    else if (first.has(key)) dups.push({ row: r, firstLine: first.get(key) ?? null });
    else {
      first.set(key, r.line);
      keep.push(r);
    }
  }
  return { keep, dups };
}

/** Customers of a batch merged by key: the last value given for each attribute wins. */
function mergeCustomers(rows: StagedRow[]): StagedCustomer[] {
  const byKey = new Map<string, StagedCustomer>();
  for (const { customer: c } of rows) {
    const prev = byKey.get(c.key);
    if (!prev) {
      byKey.set(c.key, { ...c });
      continue;
    }
    for (const k of ["name", "email", "company", "country", "industry", "segment"] as const) {
      if (c[k] !== null) prev[k] = c[k];
    }
  }
  return [...byKey.values()];
}

const CUSTOMER_COLS = ["key", "name", "fallback_name", "email", "company", "country", "industry", "segment"];
const ITEM_COLS = [
  "key",
  "customer_key",
  "plan",
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
const REJECTION_COLS = ["upload_id", "org_id", "line", "column", "field", "value", "message"];
const MAX_VALUE = 1000;

const customerRow = (c: StagedCustomer) => [
  c.key,
  c.name,
  c.fallbackName,
  c.email,
  c.company,
  c.country,
  c.industry,
  c.segment,
];
const itemRow = (i: StagedItem) => [
  i.key,
  i.customerKey,
  i.plan,
  i.quantity,
  i.unitAmount,
  i.currency,
  i.intervalUnit,
  i.intervalCount,
  i.discountPercent,
  i.discountAmount,
  i.startDate,
  i.endDate,
  i.status,
  i.mrr,
  i.fxRate,
];

async function count(tx: Db, query: SQL): Promise<number> {
  const [row] = await queryRows<{ n: number | string }>(tx, query);
  return Number(row?.n ?? 0);
}

/**
 * Keys of this batch that an earlier batch of the same upload already wrote: repeats within the file.
 * Driven by the batch's keys, one unique-index lookup each (LIMIT 1 keeps the planner from turning it into
 * a scan of everything the upload wrote): without fresh statistics Postgres otherwise picks a plan that
 * re-reads the whole upload per batch, which makes an import quadratic.
 */
async function writtenByThisUpload(tx: Db, input: BatchInput, keys: string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const json = JSON.stringify(keys);
  const { orgId, uploadId } = input;
  const rows =
    input.kind === "subscriptions"
      ? await queryRows<{ k: string }>(
          tx,
          sql`SELECT k.key AS k FROM jsonb_array_elements_text(${json}::jsonb) AS k(key)
          CROSS JOIN LATERAL (
            SELECT 1 FROM subscription_items i
            WHERE i.org_id = ${orgId} AND i.source = 'csv' AND i.external_id = k.key
              AND i.source_upload_id = ${uploadId}
            LIMIT 1) hit`,
        )
      : await queryRows<{ k: string }>(
          tx,
          sql`SELECT k.key AS k FROM jsonb_array_elements_text(${json}::jsonb) AS k(key)
          CROSS JOIN LATERAL (
            SELECT 1 FROM customers c
            WHERE c.org_id = ${orgId} AND c.external_id = k.key AND c.source_upload_id = ${uploadId}
            LIMIT 1) hit`,
        );
  return new Set(rows.map((r) => r.k));
}

async function upsertCustomers(tx: Db, input: BatchInput, stage: string): Promise<number> {
  const { orgId, uploadId } = input;
  const s = sql.raw(stage);
  const updated = await count(
    tx,
    sql`WITH upd AS (
      UPDATE customers c SET
        name = coalesce(s.name, c.name), email = coalesce(s.email, c.email),
        company = coalesce(s.company, c.company), country = coalesce(s.country, c.country),
        industry = coalesce(s.industry, c.industry), segment = coalesce(s.segment, c.segment),
        updated_at = now()
      FROM ${s} s
      WHERE c.org_id = ${orgId} AND c.external_id = s.key
        AND (coalesce(s.name, c.name), coalesce(s.email, c.email), coalesce(s.company, c.company),
             coalesce(s.country, c.country), coalesce(s.industry, c.industry), coalesce(s.segment, c.segment))
          IS DISTINCT FROM (c.name, c.email, c.company, c.country, c.industry, c.segment)
      RETURNING 1)
    SELECT count(*) AS n FROM upd`,
  );
  const inserted = await count(
    tx,
    sql`WITH ins AS (
      INSERT INTO customers (org_id, external_id, name, email, company, country, industry, segment, source_upload_id)
      SELECT ${orgId}, s.key, coalesce(s.name, s.fallback_name), s.email, s.company, s.country, s.industry,
        s.segment, ${uploadId}::uuid
      FROM ${s} s
      ON CONFLICT (org_id, external_id) DO NOTHING
      RETURNING 1)
    SELECT count(*) AS n FROM ins`,
  );
  return updated + inserted;
}

const ITEM_FIELDS = [
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
const itemTuple = (table: string) => sql.raw(`(${ITEM_FIELDS.map((c) => `${table}.${c}`).join(", ")})`);
const ITEM_SETS = sql.raw(ITEM_FIELDS.map((c) => `${c} = excluded.${c}`).join(", "));

/** Items upserted by (org, csv, key); returns how many were new or changed (the rest were identical). */
async function upsertItems(tx: Db, input: BatchInput, stage: string): Promise<number> {
  const { orgId, uploadId } = input;
  const s = sql.raw(stage);
  await tx.execute(sql`
    INSERT INTO plans (org_id, external_id, name, source_upload_id)
    SELECT DISTINCT ${orgId}::uuid, s.plan, s.plan, ${uploadId}::uuid FROM ${s} s WHERE s.plan IS NOT NULL
    ON CONFLICT (org_id, external_id) DO NOTHING`);
  return count(
    tx,
    // "old": the customer each existing item had, looked up per staged key through the unique index (a
    // join could scan all the org's items every batch). The statement's snapshot is from before the upsert.
    sql`WITH old AS MATERIALIZED (
      SELECT s.key AS external_id, o.customer_id FROM ${s} s
      CROSS JOIN LATERAL (
        SELECT i.customer_id FROM subscription_items i
        WHERE i.org_id = ${orgId} AND i.source = 'csv' AND i.external_id = s.key
        LIMIT 1) o
    ), up AS (
      INSERT INTO subscription_items (org_id, source, external_id, source_upload_id, ${ITEM_VALUES})
      SELECT ${orgId}::uuid, 'csv', s.key, ${uploadId}::uuid, c.id, p.id, s.quantity, s.unit_amount, s.currency,
        s.interval_unit::interval_unit, s.interval_count, s.discount_percent, s.discount_amount, s.start_date,
        s.end_date, s.status::item_status, s.mrr, s.fx_rate
      FROM ${s} s
      JOIN customers c ON c.org_id = ${orgId} AND c.external_id = s.customer_key
      LEFT JOIN plans p ON p.org_id = ${orgId} AND p.external_id = s.plan
      ON CONFLICT (org_id, source, external_id) DO UPDATE SET ${ITEM_SETS}, updated_at = now()
      WHERE ${itemTuple("subscription_items")} IS DISTINCT FROM ${itemTuple("excluded")}
      RETURNING id, external_id, customer_id, status, start_date, end_date
    ), periods_gone AS (
      DELETE FROM subscription_item_periods WHERE item_id IN (SELECT id FROM up)
    ), periods_new AS (
      INSERT INTO subscription_item_periods (org_id, item_id, kind, start_date, end_date)
      SELECT ${orgId}::uuid, id, status::text::item_period_kind, start_date, end_date FROM up
      WHERE status IN ('trialing', 'paused')
    ), touched AS (
      INSERT INTO upload_touched_customers (upload_id, customer_id)
      SELECT DISTINCT ${uploadId}::uuid, t.customer_id
      FROM (SELECT customer_id FROM up UNION SELECT old.customer_id FROM up JOIN old USING (external_id)) t
      ON CONFLICT DO NOTHING
    )
    SELECT count(*) AS n FROM up`,
  );
}

/** Writes one batch and moves the resume position, atomically. */
export async function writeBatch(db: Db, input: BatchInput): Promise<BatchCounts> {
  return db.transaction(async (tx) => {
    const [upload] = await queryRows<{ records_done: number }>(
      tx,
      sql`SELECT records_done FROM uploads WHERE id = ${input.uploadId} AND org_id = ${input.orgId} FOR UPDATE`,
    );
    if (!upload || Number(upload.records_done) !== input.expectedDone) throw new ImportSuperseded();
    const load = loaderFor(tx, input.engine);
    const keyOf =
      input.kind === "subscriptions"
        ? (r: StagedRow) => r.item?.key ?? r.customer.key
        : (r: StagedRow) => r.customer.key;
    const earlier = await writtenByThisUpload(tx, input, [...new Set(input.rows.map(keyOf))]);
    const { keep, dups } = splitDuplicates(input.rows, keyOf, earlier);
    const what = input.kind === "subscriptions" ? "subscription" : "customer";
    const rejections: Rejection[] = [
      ...input.rejections,
      ...dups.map(({ row, firstLine }) => ({
        line: row.line,
        column: null,
        field: input.kind === "subscriptions" ? "subscription_id" : "customer_id",
        value: keyOf(row).startsWith("row:") ? null : keyOf(row),
        message: `repeats the ${what} of ${firstLine ? `row ${firstLine}` : "an earlier row"} (${
          keyOf(row).startsWith("row:")
            ? "same customer, plan, start date and amount"
            : `same id '${keyOf(row)}'`
        }); it is imported once`,
      })),
    ];
    const suffix = randomBytes(4).toString("hex");
    const stageC = `import_customers_${suffix}`;
    await tx.execute(
      sql.raw(`CREATE TEMP TABLE ${stageC} (key text, name text, fallback_name text, email text, company text,
        country text, industry text, segment text) ON COMMIT DROP`),
    );
    await load(stageC, CUSTOMER_COLS, mergeCustomers(keep).map(customerRow));
    let imported: number;
    if (input.kind === "subscriptions") {
      await upsertCustomers(tx, input, stageC);
      const stageI = `import_items_${suffix}`;
      await tx.execute(
        sql.raw(`CREATE TEMP TABLE ${stageI} (key text, customer_key text, plan text, quantity integer,
          unit_amount bigint, currency text, interval_unit text, interval_count integer,
          discount_percent numeric(7, 4), discount_amount bigint, start_date date, end_date date, status text,
          mrr bigint, fx_rate numeric(20, 10)) ON COMMIT DROP`),
      );
      await load(
        stageI,
        ITEM_COLS,
        keep.flatMap((r) => (r.item ? [itemRow(r.item)] : [])),
      );
      imported = await upsertItems(tx, input, stageI);
    } else {
      imported = await upsertCustomers(tx, input, stageC);
    }
    await load(
      "upload_rejections",
      REJECTION_COLS,
      rejections.map((r) => [
        input.uploadId,
        input.orgId,
        r.line,
        r.column,
        r.field,
        r.value === null ? null : r.value.length > MAX_VALUE ? `${r.value.slice(0, MAX_VALUE)}…` : r.value,
        r.message,
      ]),
    );
    const counts: BatchCounts = {
      read: input.rows.length + input.rejectedRows,
      imported,
      unchanged: keep.length - imported,
      rejected: input.rejectedRows + dups.length,
    };
    await tx.execute(sql`
      UPDATE uploads SET
        rows_read = rows_read + ${counts.read}, rows_imported = rows_imported + ${counts.imported},
        rows_unchanged = rows_unchanged + ${counts.unchanged}, rows_rejected = rows_rejected + ${counts.rejected},
        records_done = ${input.newDone}, read_complete = ${input.readComplete},
        bytes_processed = greatest(bytes_processed, ${input.bytesProcessed}), updated_at = now()
      WHERE id = ${input.uploadId} AND org_id = ${input.orgId}`);
    return counts;
  });
}
