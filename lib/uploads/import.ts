import { hash } from "node:crypto";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { CsvError } from "csv-parse";
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { organizations, type Upload, uploadSeenKeys, uploads, uploadTouchedCustomers } from "@/db/schema";
import { AppError, notFound } from "@/lib/errors";
import type { TEvent } from "@/lib/events/event";
import { createDecodeStream, type TEncoding } from "@/lib/ingest/encoding";
import { columnOfField, type TMappedColumn } from "@/lib/ingest/formats";
import { createRowNormaliser, describeRowError } from "@/lib/ingest/normalise";
import { PositionedParser, type PositionedRecord } from "@/lib/ingest/positioned-parser";
import { rebuildRevenue, updateRevenueForCustomers } from "@/lib/metrics/derive";
import { stageEvent, writeEventBatch } from "./import-events";
import {
  listedItemKey,
  type Rejection,
  type StageContext,
  type StagedCustomer,
  type StagedRow,
  stageRow,
} from "./import-rows";
import { endMissingItems, trackTouched } from "./import-sql";
import {
  ALL_CUSTOMERS,
  detectEngine,
  ImportSuperseded,
  prepareBatch,
  timed,
  writeBatch,
} from "./import-write";
import { loadRates, queueImport } from "./plan";
import { uploadByteStream } from "./store";

/*
 * The import pipeline, shared by the job (inngest/functions/import-upload.ts) and the CLI: stored chunks →
 * decoder → csv-parse (streaming; memory does not grow with the file) → one normaliser per mapping →
 * batches of BATCH_ROWS records → writeBatch (one transaction each) → at the end, the derived metrics of
 * every customer the import changed (one rebuild of the org when that is more than REBUILD_ABOVE).
 *
 * Guarantee: resumable per batch. A batch's rows, rejections, counters, touched customers and the resume
 * position (records_done: data records consumed; resume_offset/resume_line: where the next record starts
 * in the decoded text, and the line before it) commit together. A killed import, run again, or the job's
 * next step, starts reading at that offset (an import begun before the offset existed parses the file
 * from the start and skips records_done records), and ends with the counts an uninterrupted run would
 * have had. A CSV structure error (a quote never closed, a record over 32 MB) is reported as
 * one rejected row at the line it starts on; the rows before it are imported and the rest is not read.
 */

export const BATCH_ROWS = 10_000;
/** Customers a run remembers (CustomerMemory); forgotten all at once beyond this. */
const WRITTEN_CUSTOMERS_CAP = 200_000;
const MAX_RECORD_CHARS = 32 * 1024 * 1024;

/** The md5 digest (base64) of a customer's attributes: what CustomerMemory compares. */
function signature(c: StagedCustomer): string {
  const attributes = [c.name, c.email, c.company, c.country, c.industry, c.segment];
  // crypto's one-shot hash: ~0.6 µs against ~1.3 µs for createHash().update().digest() here.
  return hash("md5", attributes.map((v) => (v === null ? "\u0001" : v)).join("\u0000"), "base64");
}
const SIGNATURE_CHARS = 24;

/**
 * `a + b` is kept by V8 as a pair pointing at both parts; an ASCII copy is one string (with 100,000
 * customers, 19 MB instead of 23 MB held, measured with ids read by postgres.js).
 */
const flat = (s: string) => Buffer.from(s, "latin1").toString("latin1");

/**
 * What a run remembers of the customers it wrote (subscriptions name each customer on many rows). A
 * customer it wrote with the same attributes need not be written again (only committed writes count),
 * and its id spares every later item row a lookup (a batch learns the ids of the customers it writes,
 * and looks up only those it neither writes nor knows). One string per customer key: the attributes'
 * signature, then the id once known: ~19 MB for 100,000 customers (a digest of the attributes is a
 * third of their strings). Keys as they are: hashing them, ~1.4 µs a key, took ~2.6 s per million rows
 * on the import's path. Forgotten all at once beyond WRITTEN_CUSTOMERS_CAP.
 */
class CustomerMemory {
  private readonly byKey = new Map<string, string>();

  /** Whether this run wrote the customer with exactly these attributes. */
  wrote(c: StagedCustomer): boolean {
    return this.byKey.get(c.key)?.startsWith(signature(c)) ?? false;
  }

  idOf(key: string): string | undefined {
    return this.byKey.get(key)?.slice(SIGNATURE_CHARS) || undefined;
  }

