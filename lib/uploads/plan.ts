import { and, asc, desc, eq, isNotNull, ne, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { queryRows } from "@/db/rows";
import { fxRates, organizations, type Upload, type UploadOptions, uploads } from "@/db/schema";
import { AppError, conflict, notFound } from "@/lib/errors";
import type { TDelimiter } from "@/lib/ingest/dialect";
import { decodeBytes, detectEncoding, ENCODING_SAMPLE_BYTES } from "@/lib/ingest/encoding";
import type { TKind } from "@/lib/ingest/fields";
import { overriddenColumn } from "@/lib/ingest/mapping";
import { previewCsv, type TPreview, type TPreviewOptions } from "@/lib/ingest/preview";
import type { TAmountsIn, TImportCheck } from "@/lib/ingest/profile";
import type { TDateOrder, TDecimalMark } from "@/lib/ingest/values";
import { listedItemKey, type RateTable, type StagedItem, stageRow } from "./import-rows";
import { readUploadBytes } from "./store";

/*
 * The preview of a stored upload, and queueing its import with the mapping the user confirmed. The
 * preview reads the file's head (growing it when the first data row is longer than the head); the
 * mapping it returns, formats included, is stored on the upload and read by every batch of the import.
 */

const MB = 1024 * 1024;
const HEADS = [2 * MB, 16 * MB, 64 * MB];
/** Wider files are refused before the preview: they are not exports of subscriptions or customers. */
export const MAX_COLUMNS = 2_000;
const STALE_MS = 5 * 60_000;
/** The preview's problems that stop an import (its `canImport`). */
const BLOCKING = new Set(["missing_required", "duplicate_mapping", "unknown_field"]);

export type TUploadPreviewOptions = {
  kind?: TKind;
  mapping?: Readonly<Record<string, string | null>>;
  dateOrder?: TDateOrder;
  decimal?: TDecimalMark;
  delimiter?: TDelimiter;
  defaultCurrency?: string;
  amountsIn?: TAmountsIn;
};

/**
 * The choices the user made for the org's latest completed import of a file with exactly these columns
 * (a monthly export, say): offered again, so a column fixed once stays fixed.
 */
export type TRememberedMapping = {
  uploadId: string;
  filename: string;
  /** ISO time the earlier import finished. */
  importedAt: string;
  /** The kind it was imported as: the file is read as that kind unless the caller says otherwise. */
  kind: TKind;
  /** The columns the user re-mapped or left out (header or "#n" → field or null). */
  overrides: Record<string, string | null>;
  dateOrder?: TDateOrder;
  decimal?: TDecimalMark;
  /** How it read each date and money column (by index): this file's ambiguous ones are read the same. */
  formats: Record<number, { dateOrder?: TDateOrder; decimal?: TDecimalMark }>;
};

/**
 * Subscriptions: of the rows checked, how many name an item an earlier upload imported (by its key), and
 * how many of those change its terms (plan, quantity, amount, interval, discount, status or MRR) or
 * list as live again an item that has ended — which then take effect on the import's `changesFrom` day.
 */
export type TEarlierItems = {
  matched: number;
  changed: number;
  /** The org's items earlier uploads imported that have not ended (today) nor been canceled. */
  live: number;
  /**
   * Of those, how many this file does not list (what `endMissing` would end), when the preview read the
   * whole file; null when it read only its start.
   */
  missing: number | null;
};

export type TUploadPreview =
  | (Extract<TPreview, { ok: true }> & {
      remembered: TRememberedMapping | null;
      earlier: TEarlierItems | null;
    })
  | Extract<TPreview, { ok: false }>
  | { ok: false; error: { code: "too_many_columns"; message: string } };

/** Earlier completed uploads looked at for a remembered mapping, newest first. */
const REMEMBER_LOOKBACK = 50;

async function rememberedMapping(
  db: Db,
  { orgId, uploadId, headers }: { orgId: string; uploadId: string; headers: string[] },
): Promise<TRememberedMapping | null> {
  const earlier = await db
    .select({
      id: uploads.id,
      filename: uploads.filename,
      kind: uploads.kind,
      finishedAt: uploads.finishedAt,
      mapping: uploads.mapping,
      options: uploads.options,
    })
    .from(uploads)
    .where(
      and(
        eq(uploads.orgId, orgId),
        ne(uploads.id, uploadId),
        eq(uploads.status, "complete"),
        isNotNull(uploads.finishedAt),
      ),
    )
    .orderBy(desc(uploads.finishedAt))
    .limit(REMEMBER_LOOKBACK);
  const same = earlier.find(
    (u) => u.mapping?.length === headers.length && u.mapping.every((c, i) => c.header === headers[i]),
  );
  if (!same?.finishedAt || !same.kind) return null;
  const formats: TRememberedMapping["formats"] = {};
  for (const c of same.mapping ?? []) {
    const f = c.format as { dateOrder?: TDateOrder; decimal?: TDecimalMark } | undefined;
    if (c.field && (f?.dateOrder || f?.decimal)) {
      formats[c.index] = {
        ...(f.dateOrder ? { dateOrder: f.dateOrder } : {}),
        ...(f.decimal ? { decimal: f.decimal } : {}),
      };
    }
  }
  const overrides = same.options.overrides ?? {};
  const chosen = Object.keys(overrides).length > 0 || same.options.dateOrder || same.options.decimal;
  if (!chosen && Object.keys(formats).length === 0) return null;
  return {
    uploadId: same.id,
    filename: same.filename,
    importedAt: same.finishedAt.toISOString(),
    kind: same.kind,
    overrides,
    formats,
    ...(same.options.dateOrder ? { dateOrder: same.options.dateOrder } : {}),
    ...(same.options.decimal ? { decimal: same.options.decimal } : {}),
  };
}

/**
 * The preview again with a remembered mapping under the caller's own choices (which win), its columns
 * saying where their field came from.
 */
function withRemembered(
  preview: (o: TPreviewOptions) => TPreview,
  options: TUploadPreviewOptions,
  remembered: TRememberedMapping,
): TUploadPreview {
  const mine = options.mapping ?? {};
  const source = `your import of '${remembered.filename}' (${remembered.importedAt.slice(0, 10)})`;
  const again = preview({
    ...options,
    kind: remembered.kind,
    mapping: { ...remembered.overrides, ...mine },
    dateOrder: options.dateOrder ?? remembered.dateOrder,
    decimal: options.decimal ?? remembered.decimal,
    formatHints: remembered.formats,
    formatHintSource: source,
  });
  if (!again.ok) return again;
  if (options.kind === undefined) again.kindReason = `as in ${source}`;
  // The preview page sends the remembered choices back with the user's own: only a different field is theirs.
  const changed = Object.keys(mine).filter((k) => mine[k] !== remembered.overrides[k]);
  const mineColumns = new Set(changed.map((k) => overriddenColumn(again.mapping, k)?.index));
  const reason = `as in ${source}`;
  for (const key of Object.keys(remembered.overrides)) {
    const column = overriddenColumn(again.mapping, key);
    if (column && !mineColumns.has(column.index)) column.reason = reason;
  }
  return { ...again, remembered, earlier: null };
}

async function findUpload(db: Db, orgId: string, uploadId: string): Promise<Upload> {
  const [upload] = await db
    .select()
    .from(uploads)
    .where(and(eq(uploads.orgId, orgId), eq(uploads.id, uploadId)));
  if (!upload || upload.sha256 === null) throw notFound("Upload not found.");
  return upload;
}

export async function orgCurrency(db: Db, orgId: string): Promise<string> {
  const [org] = await db
    .select({ currency: organizations.currency })
    .from(organizations)
    .where(eq(organizations.id, orgId));
  if (!org) throw notFound();
  return org.currency;
}

/** The org's exchange rates per currency, oldest first (what stageRow converts amounts with). */
export async function loadRates(db: Db, orgId: string): Promise<RateTable> {
  const rows = await db
    .select({ currency: fxRates.currency, date: fxRates.date, rate: fxRates.rate })
    .from(fxRates)
    .where(eq(fxRates.orgId, orgId))
    .orderBy(asc(fxRates.currency), asc(fxRates.date));
  const table = new Map<string, { date: string; rate: string }[]>();
  for (const r of rows) {
    const rates = table.get(r.currency);
    if (rates) rates.push(r);
    else table.set(r.currency, [r]);
  }
  return table;
}

/**
 * The import's staging rules (import-rows.ts) as a preview check, with the org's currency and rates: so
 * a row the import would reject (no exchange rate for its currency on its start date, a canceled row
 * without an end date, ...) is a problem in the preview too.
 */
async function importCheck(
  db: Db,
  orgId: string,
  reportingCurrency: string,
  onItem: (item: StagedItem) => void,
  onListed: (key: string) => void,
): Promise<TImportCheck> {
  const ctx = {
    reportingCurrency,
    rates: await loadRates(db, orgId),
    today: new Date().toISOString().slice(0, 10),
  };
  const inMinorUnits = { ...ctx, minorUnits: true };
  return (row, line, { kind, headerOf, amountsIn }) => {
    if (kind === "events") return { errors: [], mrr: null };
    const staged = stageRow(
      kind,
      row as Record<string, unknown>,
      line,
      headerOf,
      amountsIn === "minor" ? inMinorUnits : ctx,
    );
    if (staged.ok) {
      const item = staged.row.item;
      if (item) onItem(item);
      return { errors: [], mrr: item ? { minor: item.mrr, currency: reportingCurrency } : null };
    }
    const listed = kind === "subscriptions" ? listedItemKey(row as Record<string, unknown>) : null;
    if (listed !== null) onListed(listed);
    const errors = staged.rejections.map((r) => ({ ...r, field: r.field ?? "", code: "rule" as const }));
    return { errors, mrr: null };
  };
}

/**
 * TEarlierItems of the preview's staged items (and `listed`, the keys its rejected rows name by id, which
 * the file lists all the same): one lookup by the items' unique key each.
 */
async function earlierItems(
  db: Db,
  orgId: string,
  uploadId: string,
  { items, listed }: { items: readonly StagedItem[]; listed: readonly string[] },
  wholeFile: boolean,
): Promise<TEarlierItems> {
  const keys = wholeFile ? [...items.map((i) => i.key), ...listed] : null;
  const live = await liveEarlierItems(db, orgId, uploadId, keys);
  if (items.length === 0) return { matched: 0, changed: 0, ...live };
  const rows = items.map((i) => ({
    key: i.key,
    plan: i.plan,
    quantity: i.quantity,
    unit_amount: i.unitAmount,
    currency: i.currency,
    interval_unit: i.intervalUnit,
    interval_count: i.intervalCount,
    discount_percent: i.discountPercent,
    discount_amount: i.discountAmount,
    status: i.status,
    mrr: i.mrr,
    end_date: i.endDate,
  }));
  const [row] = await queryRows<{ matched: number | string; changed: number | string }>(
    db,
    // Changed: new terms, or ended (today) and live again in this file — a return on the import's day.
    sql`SELECT count(*) AS matched,
          count(*) FILTER (WHERE (p.external_id, i.quantity, i.unit_amount, i.currency, i.interval_unit::text,
            i.interval_count, i.discount_percent, i.discount_amount, i.status::text, i.mrr)
            IS DISTINCT FROM (s.plan, s.quantity, s.unit_amount, s.currency, s.interval_unit, s.interval_count,
            s.discount_percent, s.discount_amount, s.status, s.mrr)
            OR (i.end_date <= current_date AND (s.end_date IS NULL OR s.end_date > current_date))) AS changed
        FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS s(key text, plan text, quantity integer,
          unit_amount bigint, currency text, interval_unit text, interval_count integer, discount_percent numeric,
          discount_amount bigint, status text, mrr bigint, end_date date)
        CROSS JOIN LATERAL (
          SELECT * FROM subscription_items x
          WHERE x.org_id = ${orgId} AND x.source = 'csv' AND x.external_id = s.key
            AND x.source_upload_id IS DISTINCT FROM ${uploadId}::uuid
          LIMIT 1) i
        LEFT JOIN plans p ON p.id = i.plan_id`,
  );
  return { matched: Number(row?.matched ?? 0), changed: Number(row?.changed ?? 0), ...live };
}

/**
 * TEarlierItems' `live`, and its `missing` when `keys` are all the file's item keys: the rule of
 * endMissingItems (lib/uploads/import-sql.ts) on today instead of the import's day.
 */
async function liveEarlierItems(
  db: Db,
  orgId: string,
  uploadId: string,
  keys: string[] | null,
): Promise<Pick<TEarlierItems, "live" | "missing">> {
  const [row] = await queryRows<{ live: number | string; missing: number | string }>(
    db,
    sql`WITH k AS (SELECT DISTINCT key FROM jsonb_array_elements_text(${JSON.stringify(keys ?? [])}::jsonb) AS k(key))
        SELECT count(*) AS live, count(*) FILTER (WHERE k.key IS NULL) AS missing
        FROM subscription_items i LEFT JOIN k ON k.key = i.external_id
        WHERE i.org_id = ${orgId} AND i.source = 'csv' AND i.source_upload_id IS DISTINCT FROM ${uploadId}::uuid
          AND (i.end_date IS NULL OR i.end_date > current_date) AND i.status <> 'canceled'
          AND NOT EXISTS (SELECT 1 FROM upload_item_changes x WHERE x.split_item_id = i.id)`,
  );
  return { live: Number(row?.live ?? 0), missing: keys === null ? null : Number(row?.missing ?? 0) };
}

/** Roughly how many columns the widest of the first lines has, by its most frequent delimiter. */
function widestLine(head: Uint8Array): number {
  const text = decodeBytes(head, detectEncoding(head.subarray(0, ENCODING_SAMPLE_BYTES)).encoding);
  let widest = 0;
  for (const line of text.split("\n", 20)) {
    for (const d of [",", ";", "\t", "|"]) widest = Math.max(widest, line.split(d).length);
  }
  return widest;
}

/**
 * previewCsv on the upload's head; the org's currency is the default for amounts without one, and the
 * sample is checked against the import's staging rules too.
 */
export async function previewUpload(
  db: Db,
  { orgId, uploadId, ...options }: { orgId: string; uploadId: string } & TUploadPreviewOptions,
): Promise<TUploadPreview> {
  const upload = await findUpload(db, orgId, uploadId);
  const reportingCurrency = await orgCurrency(db, orgId);
  const defaultCurrency = options.defaultCurrency ?? reportingCurrency;
  // The items the latest run of the preview staged (the one returned), for earlierItems.
  let staged: StagedItem[] = [];
  let listed: string[] = [];
  const list = (key: string) => listed.push(key);
  const check = await importCheck(db, orgId, reportingCurrency, (item) => staged.push(item), list);
  const rejected = (row: Record<string, unknown>) => {
    const key = listedItemKey(row);
    if (key !== null) list(key);
  };
  for (const head of HEADS) {
    const bytes = await readUploadBytes(db, orgId, uploadId, { maxBytes: head });
    const complete = bytes.length >= upload.sizeBytes;
    const width = widestLine(bytes);
    if (width > MAX_COLUMNS) {
      return {
        ok: false,
        error: {
          code: "too_many_columns",
          message: `The file has about ${width.toLocaleString("en")} columns; Meridian reads files of up to ${MAX_COLUMNS.toLocaleString("en")} columns. Remove the columns you don't need and upload it again.`,
        },
      };
    }
    const run = (o: TPreviewOptions) => {
      staged = [];
      listed = [];
      return previewCsv(bytes, { ...o, defaultCurrency, complete, check, rejected });
    };
    const preview = run(options);
    if (preview.ok) {
      const remembered = await rememberedMapping(db, { orgId, uploadId, headers: preview.headers });
      // Read as another kind than the earlier file, its choices would not fit.
      const fits = remembered && (options.kind === undefined || options.kind === remembered.kind);
      const result = fits
        ? withRemembered(run, options, remembered)
        : { ...preview, remembered: null, earlier: null };
      if (!result.ok) return result;
      const earlier =
        result.kind === "subscriptions"
          ? await earlierItems(db, orgId, uploadId, { items: staged, listed }, !result.truncated)
          : null;
      return { ...result, earlier };
    }
    if (complete || preview.error.code !== "no_rows") return preview;
  }
  return {
    ok: false,
    error: { code: "no_rows", message: "The file's first row is longer than 64 MB; it is not a CSV export." },
  };
}

export type TQueueImport = {
  orgId: string;
  uploadId: string;
  kind?: TKind;
  /** Overrides of the detected mapping: header (or "#3") → field, or null to leave the column out. */
  mapping?: Record<string, string | null>;
  options?: {
    dateOrder?: TDateOrder;
    decimal?: TDecimalMark;
    defaultCurrency?: string;
    delimiter?: TDelimiter;
    amountsIn?: TAmountsIn;
    /** UploadOptions.changesFrom: a day (YYYY-MM-DD) or "start"; default the day the import is queued. */
    changesFrom?: string;
    /**
     * The file lists every live subscription: the earlier uploads' items it leaves out end on this day,
     * or with `true` on the changesFrom day (the day the import is queued when that is "start" or
     * unset): UploadOptions.endMissingOn.
     */
    endMissing?: boolean | string;
  };
};

/**
 * Fixes the mapping and options of an upload's import and marks it queued; the caller sends the event
 * (or runs importUpload). An unreadable file fails the upload with the preview's message. A failed
 * import that had committed batches resumes with the mapping it started with.
 */
export async function queueImport(db: Db, input: TQueueImport): Promise<Upload> {
  const upload = await findUpload(db, input.orgId, input.uploadId);
  // An import that has written nothing for STALE_MS died with its process (a restart): it may be re-queued.
  const stale = Date.now() - upload.updatedAt.getTime() > STALE_MS;
  if ((upload.status === "queued" || upload.status === "importing") && !stale) {
    throw conflict("This upload is being imported already.");
  }
  if (upload.status === "complete") {
    throw conflict("This upload has been imported already; delete it first to import it again.");
  }
  const resume = upload.recordsDone > 0 && upload.mapping !== null && upload.kind !== null;
  let set: Partial<Upload> = {};
  if (!resume) {
    try {
      set = await planImport(db, input);
    } catch (error) {
      if (error instanceof UnreadableUpload) await failUnreadable(db, upload, error.message);
      throw error;
    }
  }
  const [queued] = await db
    .update(uploads)
    .set({
      ...set,
      status: "queued",
      error: null,
      queuedAt: new Date(),
      finishedAt: null,
      updatedAt: new Date(),
    })
    .where(and(eq(uploads.id, upload.id), eq(uploads.orgId, input.orgId)))
    .returning();
  if (!queued) throw notFound("Upload not found.");
  return queued;
}

/** The file cannot be read as CSV at all (the preview's one message). */
class UnreadableUpload extends AppError {
  constructor(message: string) {
    super(422, message);
  }
}

export type TImportPlan = {
  kind: TKind;
  mapping: Extract<TUploadPreview, { ok: true }>["mapping"];
  options: UploadOptions;
};

/**
 * What an import of the upload with these choices reads: the preview's kind, mapping and options (what
 * queueImport stores on the upload). A 422 when the file cannot be read or the mapping cannot be imported.
 */
export async function planImport(db: Db, input: TQueueImport): Promise<TImportPlan> {
  const o = input.options ?? {};
  const preview = await previewUpload(db, {
    orgId: input.orgId,
    uploadId: input.uploadId,
    kind: input.kind,
    mapping: input.mapping,
    ...o,
  });
  if (!preview.ok) throw new UnreadableUpload(preview.error.message);
  if (!preview.canImport) {
    const blocking = preview.problems.filter((p) => BLOCKING.has(p.code));
    throw new AppError(422, blocking.map((p) => p.message).join(" ") || "The mapping cannot be imported.");
  }
  // What the preview used is what the import reads and what the next file with these columns is offered.
  const remembered = preview.remembered;
  const overrides = remembered ? { ...remembered.overrides, ...input.mapping } : input.mapping;
  const dateOrder = o.dateOrder ?? remembered?.dateOrder;
  const decimal = o.decimal ?? remembered?.decimal;
  const options: UploadOptions = {
    encoding: preview.encoding.name,
    delimiter: preview.delimiter,
    headerLine: preview.headerLine,
    ...(dateOrder ? { dateOrder } : {}),
    ...(decimal ? { decimal } : {}),
    defaultCurrency: o.defaultCurrency ?? (await orgCurrency(db, input.orgId)),
    ...(preview.amountsIn === "minor" ? { amountsIn: "minor" as const } : {}),
    ...(preview.kind === "subscriptions" ? subscriptionDays(o) : {}),
    ...(overrides ? { overrides } : {}),
    ...(remembered
      ? { rememberedFrom: { uploadId: remembered.uploadId, filename: remembered.filename } }
      : {}),
  };
  return { kind: preview.kind, mapping: preview.mapping, options };
}

/** UploadOptions.changesFrom and endMissingOn from the import's options. */
function subscriptionDays(o: NonNullable<TQueueImport["options"]>): UploadOptions {
  const today = new Date().toISOString().slice(0, 10);
  const changesFrom = o.changesFrom ?? today;
  return {
    changesFrom,
    ...(typeof o.endMissing === "string"
      ? { endMissingOn: o.endMissing }
      : o.endMissing
        ? { endMissingOn: changesFrom === "start" ? today : changesFrom }
        : {}),
  };
}

/**
 * Run right after a file is stored: a file that cannot be read as CSV at all (empty, binary, only a
 * header, far too many columns) fails at once with the preview's one message, so it is never listed as
 * waiting for a mapping no one can give it. A readable file is returned as it is.
 */
export async function failIfUnreadable(db: Db, orgId: string, uploadId: string): Promise<Upload> {
  const upload = await findUpload(db, orgId, uploadId);
  if (upload.status !== "uploaded") return upload;
  const preview = await previewUpload(db, { orgId, uploadId });
  return preview.ok ? upload : failUnreadable(db, upload, preview.error.message);
}

async function failUnreadable(db: Db, upload: Upload, message: string): Promise<Upload> {
  const [failed] = await db
    .update(uploads)
    .set({ status: "failed", error: message, finishedAt: new Date(), updatedAt: new Date() })
    .where(and(eq(uploads.id, upload.id), eq(uploads.orgId, upload.orgId)))
    .returning();
  return failed ?? upload;
}
