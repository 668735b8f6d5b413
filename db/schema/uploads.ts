import {
  bigint,
  bigserial,
  boolean,
  customType,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { customers } from "./customers";
import { organizations } from "./organizations";
import { subscriptionItems } from "./subscription-items";
import { users } from "./users";

/** Raw bytes: a Buffer on postgres.js, a Uint8Array on PGlite; both are Uint8Arrays. */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => "bytea",
});

export const UPLOAD_KINDS = ["subscriptions", "customers", "events"] as const;
export type UploadKind = (typeof UPLOAD_KINDS)[number];
export const uploadKindEnum = pgEnum("upload_kind", UPLOAD_KINDS);

export const UPLOAD_STATUSES = ["uploaded", "queued", "importing", "complete", "failed"] as const;
export type UploadStatus = (typeof UPLOAD_STATUSES)[number];
export const uploadStatusEnum = pgEnum("upload_status", UPLOAD_STATUSES);

/** A column of the confirmed mapping, as lib/ingest's preview returns it (formats included). */
export type UploadMappedColumn = {
  index: number;
  header: string;
  field: string | null;
  format?: Record<string, unknown>;
  confidence?: number;
  reason?: string;
};

/** How the import reads the file: what the preview found, and the user's choices. */
export type UploadOptions = {
  encoding?: string;
  delimiter?: string;
  /** 1-based line of the header row; 0 when the file has none. */
  headerLine?: number;
  dateOrder?: "mdy" | "dmy";
  decimal?: "." | ",";
  defaultCurrency?: string;
  /** "minor": the amounts are in cents (Baremetrics' template), as the preview decided or the user chose. */
  amountsIn?: "units" | "minor";
  /** The user's overrides (header → field or null), kept to show and to re-run the preview. */
  overrides?: Record<string, string | null>;
  /**
   * Subscriptions: the day (YYYY-MM-DD) the file's changes to items an earlier upload created take
   * effect: such an item is split there (lib/uploads/import-sql.ts, splitChangedItems). "start": they are
   * corrections, applied from each item's start. Unset (imports queued before this option): "start".
   */
  changesFrom?: string;
  /**
   * Subscriptions: the file lists every live subscription, so the items earlier uploads imported that it
   * does not list end on this day (YYYY-MM-DD; lib/uploads/import-sql.ts, endMissingItems). Unset: they
   * are left as they are.
   */
  endMissingOn?: string;
  /** The earlier import of the same columns whose choices this one was read with (lib/uploads/plan.ts). */
  rememberedFrom?: { uploadId: string; filename: string };
};

/**
 * An uploaded file and its import. The bytes are in upload_chunks; the counters, `records_done` (the
 * resume position: data records consumed, in file order) and `touched` customers are committed with each
 * batch, so an interrupted import continues after the last committed batch (lib/uploads/import.ts).
 * `sha256` is null while the file is still being stored.
 */
export const uploads = pgTable(
  "uploads",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    /** Null for uploads from the CLI. */
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    filename: text("filename").notNull(),
    sizeBytes: bigint("size_bytes", { mode: "number" }).notNull().default(0),
    sha256: text("sha256"),
    contentType: text("content_type"),
    chunkCount: integer("chunk_count").notNull().default(0),
    kind: uploadKindEnum("kind"),
    status: uploadStatusEnum("status").notNull().default("uploaded"),
    mapping: jsonb("mapping").$type<UploadMappedColumn[]>(),
    options: jsonb("options").$type<UploadOptions>().notNull().default({}),
    rowsRead: integer("rows_read").notNull().default(0),
    rowsImported: integer("rows_imported").notNull().default(0),
    rowsRejected: integer("rows_rejected").notNull().default(0),
    rowsUnchanged: integer("rows_unchanged").notNull().default(0),
    bytesProcessed: bigint("bytes_processed", { mode: "number" }).notNull().default(0),
    /** Data records consumed by committed batches (rejected and blank ones included): where a re-run resumes. */
    recordsDone: integer("records_done").notNull().default(0),
    /**
     * Where the record after records_done starts, in bytes of the decoded (UTF-8) text, and the line it
     * starts after: a re-run or the job's next step starts reading there instead of parsing the file from
     * the start. Null (an import begun before these existed): re-parse and skip records_done records.
     */
    resumeOffset: bigint("resume_offset", { mode: "number" }),
    resumeLine: integer("resume_line"),
    /** Every record has been read and committed; only the metrics update is left. */
    readComplete: boolean("read_complete").notNull().default(false),
    /**
     * With options.endMissingOn: how many items earlier uploads imported this file did not list and the
     * import ended (after its last batch); null until then, so a re-run after a stop never ends them twice.
     */
    itemsEnded: integer("items_ended"),
    error: text("error"),
    queuedAt: timestamp("queued_at", { withTimezone: true }),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("uploads_org_sha256_idx").on(t.orgId, t.sha256),
    index("uploads_org_created_idx").on(t.orgId, t.createdAt),
  ],
);