  /** Everything: a batch found a customer it remembered gone (deleted meanwhile). */
  forget(): void {
    this.byKey.clear();
  }

  /** After a committed batch: the customers it wrote, and the ids (by key) it learnt. */
  remember(written: readonly StagedCustomer[], ids: ReadonlyMap<string, string>): void {
    if (this.byKey.size + written.length > WRITTEN_CUSTOMERS_CAP) this.byKey.clear();
    for (const c of written)
      this.byKey.set(c.key, flat(signature(c) + (ids.get(c.key) ?? this.idOf(c.key) ?? "")));
    for (const [key, id] of ids) {
      const kept = this.byKey.get(key);
      if (kept?.length === SIGNATURE_CHARS) this.byKey.set(key, flat(kept + id));
    }
  }
}

/**
 * The memory of imports that stopped after `maxBatches` (a step of the import job), for the call that
 * continues them in this process: without it each step wrote every customer once more (a no-op update,
 * still one index lookup each) and looked each one up again. Keyed by upload, it holds for the position
 * it was kept at: a call starting anywhere else (another process committed batches meanwhile, or a
 * batch failed) starts empty. Imports of several orgs run at once; the oldest kept beyond
 * CARRIED_IMPORTS is dropped.
 */
const carried = new Map<string, { recordsDone: number; memory: CustomerMemory }>();
const CARRIED_IMPORTS = 4;

function takeCarried(upload: Upload): CustomerMemory {
  const kept = carried.get(upload.id);
  carried.delete(upload.id);
  return kept?.recordsDone === upload.recordsDone ? kept.memory : new CustomerMemory();
}

function keepCarried(uploadId: string, recordsDone: number, memory: CustomerMemory): void {
  carried.set(uploadId, { recordsDone, memory });
  for (const id of carried.keys()) if (carried.size > CARRIED_IMPORTS) carried.delete(id);
}

export type ImportProgress = {
  uploadId: string;
  rowsRead: number;
  rowsImported: number;
  rowsRejected: number;
  rowsUnchanged: number;
  bytesProcessed: number;
  sizeBytes: number;
  /** Batches committed by this call. */
  batches: number;
};

export type ImportHooks = {
  /** Called after each committed batch; a throw stops the import there (tests simulate crashes so). */
  onProgress?: (progress: ImportProgress) => void | Promise<void>;
  batchSize?: number;
  /** Stop after this many batches and return `done: false` (the job imports in several steps). */
  maxBatches?: number;
  /** Day that decides whether a row without status has ended (default today, UTC). */
  today?: string;
  /** Passed to updateRevenueForCustomers (tests). */
  asOf?: Date;
  /** Above this many touched customers the import ends with a rebuild (default REBUILD_ABOVE; tests). */
  rebuildAbove?: number;
  /** Milliseconds per write step are added here (bench:import). */
  timings?: Map<string, number>;
};

export type ImportResult = { upload: Upload; done: boolean };

async function load(db: Db, orgId: string, uploadId: string): Promise<Upload> {
  const [upload] = await db
    .select()
    .from(uploads)
    .where(and(eq(uploads.orgId, orgId), eq(uploads.id, uploadId)));
  if (!upload || upload.sha256 === null) throw notFound("Upload not found.");
  return upload;
}

async function setStatus(db: Db, upload: Upload, set: Partial<Upload>): Promise<Upload> {
  const [row] = await db
    .update(uploads)
    .set({ ...set, updatedAt: new Date() })
    .where(and(eq(uploads.orgId, upload.orgId), eq(uploads.id, upload.id)))
    .returning();
  return row ?? upload;
}

function csvErrorMessage(error: CsvError): string {
  switch (error.code) {
    case "CSV_QUOTE_NOT_CLOSED":
      return "a quoted value that starts on this row is never closed, so the rest of the file reads as one value and was not imported: close the quote and upload the file again";
    case "CSV_MAX_RECORD_SIZE":
      return "this row is longer than 32 MB, so it and the rest of the file were not imported";
    case "CSV_INVALID_CLOSING_QUOTE":
      return "a quoted value on this row has characters after its closing quote (write a quote inside a quoted value as two quotes), so it and the rest of the file were not imported";
    default:
      return `the file cannot be read as CSV from this row on (${error.message}), so the rest was not imported`;
  }
}

