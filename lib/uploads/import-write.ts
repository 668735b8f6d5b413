import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { dbErrorWith, queryRows } from "@/db/rows";
import { copyLines, csvLine, type Engine, type Loader, loaderFor } from "./import-load";
import type { Rejection, StagedCustomer, StagedItem, StagedRow } from "./import-rows";
import {
  customerIdsByKey,
  customersWrittenByThisUpload,
  recordSeenKeys,
  splitChangedItems,
  trackTouched,
  upsertCustomers,
  upsertItems,
} from "./import-sql";

export { detectEngine, type Engine } from "./import-load";
export { ALL_CUSTOMERS, REBUILD_ABOVE } from "./import-sql";

/*
 * One batch of an import, written in ONE transaction: its customers, plans and items, its rejected rows,
 * the customers whose metrics must be updated, and the upload's counters with the resume position. The
 * transaction starts by locking the upload row and checking the resume position it expects, so two runs
 * of one import can never both commit the same batch.
 *
 * Set-based: the batch's rows go into temporary staging tables (import-load.ts), then one statement per
 * table. Items: one INSERT … SELECT … ON CONFLICT DO UPDATE … WHERE changed, whose RETURNING drives the
 * status periods and the touched customers in the same statement; the rows it did not return are either
 * unchanged or repeats of an item an earlier batch of this upload wrote, told apart by one index lookup
 * each (LIMIT 1 keeps the planner from reading everything the upload wrote, which would make the import
 * quadratic). A batch that turns out to hold such repeats is rolled back to a savepoint and written again
 * without them, so a rejected repeat changes nothing, not even its customer's attributes.
 *
 * Derived metrics: the customers whose items changed are recorded per upload (upload_touched_customers)
 * until there are more than REBUILD_ABOVE of them; then a single row with the nil uuid says "all of
 * them" and the import ends with one rebuildRevenue of the org instead of an incremental update.
 */

export type BatchInput = {
  orgId: string;
  uploadId: string;
  kind: "subscriptions" | "customers";
  engine: Engine;
  /** records_done the batch starts from; the batch commits only if the upload is still there. */
  expectedDone: number;
  /** records_done after this batch. */
  newDone: number;
  /** After this batch: where the next record starts (decoded bytes) and the line before it. */
  resumeOffset: number;
  resumeLine: number;
  rows: StagedRow[];
  rejections: Rejection[];
  /** Rows rejected before the batch (parse errors): counted in rows_read and rows_rejected. */
  rejectedRows: number;
  bytesProcessed: number;
  readComplete: boolean;
  /**
   * Subscriptions: customers an earlier batch of this run already wrote with exactly these attributes
   * (writing them again changes nothing) may be left out. Called with each merged customer.
   */
  alreadyWritten?: (c: StagedCustomer) => boolean;
  /**
   * Subscriptions: the id of a customer (by key) that an earlier batch of this run resolved; the batch
   * looks up only the others. A customer's id never changes while it exists.
   */
  knownCustomerId?: (key: string) => string | undefined;
  /** Default REBUILD_ABOVE (tests lower it). */
  rebuildAbove?: number;
  /** The day changes to earlier uploads' items take effect (BatchTarget.changesFrom). */
  changesFrom?: string;
  /** UploadOptions.endMissingOn: the batch records the items it saw (BatchTarget.endMissingOn). */
  endMissingOn?: string;
  /** With endMissingOn: the item keys the batch's rejected rows name by id (listedItemKey). */
  listedKeys?: readonly string[];
  /** Milliseconds per step are added here (bench:import's breakdown). */
  timings?: Map<string, number>;
};

/** What every kind's batch transaction shares: the resume position it claims and the counters it moves. */
export type BatchProgress = Pick<
  BatchInput,
  | "orgId"
  | "uploadId"
  | "engine"
  | "expectedDone"
  | "newDone"
  | "resumeOffset"
  | "resumeLine"
  | "bytesProcessed"
  | "readComplete"
  | "timings"
>;

/** `fn`, its duration added to `timings` under `step`. */
export async function timed<T>(
  input: Pick<BatchInput, "timings">,
  step: string,
  fn: () => Promise<T>,
): Promise<T> {
  if (!input.timings) return fn();
  const start = performance.now();
  try {
    return await fn();
  } finally {
    input.timings.set(step, (input.timings.get(step) ?? 0) + performance.now() - start);
  }
}

