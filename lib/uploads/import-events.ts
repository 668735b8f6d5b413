import { hash } from "node:crypto";
import type { Db } from "@/db/client";
import { type eventSchema, type TEvent, ZEvent } from "@/lib/events/event";
import { type EventsTarget, writeEvents } from "@/lib/events/write";
import type { Rejection } from "./import-rows";
import { type BatchCounts, type BatchProgress, claimBatch, recordBatch } from "./import-write";

/*
 * The events kind of the import (ENG-1): a normalised CSV row → one event checked by the same zod schema
 * as POST /api/v1/events, and a batch of them written by writeEvents inside the batch's transaction, with
 * its rejected rows and counters (so the import stays resumable per batch).
 *
 * Id rule (the README's "Importing product events" repeats it): the event id column as written; a row
 * without one gets `csv:` + the sha256 of [user id, event name, time in UTC, properties as JSON], so the
 * same event in this file, a later copy of it or an overlapping export is stored once. Rows imported =
 * events stored; rows unchanged = events the org already had (same id).
 */

type AnyRow = Record<string, unknown>;
type HeaderOf = (field: string) => string | null;

const str = (v: unknown): string | null => (typeof v === "string" && v.trim() !== "" ? v.trim() : null);

/** `csv:` + sha256 of the event's identity; properties compared as JSON, not as the spacing written. */
export function eventIdOf(e: {
  user_id: string;
  name: string;
  timestamp: string;
  properties: unknown;
}): string {
  const digest = hash(
    "sha256",
    JSON.stringify([e.user_id, e.name, e.timestamp, e.properties ?? null]),
    "hex",
  );
  return `csv:${digest}`;
}

/** A normalised events row → the event to write, or why it cannot be one. */
export function stageEvent(
  row: AnyRow,
  line: number,
  headerOf: HeaderOf,
  schema: ReturnType<typeof eventSchema> = ZEvent,
): { ok: true; event: TEvent } | { ok: false; rejections: Rejection[] } {
  const propertiesText = str(row.properties);
  // The normaliser checked it is a JSON object.
  const properties = propertiesText === null ? null : (JSON.parse(propertiesText) as Record<string, unknown>);
  const fields = {
    user_id: str(row.user_id) ?? "",
    name: str(row.name) ?? "",
    timestamp: str(row.timestamp) ?? "",
    properties,
  };
  const event = {
    id: str(row.id) ?? eventIdOf(fields),
    ...fields,
    ...(str(row.customer_id) === null ? {} : { customer_id: str(row.customer_id) }),
  };
  const parsed = schema.safeParse(event);
  if (parsed.success) return { ok: true, event: parsed.data };
  return {
    ok: false,
    rejections: parsed.error.issues.map((issue) => {
      const field = String(issue.path[0] ?? "") || null;
      const value = field === null ? null : (event as Record<string, unknown>)[field];
      return {
        line,
        column: field === null ? null : headerOf(field),
        field,
        value: value == null ? null : typeof value === "string" ? value : JSON.stringify(value),
        message: issue.message,
      };
    }),
  };
}

export type EventBatchInput = BatchProgress & {
  target: EventsTarget;
  events: TEvent[];
  rejections: Rejection[];
  /** Rows rejected before the batch: counted in rows_read and rows_rejected. */
  rejectedRows: number;
};

/** One batch of events, its rejections and counters and the resume position, in one transaction. */
export async function writeEventBatch(db: Db, input: EventBatchInput): Promise<BatchCounts> {
  return db.transaction(async (tx) => {
    await claimBatch(tx, input);
    const { accepted, duplicates } = await writeEvents(
      tx,
      { ...input.target, sourceUploadId: input.uploadId },
      input.events,
    );
    const counts: BatchCounts = {
      read: input.events.length + input.rejectedRows,
      imported: accepted,
      unchanged: duplicates,
      rejected: input.rejectedRows,
    };
    await recordBatch(tx, input, input.rejections, counts);
    return counts;
  });
}