/**
 * Imports a queued upload (or continues an interrupted one). An upload never queued is planned with the
 * detected kind and mapping first. Returns the upload as it ends; `done: false` only when `maxBatches`
 * stopped it early.
 */
export async function importUpload(
  db: Db,
  { orgId, uploadId }: { orgId: string; uploadId: string },
  hooks: ImportHooks = {},
): Promise<ImportResult> {
  let upload = await load(db, orgId, uploadId);
  if (upload.status === "complete") return { upload, done: true };
  if (upload.mapping === null || upload.kind === null) {
    try {
      upload = await queueImport(db, { orgId, uploadId });
    } catch (error) {
      if (!(error instanceof AppError) || error.status !== 422) throw error;
      const failed = await setStatus(db, await load(db, orgId, uploadId), {
        status: "failed",
        error: error.message,
        finishedAt: new Date(),
      });
      return { upload: failed, done: true };
    }
  }
  upload = await setStatus(db, upload, {
    status: "importing",
    error: null,
    startedAt: upload.startedAt ?? new Date(),
    finishedAt: null,
  });
  try {
    if (!upload.readComplete) {
      const read = await readAndWrite(db, upload, hooks);
      if (!read.complete) return { upload: await load(db, orgId, uploadId), done: false };
    }
    return { upload: await finish(db, upload, hooks), done: true };
  } catch (error) {
    if (error instanceof ImportSuperseded) return { upload: await load(db, orgId, uploadId), done: true };
    const message = error instanceof Error ? error.message : String(error);
    await setStatus(db, upload, {
      status: "failed",
      error: `The import stopped: ${message.slice(0, 1000)}. Run it again to continue where it stopped.`,
      finishedAt: new Date(),
    });
    throw error;
  }
}

/**
 * The metrics of every customer the import changed, then `complete`: one rebuild of the org when the
 * import touched more than REBUILD_ABOVE customers (the batches then record only the ALL_CUSTOMERS
 * marker), else the incremental update of those customers in the transaction that completes the upload.
 * The rebuild runs on its own (on several connections where it can: lib/metrics/derive.ts); it is
 * idempotent, so a stop before `complete` only means the next run rebuilds again.
 */
async function finish(db: Db, upload: Upload, hooks: ImportHooks): Promise<Upload> {
  const day = upload.options.endMissingOn;
  if (day && upload.kind === "subscriptions" && upload.itemsEnded === null) {
    await timed(hooks, "end missing (once)", () => endMissing(db, upload, day, hooks));
  }
  const touched = await db
    .select({ id: uploadTouchedCustomers.customerId })
    .from(uploadTouchedCustomers)
    .where(eq(uploadTouchedCustomers.uploadId, upload.id));
  const options = hooks.asOf ? { asOf: hooks.asOf } : {};
  const all = touched.some((t) => t.id === ALL_CUSTOMERS);
  if (all) await rebuildRevenue(db, upload.orgId, options);
  return db.transaction(async (tx) => {
    if (!all) {
      await updateRevenueForCustomers(
        tx,
        upload.orgId,
        touched.map((t) => t.id),
        options,
      );
    }
    await tx.delete(uploadTouchedCustomers).where(eq(uploadTouchedCustomers.uploadId, upload.id));
    return setStatus(tx, upload, {
      status: "complete",
      bytesProcessed: upload.sizeBytes,
      finishedAt: new Date(),
    });
  });
}

/**
 * UploadOptions.endMissingOn, once: ends the earlier uploads' items the file did not list
 * (endMissingItems), records their customers as touched, and sets items_ended, in one transaction that
 * first locks the upload and checks items_ended is still null (a re-run after a stop, or a second run,
 * finds it set and skips this). The items seen are no longer needed then.
 */
async function endMissing(db: Db, upload: Upload, day: string, hooks: ImportHooks): Promise<void> {
  await db.transaction(async (tx) => {
    const [now] = await tx
      .select({ itemsEnded: uploads.itemsEnded })
      .from(uploads)
      .where(and(eq(uploads.orgId, upload.orgId), eq(uploads.id, upload.id)))
      .for("update");
    if (!now || now.itemsEnded !== null) return;
    const target = { orgId: upload.orgId, uploadId: upload.id, rebuildAbove: hooks.rebuildAbove };
    const customers = await timed(hooks, "end missing: items", () =>
      endMissingItems(tx, { ...target, endMissingOn: day }),
    );
    const distinct = [...new Set(customers)];
    await timed(hooks, "end missing: touched", async () => {
      if (distinct.length > 0 && (await trackTouched(tx, target, distinct.length))) {
        await tx
          .insert(uploadTouchedCustomers)
          .values(distinct.map((customerId) => ({ uploadId: upload.id, customerId })))
          .onConflictDoNothing();
      }
    });
    await timed(hooks, "end missing: seen keys", () =>
      tx.delete(uploadSeenKeys).where(eq(uploadSeenKeys.uploadId, upload.id)),
    );
    await tx
      .update(uploads)
      .set({ itemsEnded: customers.length, updatedAt: new Date() })
      .where(and(eq(uploads.orgId, upload.orgId), eq(uploads.id, upload.id)));
  });
}