export type BatchCounts = { read: number; imported: number; unchanged: number; rejected: number };
export type BatchResult = BatchCounts & {
  customersWritten: StagedCustomer[];
  /** Subscriptions: the customer ids (by key) this batch wrote or looked up. */
  customerIds: Map<string, string>;
  /** The run's memory named a customer that is gone (deleted meanwhile): forget it all. */
  memoryStale: boolean;
};

/** Another run of the same import committed first: this one stops without touching anything. */
export class ImportSuperseded extends Error {}

/**
 * Thrown inside the savepoint when the run's memory of a customer is stale (the customer was deleted
 * meanwhile): the batch is written again without the memory, which writes the customer again.
 */
class CustomerGone extends Error {}

/** A stale memory shows as the items' (org, customer) foreign key failing, or as an id no lookup finds. */
function isCustomerGone(error: unknown): boolean {
  if (error instanceof CustomerGone) return true;
  return dbErrorWith(error, "23503")?.message.includes("subscription_items_org_customer_fk") ?? false;
}

/** Thrown inside the savepoint to roll a batch back when it holds repeats of earlier batches' items. */
class RepeatsFound extends Error {
  constructor(readonly keys: string[]) {
    super("repeats of earlier batches");
  }
}

const keyOfRow = (kind: BatchInput["kind"]) =>
  kind === "subscriptions"
    ? (r: StagedRow) => r.item?.key ?? r.customer.key
    : (r: StagedRow) => r.customer.key;