export type Upload = typeof uploads.$inferSelect;
export type NewUpload = typeof uploads.$inferInsert;

/** The file's bytes in order, ≤ 1 MiB each (lib/uploads/store.ts). */
export const uploadChunks = pgTable(
  "upload_chunks",
  {
    uploadId: uuid("upload_id")
      .notNull()
      .references(() => uploads.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    data: bytea("data").notNull(),
  },
  (t) => [primaryKey({ columns: [t.uploadId, t.seq] })],
);

/** One problem with one row of an upload: the file line it starts on, the column, the value, why. */
export const uploadRejections = pgTable(
  "upload_rejections",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    uploadId: uuid("upload_id")
      .notNull()
      .references(() => uploads.id, { onDelete: "cascade" }),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    /** 1-based line of the file the row starts on. */
    line: integer("line").notNull(),
    /** The column's header text; null when the problem is the row's, not one cell's. */
    column: text("column"),
    field: text("field"),
    value: text("value"),
    message: text("message").notNull(),
    /**
     * The whole row as the file has it (a JSON array of its values), on the first problem of each rejected
     * row; null on its further problems, on rows too long to keep, and on rows rejected as repeats.
     */
    record: text("record"),
  },
  (t) => [index("upload_rejections_upload_idx").on(t.uploadId, t.line, t.id)],
);

export type UploadRejection = typeof uploadRejections.$inferSelect;

/**
 * Customers whose items an import changed, committed with each batch so that a resumed import still
 * updates the derived metrics of the customers the interrupted run wrote. Beyond REBUILD_ABOVE of them
 * (lib/uploads/import-write.ts) one row with the nil uuid stands for "all": the import ends with a
 * rebuild of the org. Emptied when the import ends.
 */
export const uploadTouchedCustomers = pgTable(
  "upload_touched_customers",
  {
    uploadId: uuid("upload_id")
      .notNull()
      .references(() => uploads.id, { onDelete: "cascade" }),
    customerId: uuid("customer_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.uploadId, t.customerId] })],
);

/**
 * With options.endMissingOn: the item keys the file lists (new, changed or unchanged), one row per batch
 * committed with it (`fromRecord`: the batch's first record, its records_done before), so the end of the
 * import knows which of the earlier uploads' items the file left out, however often it was interrupted.
 * A batch's keys as one array: storing a row per key (or looking each key's item up) cost the import
 * 11–73 s per million rows; an array per batch costs milliseconds. Emptied when the import ends.
 */
export const uploadSeenKeys = pgTable(
  "upload_seen_keys",
  {
    uploadId: uuid("upload_id")
      .notNull()
      .references(() => uploads.id, { onDelete: "cascade" }),
    fromRecord: integer("from_record").notNull(),
    keys: text("keys").array().notNull(),
  },
  (t) => [primaryKey({ columns: [t.uploadId, t.fromRecord] })],
);

/**
 * What an import changed in an item that it did not create (an earlier upload's, matched by its key):
 * the item's fields before and after (lib/uploads/import-sql.ts, ITEM_FIELDS), so that undoing the
 * upload can put them back (lib/uploads/undo.ts). `seq` orders the changes of several uploads to one
 * item: undoing one that a later upload changed again hands its `before` on to that later change.
 */
export const uploadItemChanges = pgTable(
  "upload_item_changes",
  {
    seq: bigserial("seq", { mode: "number" }).primaryKey(),
    uploadId: uuid("upload_id")
      .notNull()
      .references(() => uploads.id, { onDelete: "cascade" }),
    itemId: uuid("item_id")
      .notNull()
      .references(() => subscriptionItems.id, { onDelete: "cascade" }),
    before: jsonb("before").notNull(),
    after: jsonb("after").notNull(),
    /**
     * When the change took effect on a day after the item's start: the item that keeps the earlier terms
     * up to that day (the split's first part), which undo deletes as it restores the item.
     */
    splitItemId: uuid("split_item_id").references(() => subscriptionItems.id, { onDelete: "set null" }),
  },
  (t) => [
    uniqueIndex("upload_item_changes_upload_item_idx").on(t.uploadId, t.itemId),
    index("upload_item_changes_item_idx").on(t.itemId, t.seq),
    // Deleting an item looks its split records up (ON DELETE SET NULL): without it, a scan per item.
    index("upload_item_changes_split_idx").on(t.splitItemId),
  ],
);

/** The same for customers' attributes an import changed on a customer it did not create. */
export const uploadCustomerChanges = pgTable(
  "upload_customer_changes",
  {
    seq: bigserial("seq", { mode: "number" }).primaryKey(),
    uploadId: uuid("upload_id")
      .notNull()
      .references(() => uploads.id, { onDelete: "cascade" }),
    customerId: uuid("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    before: jsonb("before").notNull(),
    after: jsonb("after").notNull(),
  },
  (t) => [
    uniqueIndex("upload_customer_changes_upload_customer_idx").on(t.uploadId, t.customerId),
    index("upload_customer_changes_customer_idx").on(t.customerId, t.seq),
  ],
);