type Batch = {
  rows: StagedRow[];
  /** The events kind's rows (ENG-1 events), instead of `rows`. */
  events: TEvent[];
  rejections: Rejection[];
  /** Rows rejected before staging (parse errors): counted in rows_read and rows_rejected. */
  rejectedRows: number;
  /** Subscriptions: the item keys rejected rows name by id (listedItemKey), seen by end-missing too. */
  listed: string[];
  /** Data records the batch consumes: what records_done moves by. */
  records: number;
  /** Where the batch ends: decoded bytes read through its last record, and the line that record ends on. */
  bytes: number;
  line: number;
};

const emptyBatch = (at: { bytes: number; line: number }): Batch => ({
  rows: [],
  events: [],
  rejections: [],
  rejectedRows: 0,
  listed: [],
  records: 0,
  bytes: at.bytes,
  line: at.line,
});

function listRejected(batch: Batch, row: Record<string, unknown>): void {
  const key = listedItemKey(row);
  if (key !== null) batch.listed.push(key);
}

/** Drops the first `bytes` bytes (UTF-8) of a decoded text stream: a record boundary, so a character's. */
function skipDecoded(bytes: number): Transform {
  let left = bytes;
  return new Transform({
    objectMode: true,
    transform(text: string, _encoding, callback) {
      if (left === 0) return callback(null, text);
      const size = Buffer.byteLength(text);
      if (size <= left) {
        left -= size;
        return callback();
      }
      const rest = Buffer.from(text).subarray(left).toString();
      left = 0;
      callback(null, rest);
    },
  });
}

/** Records parsed between two turns of the event loop while a batch is being written. */
const YIELD_EVERY = 64;