/** The first row of each key is kept; later ones (in this batch, or written by an earlier one) are repeats. */
function splitDuplicates(rows: StagedRow[], keyOf: (r: StagedRow) => string, seen: ReadonlySet<string>) {
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

const ATTRIBUTES = ["name", "email", "company", "country", "industry", "segment"] as const;

/** Customers of a batch merged by key: the last value given for each attribute wins. */
function mergeCustomers(rows: StagedRow[]): StagedCustomer[] {
  const byKey = new Map<string, StagedCustomer>();
  for (const { customer: c } of rows) {
    const prev = byKey.get(c.key);
    if (!prev) {
      byKey.set(c.key, { ...c });
      continue;
    }
    for (const k of ATTRIBUTES) if (c[k] !== null) prev[k] = c[k];
  }
  return [...byKey.values()];
}

const CUSTOMER_COLS = ["key", "name", "fallback_name", "email", "company", "country", "industry", "segment"];
/** The items' staging columns: customer_id last, so a prepared line (prepareBatch) only needs it appended. */
const ITEM_COLS = [
  "key",
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
  "customer_id",
];
const REJECTION_COLS = ["upload_id", "org_id", "line", "column", "field", "value", "message", "record"];
const MAX_VALUE = 1000;
/** A rejected row longer than this (as JSON) is not kept whole: its problems are still listed. */
const MAX_RECORD = 64 * 1024;

function recordJson(record: readonly string[] | undefined): string | null {
  if (!record) return null;
  const json = JSON.stringify(record);
  return json.length > MAX_RECORD ? null : json;
}

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
/** An item's staging values but customer_id (ITEM_COLS's order). */
const itemValues = (i: StagedItem): unknown[] => [
  i.key,
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

/**
 * Called with a batch's rows before its transaction, while the batch before it is being written: on the
 * COPY engines (server and PGlite in process) each item's staging line is built then (all but its
 * customer's id), so the transaction only appends the id. Building the lines inside took ~2 s per
 * million rows of the transaction's time, measured in isolation.
 */
export function prepareBatch(engine: Engine, rows: readonly StagedRow[]): void {
  if (engine === "json") return;
  for (const r of rows) if (r.item) r.item.copyLine = csvLine(itemValues(r.item));
}

function repeatRejection(kind: BatchInput["kind"], key: string, row: StagedRow, firstLine: number | null) {
  const what = kind === "subscriptions" ? "subscription" : "customer";
  const byRow = key.startsWith("row:");
  return {
    line: row.line,
    column: null,
    field: kind === "subscriptions" ? "subscription_id" : "customer_id",
    value: byRow ? null : key,
    message: `repeats the ${what} of ${firstLine ? `row ${firstLine}` : "an earlier row"} (${
      byRow ? "same customer, plan, start date and amount" : `same id '${key}'`
    }); it is imported once${
      // A subscription with several items on rows of their own (an add-on): say how to keep each.
      kind === "subscriptions" && !byRow
        ? ". If the file has a row per subscription item, map the item's id column as the subscription item id to import each item"
        : ""
    }`,
  };
}

type Attempt = { imported: number; keep: StagedRow[]; dups: ReturnType<typeof splitDuplicates>["dups"] };

/**
 * The id of every customer the batch's items name, once the batch's customers are upserted (so every one
 * exists): those the upsert wrote (`upserted`), known ones from the run's memory, the rest by one lookup
 * each (a customer the upsert left as it was). Adds the ones it learnt to `found`.
 */
async function resolveCustomerIds(
  tx: Db,
  input: BatchInput,
  keep: readonly StagedRow[],
  upserted: ReadonlyMap<string, string>,
  found: Map<string, string>,
  remembered: boolean,
): Promise<(key: string) => string> {
  const ids = new Map<string, string>();
  const unknown = new Set<string>();
  for (const r of keep) {
    const key = r.item?.customerKey;
    if (key === undefined || ids.has(key) || unknown.has(key)) continue;
    const id = upserted.get(key) ?? (remembered ? input.knownCustomerId?.(key) : undefined);
    if (id === undefined) unknown.add(key);
    else ids.set(key, id);
  }
  for (const [key, id] of upserted) found.set(key, id);
  for (const [key, id] of await customerIdsByKey(tx, input, [...unknown])) {
    ids.set(key, id);
    found.set(key, id);
  }
  return (key) => {
    const id = ids.get(key);
    // Only when a customer the run's memory left out of the upsert was deleted meanwhile.
    if (id === undefined) throw new CustomerGone(`customer '${key}' is no longer there`);
    return id;
  };
}

/**
 * The batch's rows without `excluded` keys: customers, then items (subscriptions). `remembered`: whether
 * the run's memory of customers (alreadyWritten, knownCustomerId) may be used.
 */
async function writeRows(
  tx: Db,
  input: BatchInput,
  load: Loader,
  excluded: ReadonlySet<string>,
  written: StagedCustomer[],
  found: Map<string, string>,
  remembered: boolean,
): Promise<Attempt> {
  const keyOf = keyOfRow(input.kind);
  const subscriptions = input.kind === "subscriptions";
  const earlier = subscriptions
    ? excluded
    : await customersWrittenByThisUpload(tx, input, [...new Set(input.rows.map(keyOf))]);
  const { keep, dups } = splitDuplicates(input.rows, keyOf, earlier);
  const merged = mergeCustomers(keep);
  const customers =
    subscriptions && remembered && input.alreadyWritten
      ? merged.filter((c) => !input.alreadyWritten?.(c))
      : merged;
  const suffix = randomBytes(4).toString("hex");
  const stageC = `import_customers_${suffix}`;
  await tx.execute(
    sql.raw(`CREATE TEMP TABLE ${stageC} (key text, name text, fallback_name text, email text, company text,
      country text, industry text, segment text) ON COMMIT DROP`),
  );
  await timed(input, "stage customers", () => load(stageC, CUSTOMER_COLS, customers.map(customerRow)));
  const upserted = await timed(input, "upsert customers", () => upsertCustomers(tx, input, stageC));
  if (!subscriptions) return { imported: upserted.size, keep, dups };
  const track = await trackTouched(tx, input, merged.length);
  const stageI = `import_items_${suffix}`;
  await tx.execute(
    sql.raw(`CREATE TEMP TABLE ${stageI} (key text, plan text, quantity integer, unit_amount bigint,
      currency text, interval_unit text, interval_count integer, discount_percent numeric(7, 4),
      discount_amount bigint, start_date date, end_date date, status text, mrr bigint,
      fx_rate numeric(20, 10), customer_id uuid) ON COMMIT DROP`),
  );
  const idOf = await timed(input, "customer ids", () =>
    resolveCustomerIds(tx, input, keep, upserted, found, remembered),
  );
  const items = keep.flatMap((r) => (r.item ? [r.item] : []));
  await timed(input, "stage items", () =>
    items.every((i) => i.copyLine !== null)
      ? copyLines(tx, stageI, ITEM_COLS, items.length, (n) => {
          const i = items[n] as StagedItem;
          return `${i.copyLine},${idOf(i.customerKey)}`;
        })
      : load(
          stageI,
          ITEM_COLS,
          items.map((i) => [...itemValues(i), idOf(i.customerKey)]),
        ),
  );
  const { changed, repeats, changedItems } = await timed(input, "upsert items", () =>
    upsertItems(tx, input, stageI, track),
  );
  if (repeats.length > 0) throw new RepeatsFound(repeats);
  if (changedItems.length > 0)
    await timed(input, "split items", () => splitChangedItems(tx, input, changedItems));
  if (input.endMissingOn)
    await timed(input, "seen keys", () =>
      recordSeenKeys(tx, { ...input, fromRecord: input.expectedDone }, stageI, input.listedKeys ?? []),
    );
  written.push(...customers);
  return { imported: changed, keep, dups };
}

/**
 * First statement of a batch's transaction: locks the upload row and checks the resume position, so two
 * runs of one import never both commit the same batch.
 */
export async function claimBatch(tx: Db, input: BatchProgress): Promise<void> {
  const [upload] = await queryRows<{ records_done: number }>(
    tx,
    sql`SELECT records_done FROM uploads WHERE id = ${input.uploadId} AND org_id = ${input.orgId} FOR UPDATE`,
  );
  if (!upload || Number(upload.records_done) !== input.expectedDone) throw new ImportSuperseded();
}

/** Last statements of a batch's transaction: its rejected rows, the counters and the resume position. */
export async function recordBatch(
  tx: Db,
  input: BatchProgress,
  rejections: readonly Rejection[],
  counts: BatchCounts,
): Promise<void> {
  const load = loaderFor(tx, input.engine);
  await timed(input, "rejections", () =>
    load(
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
        recordJson(r.record),
      ]),
    ),
  );
  await tx.execute(sql`
    UPDATE uploads SET
      rows_read = rows_read + ${counts.read}, rows_imported = rows_imported + ${counts.imported},
      rows_unchanged = rows_unchanged + ${counts.unchanged}, rows_rejected = rows_rejected + ${counts.rejected},
      records_done = ${input.newDone}, resume_offset = ${input.resumeOffset}, resume_line = ${input.resumeLine},
      read_complete = ${input.readComplete},
      bytes_processed = greatest(bytes_processed, ${input.bytesProcessed}), updated_at = now()
    WHERE id = ${input.uploadId} AND org_id = ${input.orgId}`);
}

