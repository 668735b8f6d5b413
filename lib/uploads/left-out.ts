import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { queryRows } from "@/db/rows";
import { AppError } from "@/lib/errors";
import { createDecodeStream, type TEncoding } from "@/lib/ingest/encoding";
import { ITEM_KEY_FIELDS } from "@/lib/ingest/fields";
import { columnOfField } from "@/lib/ingest/formats";
import { createRowNormaliser } from "@/lib/ingest/normalise";
import { isBlank } from "@/lib/ingest/values";
import { uploadParser } from "./import";
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

/** TLeftOut as the API and the CLI's --json print it. */
export type TLeftOutJson = ReturnType<typeof leftOutJson>;

export function leftOutJson(left: TLeftOut) {
  return {
    day: left.day,
    rows_read: left.rowsRead,
    live: left.live,
    missing: left.missing,
    missing_mrr: left.missingMrr,
    currency: left.currency,
    examples: left.examples.map((e) => ({
      subscription_id: e.subscriptionId,
      customer: e.customer,
      plan: e.plan,
      mrr: e.mrr,
    })),
  };
}

const EXAMPLES = 5;
const KEYS_PER_INSERT = 10_000;

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
  const currency = await orgCurrency(db, orgId);
  const ctx = {
    reportingCurrency: currency,
    rates: await loadRates(db, orgId),
    today: new Date().toISOString().slice(0, 10),
    minorUnits: plan.options.amountsIn === "minor",
  };
  // The keys go to a temporary table as they are read (memory stays flat at any size), and the set
  // difference is the database's, as in endMissingItems. One transaction: the table lives in it, and on
  // PGlite (one connection) the file is read through it too.
  return db.transaction(async (tx) => {
    const listed = `left_out_keys_${randomBytes(4).toString("hex")}`;
    await tx.execute(sql.raw(`CREATE TEMP TABLE ${listed} (key text) ON COMMIT DROP`));
    const rowsRead = await readListedKeys(tx, { orgId, uploadId, ...plan, ctx }, (keys) =>
      tx.execute(
        sql`INSERT INTO ${sql.raw(listed)} (key) SELECT jsonb_array_elements_text(${JSON.stringify(keys)}::jsonb)`,
      ),
    );
    const notSplit = sql`NOT EXISTS (SELECT 1 FROM upload_item_changes x WHERE x.split_item_id = i.id)`;
    const [live] = await queryRows<{ n: number | string }>(
      tx,
      sql`SELECT count(*) AS n FROM subscription_items i WHERE ${endableOn(orgId, uploadId, day)} AND ${notSplit}`,
    );
    const [gone] = await queryRows<{ n: number | string; mrr: number | string; examples: unknown }>(
      tx,
      sql`WITH gone_keys AS (
            SELECT i.external_id AS key FROM subscription_items i WHERE ${endableOn(orgId, uploadId, day)}
            EXCEPT
            SELECT key FROM ${sql.raw(listed)}
          ), gone AS (
            SELECT i.external_id AS key, i.mrr, i.customer_id, i.plan_id FROM gone_keys g
            CROSS JOIN LATERAL (
              SELECT * FROM subscription_items x
              WHERE x.org_id = ${orgId} AND x.source = 'csv' AND x.external_id = g.key LIMIT 1) i
            WHERE ${notSplit}
          )
          SELECT count(*) AS n, coalesce(sum(mrr), 0) AS mrr,
            (SELECT coalesce(json_agg(e), '[]') FROM (
              SELECT g.key, c.name AS customer, p.name AS plan, g.mrr FROM gone g
              JOIN customers c ON c.org_id = ${orgId} AND c.id = g.customer_id
              LEFT JOIN plans p ON p.id = g.plan_id
              ORDER BY g.mrr DESC, g.key COLLATE "C" LIMIT ${EXAMPLES}) e) AS examples
          FROM gone`,
    );
    const examples = (
      typeof gone?.examples === "string" ? JSON.parse(gone.examples) : (gone?.examples ?? [])
    ) as { key: string; customer: string; plan: string | null; mrr: number | string }[];
    return {
      day,
      rowsRead,
      live: Number(live?.n ?? 0),
      missing: Number(gone?.n ?? 0),
      missingMrr: Number(gone?.mrr ?? 0),
      currency,
      examples: examples.map((e) => ({
        subscriptionId: e.key,
        customer: e.customer,
        plan: e.plan,
        mrr: Number(e.mrr),
      })),
    };
  });
}

/**
 * Reads the whole stored file as the import does (lib/uploads/import.ts: the same decoder, parser
 * options, normaliser and staging rules; reading stops at the first broken record) and hands `listed`
 * the item keys of its rows, KEYS_PER_INSERT at a time: the staged item's, or the id a rejected row names.
 * Returns the rows read.
 */
async function readListedKeys(
  db: Db,
  {
    orgId,
    uploadId,
    mapping,
    options,
    ctx,
  }: { orgId: string; uploadId: string; ctx: StageContext } & Omit<TImportPlan, "kind">,
  listed: (keys: string[]) => Promise<unknown>,
): Promise<number> {
  const kind = "subscriptions";
  const normalise = createRowNormaliser(kind, mapping, { defaultCurrency: options.defaultCurrency ?? null });
  const headerOf = columnOfField(mapping);
  // The columns of listedItemKey, in its order.
  const idColumns = ITEM_KEY_FIELDS.flatMap((field) => {
    const index = mapping.find((m) => m.field === field)?.index;
    return index === undefined ? [] : [index];
  });
  let brokenAfter: number | null = null;
  const parser = uploadParser(options.delimiter ?? ",", (_error, after) => {
    brokenAfter = after;
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
  let keys: string[] = [];
  for await (const { record, lines } of parser) {
    if (brokenAfter !== null && consumed >= brokenAfter) break;
    consumed++;
    if (lines <= headerLine) continue;
    rows++;
    // A row's id is its key (itemKeyOf), whether the rest of the row can be read or not (listedItemKey):
    // nothing else of it need be parsed. 2.5 times as fast as normalising every row.
    let id: string | undefined;
    for (const i of idColumns) {
      const value = record[i];
      if (value !== undefined && !isBlank(value)) {
        id = value.trim();
        break;
      }
    }
    if (id !== undefined) {
      keys.push(id);
    } else {
      const n = normalise(record, lines);
      const staged = n.ok ? stageRow(kind, n.row as Record<string, unknown>, lines, headerOf, ctx) : null;
      const key = staged?.ok
        ? (staged.row.item?.key ?? null)
        : listedItemKey(n.row as Record<string, unknown>);
      if (key !== null) keys.push(key);
    }
    if (keys.length >= KEYS_PER_INSERT) {
      await listed(keys);
      keys = [];
    }
  }
  parser.destroy();
  if (keys.length > 0) await listed(keys);
  return rows;
}