async function readAndWrite(db: Db, upload: Upload, hooks: ImportHooks): Promise<{ complete: boolean }> {
  const { orgId, id: uploadId } = upload;
  const kind = upload.kind ?? "subscriptions";
  const options = upload.options;
  const changesFrom =
    options.changesFrom && options.changesFrom !== "start" ? options.changesFrom : undefined;
  const mapping = (upload.mapping ?? []) as TMappedColumn[];
  const normalise = createRowNormaliser(kind, mapping, { defaultCurrency: options.defaultCurrency ?? null });
  const headerOf = columnOfField(mapping);
  const [org] = await db
    .select({
      currency: organizations.currency,
      timezone: organizations.timezone,
      settings: organizations.settings,
    })
    .from(organizations)
    .where(eq(organizations.id, orgId));
  if (!org) throw notFound();
  // Events: days in the org's timezone, activation by its activation events (ENG-1, ENG-4).
  const eventsTarget = {
    orgId,
    timezone: org.timezone,
    activationEvents: org.settings.activationEvents ?? [],
  };
  const ctx: StageContext = {
    reportingCurrency: org.currency,
    rates: await loadRates(db, orgId),
    today: hooks.today ?? new Date().toISOString().slice(0, 10),
    minorUnits: options.amountsIn === "minor",
  };
  const engine = await detectEngine(db);
  const batchSize = hooks.batchSize ?? BATCH_ROWS;
  const headerLine = options.headerLine ?? 0;
  // Where reading starts: after the last committed batch; without a stored offset, at the start of the
  // file, skipping the committed records.
  const resumeAt =
    upload.recordsDone > 0 && upload.resumeOffset !== null && upload.resumeLine !== null
      ? { bytes: upload.resumeOffset, line: upload.resumeLine }
      : null;
  const resumeFrom = resumeAt ? 0 : upload.recordsDone;

  let done = upload.recordsDone;
  let batches = 0;
  // Carried over to the next step of the same import (takeCarried).
  const memory = takeCarried(upload);

  /** One batch, one transaction; then the progress hook. Batches run strictly one after another. */
  const write = async (batch: Batch, readComplete: boolean) => {
    const progress = {
      orgId,
      uploadId,
      engine,
      expectedDone: done,
      newDone: done + batch.records,
      resumeOffset: batch.bytes,
      resumeLine: batch.line,
      bytesProcessed: Math.min(batch.bytes, upload.sizeBytes),
      readComplete,
      timings: hooks.timings,
    };
    if (kind === "events") {
      await writeEventBatch(db, {
        ...progress,
        target: eventsTarget,
        events: batch.events,
        rejections: batch.rejections,
        rejectedRows: batch.rejectedRows,
      });
    } else {
      const counts = await writeBatch(db, {
        ...progress,
        kind,
        rows: batch.rows,
        rejections: batch.rejections,
        rejectedRows: batch.rejectedRows,
        rebuildAbove: hooks.rebuildAbove,
        ...(changesFrom ? { changesFrom } : {}),
        ...(kind === "subscriptions" && options.endMissingOn
          ? { endMissingOn: options.endMissingOn, listedKeys: batch.listed }
          : {}),
        alreadyWritten: kind === "subscriptions" ? (c) => memory.wrote(c) : undefined,
        knownCustomerId: kind === "subscriptions" ? (key) => memory.idOf(key) : undefined,
      });
      if (counts.memoryStale) memory.forget();
      if (kind === "subscriptions") memory.remember(counts.customersWritten, counts.customerIds);
    }
    done += batch.records;
    batches++;
    if (hooks.onProgress) {
      const [now] = await db
        .select()
        .from(uploads)
        .where(and(eq(uploads.orgId, orgId), eq(uploads.id, uploadId)));
      if (now) {
        await hooks.onProgress({
          uploadId,
          rowsRead: now.rowsRead,
          rowsImported: now.rowsImported,
          rowsRejected: now.rowsRejected,
          rowsUnchanged: now.rowsUnchanged,
          bytesProcessed: now.bytesProcessed,
          sizeBytes: now.sizeBytes,
          batches,
        });
      }
    }
  };

  // Parsing overlaps writing: while batch n is written (its own transaction), batch n + 1 is parsed and
  // staged. At most one write is in flight and one batch is being filled, so memory stays at two batches,
  // and batch n + 1 is handed over only after batch n (and its progress hook) succeeded: the batches still
  // commit one at a time, in order, each checking records_done.
  let writing: Promise<void> | null = null;
  let writeFailed = false;
  let submitted = 0;
  const submit = async (batch: Batch, readComplete: boolean) => {
    if (writing) await writing; // a failed write throws here, before anything later is written
    submitted++;
    writing = write(batch, readComplete);
    writing.catch(() => {
      writeFailed = true; // seen by the parse loop; the error itself is thrown by the next await
    });
  };

  const start = resumeAt ?? { bytes: 0, line: 0 };
  let batch = emptyBatch(start);
  try {
    // A structure error (a quote never closed, …) is skipped rather than thrown, so the records parsed
    // before it are not lost with a failed stream; reading stops at the first one (what follows it cannot
    // be trusted) and it becomes one rejected row.
    let broken: { error: CsvError; after: number } | null = null;
    const parser = uploadParser(options.delimiter ?? ",", (error, after) => {
      broken = { error, after };
    });
    const source = Readable.from(uploadByteStream(db, orgId, uploadId));
    const decode = createDecodeStream((options.encoding ?? "utf-8") as TEncoding);
    const piping = resumeAt
      ? pipeline(source, decode, skipDecoded(resumeAt.bytes), parser)
      : pipeline(source, decode, parser);
    piping.catch(() => {}); // its error reaches the loop below through the parser
    // csv-parse's lines and bytes count from where it starts reading.
    let prevEnd = start.line;
    let prevEmpty = 0;
    let prevCounted = 0;
    let overcounted = 0;
    let index = 0;
    let consumed = 0;
    const isBroken = () => broken !== null && consumed >= (broken as { after: number }).after;
    for await (const { record, lines, emptyLines, bytes } of parser as AsyncIterable<PositionedRecord>) {
      if (writeFailed) break;
      if (isBroken()) break;
      consumed++;
      // The parser hands over buffered records without leaving the microtask queue: let the write's
      // database round trips through now and then, or the overlap is lost.
      if (writing && consumed % YIELD_EVERY === 0) await new Promise<void>((r) => setImmediate(r));
      // csv-parse reports the line a record ends on; the line it starts on is what people look for. It
      // counts a CRLF inside a quoted field as two lines: a record spanning more lines than its preceding
      // empty lines explain has each of its CRLFs counted once (single-line records skip the search).
      const empties = emptyLines - prevEmpty;
      if (lines - prevCounted > 1 + empties) overcounted += crlfCount(record);
      const line = prevEnd + 1 + empties;
      prevCounted = lines;
      prevEnd = start.line + lines - overcounted;
      prevEmpty = emptyLines;
      if (line <= headerLine) continue;
      if (index++ < resumeFrom) continue;
      batch.records++;
      batch.bytes = start.bytes + bytes;
      batch.line = prevEnd;
      if (!isEmptyRecord(record)) {
        const n = normalise(record, line);
        const before = batch.rejections.length;
        if (!n.ok) {
          batch.rejectedRows++;
          if (kind === "subscriptions") listRejected(batch, n.row);
          for (const e of n.errors) {
            batch.rejections.push({
              line,
              column: e.column,
              field: e.field,
              value: e.value,
              message: e.message,
            });
          }
        } else if (kind === "events") {
          const staged = stageEvent(n.row as Record<string, unknown>, line, headerOf);
          if (staged.ok) batch.events.push(staged.event);
          else {
            batch.rejectedRows++;
            batch.rejections.push(...staged.rejections);
          }
        } else {
          const staged = stageRow(kind, n.row as Record<string, unknown>, line, headerOf, ctx);
          if (staged.ok) batch.rows.push(staged.row);
          else {
            batch.rejectedRows++;
            if (kind === "subscriptions") listRejected(batch, n.row as Record<string, unknown>);
            batch.rejections.push(...staged.rejections);
          }
        }
        // A rejected row keeps its values on its first problem, for the download of the rows to fix.
        const first = batch.rejections[before];
        if (first) first.record = record;
      }
      if (batch.records >= batchSize) {
        const full = batch;
        batch = emptyBatch(full);
        prepareBatch(engine, full.rows);
        await submit(full, false);
        if (hooks.maxBatches !== undefined && submitted >= hooks.maxBatches) {
          await writing;
          parser.destroy();
          keepCarried(uploadId, done, memory);
          return { complete: false };
        }
      }
    }
    if (writing) await writing; // throws a failed write's error (writeFailed stopped the loop)
    const error = (broken as { error: CsvError } | null)?.error;
    if (error && index++ >= resumeFrom) {
      batch.records++;
      batch.rejectedRows++;
      batch.rejections.push({
        line: prevEnd + 1,
        column: null,
        field: null,
        value: null,
        message: csvErrorMessage(error),
      });
    }
    prepareBatch(engine, batch.rows);
    await submit(batch, true);
    await writing;
    return { complete: true };
  } finally {
    // Whatever ends the read, no write is left running behind the caller's back.
    if (writing) await (writing as Promise<void>).catch(() => {});
  }
}