/** Writes one batch and moves the resume position, atomically. */
export async function writeBatch(db: Db, input: BatchInput): Promise<BatchResult> {
  return db.transaction(async (tx) => {
    await claimBatch(tx, input);
    const load = loaderFor(tx, input.engine);
    const excluded = new Set<string>();
    const written: StagedCustomer[] = [];
    const found = new Map<string, string>();
    let attempt: Attempt | null = null;
    let repeatsLeftOut = false;
    let remembered = true;
    // Three times at most: an attempt leaves out the repeats an earlier one found, or the run's memory
    // of customers when it named one that is gone (a customer deleted in the app while its import runs).
    while (attempt === null) {
      try {
        attempt = await tx.transaction((sp) =>
          writeRows(sp, input, load, excluded, written, found, remembered),
        );
      } catch (error) {
        if (error instanceof RepeatsFound && !repeatsLeftOut) {
          repeatsLeftOut = true;
          for (const k of error.keys) excluded.add(k);
        } else if (remembered && isCustomerGone(error)) remembered = false;
        else throw error;
        written.length = 0;
        found.clear(); // customers the attempt inserted were rolled back with it
      }
    }
    const { imported, keep, dups } = attempt;
    const keyOf = keyOfRow(input.kind);
    const rejections: Rejection[] = [
      ...input.rejections,
      ...dups.map(({ row, firstLine }) => repeatRejection(input.kind, keyOf(row), row, firstLine)),
    ];
    const counts: BatchCounts = {
      read: input.rows.length + input.rejectedRows,
      imported,
      unchanged: keep.length - imported,
      rejected: input.rejectedRows + dups.length,
    };
    await recordBatch(tx, input, rejections, counts);
    return { ...counts, customersWritten: written, customerIds: found, memoryStale: !remembered };
  });
}
