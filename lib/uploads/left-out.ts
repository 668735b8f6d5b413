import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { queryRows } from "@/db/rows";
import { AppError } from "@/lib/errors";
import { createDecodeStream, type TEncoding } from "@/lib/ingest/encoding";
import { columnOfField } from "@/lib/ingest/formats";
import { createRowNormaliser } from "@/lib/ingest/normalise";
import { PositionedParser } from "@/lib/ingest/positioned-parser";
import { listedItemKey, type StageContext, stageRow } from "./import-rows";
import { endableOn } from "./import-sql";
import { loadRates, orgCurrency, planImport, type TImportPlan, type TQueueImport } from "./plan";
import { uploadByteStream } from "./store";

/*
 * What a full export would end, before it is imported (the preview's "This file lists every live
 * subscription" box): the whole stored file read as its import would read it (planImport's mapping and
 * options), every item key its rows name — staged rows' keys, and the ids rejected rows name — taken off
 * the live items endMissingItems would consider on the day. The preview itself reads only the file's start,
 * and counts on today; this reads it all, on the chosen day, and says how much MRR ends and whose.
 */

export type TLeftOut = {
  /** The day they would end (UploadOptions.endMissingOn). */
  day: string;
  /** Data rows the file holds. */
  rowsRead: number;
  /** CSV items of earlier uploads live on the day (endableOn), and of those the ones the file leaves out. */
  live: number;
  missing: number;
  /** Their MRR-1 (before status periods), minor units of the reporting currency. */
  missingMrr: number;
  currency: string;
  /** The largest of them by MRR, at most EXAMPLES. */
  examples: { subscriptionId: string; customer: string; plan: string | null; mrr: number }[];
};

const EXAMPLES = 5;
const MAX_RECORD_CHARS = 32 * 1024 * 1024;

export async function leftOutItems(db: Db, input: TQueueImport): Promise<TLeftOut> {
  const { orgId, uploadId } = input;
  const plan = await planImport(db, {
    ...input,
    options: { ...input.options, endMissing: input.options?.endMissing || true },
  });
  const day = plan.options.endMissingOn;
  if (plan.kind !== "subscriptions" || !day) {
    throw new AppError(422, "Only a file of subscriptions can end the subscriptions it leaves out.");
  }
  // What could end, by key: the file's rows take theirs off as they are read.
  const live = new Map<string, number>();
  const candidates = await queryRows<{ key: string; mrr: number | string }>(
    db,
    sql`SELECT i.external_id AS key, i.mrr FROM subscription_items i
        WHERE ${endableOn(orgId, uploadId, day)}
          AND NOT EXISTS (SELECT 1 FROM upload_item_changes x WHERE x.split_item_id = i.id)`,
  );
  for (const c of candidates) live.set(c.key, Number(c.mrr));
  const total = live.size;

  const currency = await orgCurrency(db, orgId);
  const ctx = {
    reportingCurrency: currency,
    rates: await loadRates(db, orgId),
    today: new Date().toISOString().slice(0, 10),
    minorUnits: plan.options.amountsIn === "minor",
  };
  const rowsRead = await forEachListedKey(db, { orgId, uploadId, ...plan, ctx }, (key) => live.delete(key));

  let missingMrr = 0;
  for (const mrr of live.values()) missingMrr += mrr;
  const largest = [...live].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, EXAMPLES);
  const named =
    largest.length === 0
      ? []
      : await queryRows<{ key: string; customer: string; plan: string | null }>(
          db,
          sql`SELECT i.external_id AS key, c.name AS customer, p.name AS plan
              FROM subscription_items i
              JOIN customers c ON c.org_id = i.org_id AND c.id = i.customer_id
              LEFT JOIN plans p ON p.id = i.plan_id
              WHERE i.org_id = ${orgId} AND i.source = 'csv'
                AND i.external_id IN (SELECT jsonb_array_elements_text(${JSON.stringify(largest.map(([k]) => k))}::jsonb))`,
        );
  const byKey = new Map(named.map((n) => [n.key, n]));
  return {
    day,
    rowsRead,
    live: total,
    missing: live.size,
    missingMrr,
    currency,
    examples: largest.map(([key, mrr]) => ({
      subscriptionId: key,
      customer: byKey.get(key)?.customer ?? "",
      plan: byKey.get(key)?.plan ?? null,
      mrr,
    })),
  };
}

/**
 * Reads the whole stored file as the import does (lib/uploads/import.ts: the same decoder, parser
 * options, normaliser and staging rules; reading stops at the first broken record) and calls `listed`
 * with the item key of each row: the staged item's, or the id a rejected row names. Returns the rows read.
 */
async function forEachListedKey(
  db: Db,
  {
    orgId,
    uploadId,
    mapping,
    options,
    ctx,
  }: { orgId: string; uploadId: string; ctx: StageContext } & Omit<TImportPlan, "kind">,
  listed: (key: string) => void,
): Promise<number> {
  const kind = "subscriptions";
  const normalise = createRowNormaliser(kind, mapping, { defaultCurrency: options.defaultCurrency ?? null });
  const headerOf = columnOfField(mapping);
  let brokenAfter: number | null = null;
  const parser: PositionedParser = new PositionedParser({
    delimiter: options.delimiter ?? ",",
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    max_record_size: MAX_RECORD_CHARS,
    skip_records_with_error: true,
    on_skip: () => {
      brokenAfter ??= parser.emitted;
      return undefined;
    },
  });
  const reading = pipeline(
    Readable.from(uploadByteStream(db, orgId, uploadId)),
    createDecodeStream((options.encoding ?? "utf-8") as TEncoding),
    parser,
  );
  reading.catch(() => {}); // its error reaches the loop below through the parser
  const headerLine = options.headerLine ?? 0;
  let consumed = 0;
  let rows = 0;
  for await (const { record, lines } of parser) {
    if (brokenAfter !== null && consumed >= brokenAfter) break;
    consumed++;
    if (lines <= headerLine) continue;
    rows++;
    const n = normalise(record, lines);
    if (!n.ok) {
      const key = listedItemKey(n.row);
      if (key !== null) listed(key);
      continue;
    }
    const staged = stageRow(kind, n.row as Record<string, unknown>, lines, headerOf, ctx);
    const key = staged.ok ? (staged.row.item?.key ?? null) : listedItemKey(n.row as Record<string, unknown>);
    if (key !== null) listed(key);
  }
  parser.destroy();
  return rows;
}