/**
 * The parser every read of a stored upload uses (the import, leftOutItems): csv-parse, lenient about
 * ragged rows and stray quotes. A structure error (a quote never closed, a record over
 * MAX_RECORD_CHARS) is skipped rather than thrown; `onBroken` hears of the first one, with the number of
 * records emitted before it, where reading stops.
 */
export function uploadParser(
  delimiter: string,
  onBroken: (error: CsvError, after: number) => void,
): PositionedParser {
  let seen = false;
  const parser: PositionedParser = new PositionedParser({
    delimiter,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    max_record_size: MAX_RECORD_CHARS,
    skip_records_with_error: true,
    on_skip: (error) => {
      if (error && !seen) {
        seen = true;
        onBroken(error, parser.emitted);
      }
      return undefined;
    },
  });
  return parser;
}

function crlfCount(record: readonly string[]): number {
  let n = 0;
  for (const f of record) for (let at = f.indexOf("\r\n"); at !== -1; at = f.indexOf("\r\n", at + 2)) n++;
  return n;
}

function isEmptyRecord(record: readonly string[]): boolean {
  for (const f of record) if (f.trim() !== "") return false;
  return true;
}

/** One line per problem, as the rejected-rows report and the CLI show them. */
export function describeRejection(r: Rejection): string {
  return describeRowError({ ...r, field: r.field ?? "", code: "rule" });
}
