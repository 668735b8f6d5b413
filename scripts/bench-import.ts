/**
 * `npm run bench:import -- [--rows N] [--seed N] [--json] [--pglite] [--keep]`: writes a deterministic,
 * messy subscriptions CSV of N rows (default 1,000,000) to a temp file, then on one fresh database measures
 * (a) the raw baseline, csv-parse + COPY of the parsed records as text into a bare table, and (b) the whole
 * import pipeline: storeUpload → previewUpload → queueImport → importUpload, derived metrics included.
 * Prints rows/s of both, their ratio, the peak RSS and where the pipeline's time went; with --json the last
 * line is `{ "raw_rows_per_s", "pipeline_rows_per_s", "ratio", "peak_rss_mb" }`.
 * Postgres: a new `meridian_bench_<random>` database on BENCH_DATABASE_URL's server; --pglite: PGlite in a
 * temp directory. Both, and the CSV, are removed at the end unless --keep.
 * --autoanalyze: ANALYZE the import's tables between batches once a minute, as the autovacuum launcher
 * (naptime 1 min) would; for servers running with autovacuum off, and for PGlite, which has none.
 * --floor-detail: also measure the schema floor's INSERT with the table stripped step by step (without
 * its foreign keys; without its secondary indexes too; a bare heap), and into a new bare table that is
 * then indexed and keyed once (load by swap), each rolled back: what the table's own storage costs,
 * whatever the import does.
 * --steps: import as the import job does (inngest/functions/import-upload.ts): BATCHES_PER_STEP batches
 * per importUpload call, each call resuming at the offset the last committed batch stored. Without it,
 * one call imports the whole file, as the CLI does.
 * --full-export: after (b), next month's full export: the same rows without every 100th and with one
 * seat more on every 10th, imported with endMissing (the subscriptions it leaves out end today, those
 * with more seats are split today), timed on its own (not part of the ratio).
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import {
  createReadStream,
  createWriteStream,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { PGlite } from "@electric-sql/pglite";
import { parse } from "csv-parse";
import { getTableColumns, sql } from "drizzle-orm";
import postgres from "postgres";
import { connectPostgres, type Db, type DbHandle, openPglite } from "@/db/client";
import { migrateDb } from "@/db/migrate";
import { queryRows } from "@/db/rows";
import { organizations, subscriptionItems } from "@/db/schema";
import { BATCHES_PER_STEP } from "@/inngest/functions/import-upload";
import { boundHeapGrowth } from "@/lib/heap";
import type { TMappedColumn } from "@/lib/ingest/formats";
import { createRowNormaliser } from "@/lib/ingest/normalise";
import { importUpload } from "@/lib/uploads/import";
import { stageRow } from "@/lib/uploads/import-rows";
import { leftOutItems } from "@/lib/uploads/left-out";
import { previewUpload, queueImport } from "@/lib/uploads/plan";
import { storeUpload } from "@/lib/uploads/store";
import { seededRand } from "@/tests/helpers/revenue-gen";

const { values: flags } = parseArgs({
  options: {
    rows: { type: "string", default: "1000000" },
    seed: { type: "string", default: "20241215" },
    json: { type: "boolean", default: false },
    pglite: { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
    autoanalyze: { type: "boolean", default: false },
    "floor-detail": { type: "boolean", default: false },
    steps: { type: "boolean", default: false },
    "full-export": { type: "boolean", default: false },
    batch: { type: "string" },
    child: { type: "string" },
  },
});
const rows = Number(flags.rows);
const seed = Number(flags.seed);
if (!Number.isInteger(rows) || rows < 1) throw new Error("--rows must be a positive integer");
const log = (message: string) => console.error(`[bench] ${message}`);
const seconds = (ms: number) => (ms / 1000).toFixed(1);

// ---- Memory ---------------------------------------------------------------------------------------

const MB = 1024 * 1024;
const peaks = new Map<string, number>(); // sampled RSS peak per phase
let phase = "generate";
const sample = () => {
  const rss = process.memoryUsage().rss;
  peaks.set(phase, Math.max(peaks.get(phase) ?? 0, rss));
};
const sampler = setInterval(sample, 100);
sampler.unref();
const enter = (name: string) => {
  sample();
  phase = name;
};
/** Resets the kernel's high-water mark of this process's RSS to its current RSS (Linux ≥ 4.0). */
function resetVmHwm(): void {
  try {
    writeFileSync("/proc/self/clear_refs", "5");
  } catch {}
}
/** The kernel's high-water mark of this process's RSS (Linux), in bytes. */
function vmHwm(): number | null {
  try {
    const kb = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
    return kb ? Number(kb) * 1024 : null;
  } catch {
    return null;
  }
}

// ---- Deterministic messy CSV ----------------------------------------------------------------------

const HEADER = [
  "Subscription ID",
  "Customer",
  "Customer Email",
  "Plan",
  "Qty",
  "Amount",
  "Currency",
  "Billing Period",
  "Start Date",
  "End Date",
  "Status",
];
const PLANS: [name: string, monthly: number][] = [
  ["Starter", 29],
  ["Growth", 79],
  ["Pro", 199],
  ["Business", 499],
  ["Enterprise", 1499],
];
const FIRST = [
  "Acme",
  "Hartley",
  "Blue Door",
  "Northwind",
  "Vertex",
  "Lumen",
  "Oak & Pine",
  "Kestrel",
  "Nimbus",
];
const SECOND = ["Moss", "Analytics", "Logistics", "Health", "Labs", "Foods", "Partners", "Systems", "Studio"];
const SUFFIX = [", Inc.", " LLC", ", Ltd.", " GmbH", " & Co.", "", ' "The Original"', ", S.A."];
const DAY = 86_400_000;
const EPOCH_START = Date.UTC(2024, 0, 1) / DAY; // 35 months of starts, like bench:metrics' 36-month history
const START_DAYS = Date.UTC(2026, 10, 30) / DAY - EPOCH_START;
const TODAY = new Date().toISOString().slice(0, 10);

const quote = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const iso = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);
const us = (day: number) => {
  const [y, m, d] = iso(day).split("-");
  return `${m}/${d}/${y}`;
};
/** 1234.5 → "1,234.50" */
const grouped = (v: number) =>
  v.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2, useGrouping: true });

/** Customer `c`'s name and email: the same on every row that names it (its key is the email). */
function customer(c: number): [name: string, email: string] {
  const h = seededRand(c * 7919 + seed);
  const name = `${FIRST[h.int(0, FIRST.length - 1)]} ${SECOND[h.int(0, SECOND.length - 1)]}${SUFFIX[h.int(0, SUFFIX.length - 1)]}`;
  return [`${name} #${c}`, `billing.${c}@${name.toLowerCase().replace(/[^a-z]+/g, "")}.example.com`];
}

/** One data line; `bad` rows get an unparseable start date (and are rejected). */
function line(
  r: ReturnType<typeof seededRand>,
  customers: number,
  moreSeats = false,
): { text: string; bad: boolean } {
  const id = `sub_${r.int(0, 0x7fffffff).toString(36)}${r.int(0, 0x7fffffff).toString(36)}`;
  const [name, email] = customer(r.int(0, customers - 1));
  const [plan, monthly] = PLANS[Math.min(PLANS.length - 1, Math.floor(r.next() ** 2 * PLANS.length))] ?? [
    "Pro",
    1,
  ];
  const seats = r.next() < 0.05 ? null : r.int(1, 3) * r.int(1, 10);
  const qty = moreSeats ? String((seats ?? 1) + 1) : seats === null ? "" : String(seats);
  const p = r.next();
  const [interval, amount] =
    p < 0.7
      ? (["Monthly", monthly] as const)
      : p < 0.9
        ? (["yearly", monthly * 10] as const)
        : (["Quarterly", monthly * 2.85] as const);
  const style = r.int(0, 2);
  const money = style === 0 ? grouped(amount) : style === 1 ? `$${grouped(amount)}` : amount.toFixed(2);
  const start = EPOCH_START + r.int(0, START_DAYS);
  const end = r.next() < 0.3 ? start + r.int(30, 900) : null;
  const s = r.next();
  const status =
    end !== null && iso(end) <= TODAY ? "Canceled" : s < 0.05 ? "Trialing" : s < 0.08 ? "Past Due" : "Active";
  const bad = r.next() < 0.005;
  const startText = bad ? (["TBD", "2025-02-30", "31.31.2025", "soon"][r.int(0, 3)] ?? "TBD") : iso(start);
  const cells = [id, name, email, plan, qty, money, r.next() < 0.9 ? "USD" : "usd", interval, startText];
  cells.push(end === null ? "" : us(end), status);
  return { text: `${cells.map(quote).join(",")}\r\n`, bad };
}

/**
 * Streams the file to disk 2,000 lines per write, honouring backpressure. Returns the bad rows' count.
 * `nextMonth`: the same rows, but every 100th left out and every 10th with one seat more (a quantity
 * change: split on the import's day), as next month's full export of the same system.
 */
async function generate(file: string, nextMonth = false): Promise<number> {
  const r = seededRand(seed);
  const customers = Math.max(1, Math.round(rows / 10));
  let bad = 0;
  async function* chunks() {
    yield `\ufeff${HEADER.map(quote).join(",")}\r\n`; // Excel writes a BOM
    let buf = "";
    for (let i = 1; i <= rows; i++) {
      const l = line(r, customers, nextMonth && i % 10 === 5);
      if (nextMonth && i % 100 === 0) continue;
      if (l.bad) bad++;
      buf += l.text;
      if (i % 2_000 === 0) {
        yield buf;
        buf = "";
      }
    }
    if (buf) yield buf;
  }
  await pipeline(chunks, createWriteStream(file));
  return bad;
}

// ---- (a) Raw baseline -----------------------------------------------------------------------------

const RAW_TABLE = "bench_raw_import";
const copyText = (v: string) =>
  v.replace(/[\\\t\n\r]/g, (c) => (c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r"));

/** csv-parse's records as COPY text, `perChunk` records per string. */
function copyChunks(file: string, perChunk: number, count: { rows: number }) {
  const parser = parse({ bom: true, from_line: 2, relax_column_count: true });
  const parsing = pipeline(createReadStream(file), parser);
  return {
    parsing,
    async *chunks() {
      let buf: string[] = [];
      for await (const record of parser as AsyncIterable<string[]>) {
        while (record.length < HEADER.length) record.push("");
        buf.push(`${record.map(copyText).join("\t")}\n`);
        count.rows++;
        if (buf.length === perChunk) {
          yield buf.join("");
          buf = [];
        }
      }
      if (buf.length) yield buf.join("");
    },
  };
}

async function rawBaseline(
  file: string,
  makeTarget: (h: DbHandle) => RawTarget,
  h: DbHandle,
): Promise<{ rows: number; ms: number; how: string }> {
  const target = makeTarget(h);
  try {
    const columns = HEADER.map((_, i) => `c${i} text`).join(", ");
    await target.exec(`CREATE TABLE ${RAW_TABLE} (${columns})`);
    const count = { rows: 0 };
    const start = performance.now();
    const how = await target.copy(file, count);
    const ms = performance.now() - start;
    await target.exec(`DROP TABLE ${RAW_TABLE}`);
    return { rows: count.rows, ms, how };
  } finally {
    await target.close();
  }
}

type RawTarget = {
  exec: (query: string) => Promise<unknown>;
  copy: (file: string, count: { rows: number }) => Promise<string>;
  close: () => Promise<void>;
};

/** A plain postgres.js connection of its own, as a loader would use. */
const postgresRaw =
  (url: string) =>
  (_h: DbHandle): RawTarget => {
    const client = postgres(url, { max: 1, onnotice: () => {} });
    return {
      exec: (q) => client.unsafe(q),
      async copy(file, count) {
        const { parsing, chunks } = copyChunks(file, 2_000, count);
        const target = await client`COPY ${client(RAW_TABLE)} FROM STDIN`.writable();
        await Promise.all([parsing, pipeline(chunks, target as unknown as Writable)]);
        return "csv-parse → COPY FROM STDIN";
      },
      close: () => client.end(),
    };
  };

function pgliteRaw(h: DbHandle): RawTarget {
  const pg = (h as DbHandle & { client: PGlite }).client;
  return {
    exec: (q) => pg.exec(q),
    async copy(file, count) {
      const { parsing, chunks } = copyChunks(file, 50_000, count);
      // PGlite has no COPY FROM STDIN through our client; it reads a Blob as the file '/dev/blob'.
      const sink = new Writable({
        objectMode: true,
        write(chunk: string, _encoding, callback) {
          pg.query(`COPY ${RAW_TABLE} FROM '/dev/blob'`, [], { blob: new Blob([chunk]) }).then(
            () => callback(),
            callback,
          );
        },
      });
      await Promise.all([parsing, pipeline(chunks, sink)]);
      return "csv-parse → COPY FROM '/dev/blob', 50,000 rows per blob";
    },
    close: async () => {},
  };
}

// ---- (b) The import pipeline ----------------------------------------------------------------------

/** `db` whose transactions are timed: writeBatch is one transaction per batch, the final metrics another. */
function timedTransactions(db: Db, spans: number[]): Db {
  return new Proxy(db, {
    get(target, prop, receiver) {
      if (prop !== "transaction") return Reflect.get(target, prop, receiver);
      return async (...args: Parameters<Db["transaction"]>) => {
        const start = performance.now();
        try {
          return await target.transaction(...args);
        } finally {
          spans.push(performance.now() - start);
        }
      };
    },
  });
}

type PipelineResult = {
  ms: number;
  store: number;
  plan: number;
  read: number;
  writeBatches: number;
  batchMs: number[];
  analyzeMs: number;
  batches: number;
  /** importUpload calls: 1, or one per job step with --steps. */
  calls: number;
  derive: number;
  steps: Map<string, number>;
  cpu: number;
  upload: { rowsRead: number; rowsImported: number; rowsRejected: number; rowsUnchanged: number };
  mapping: TMappedColumn[];
  defaultCurrency: string | undefined;
};

async function importPipeline(h: DbHandle, file: string): Promise<PipelineResult> {
  const [org] = await h.db
    .insert(organizations)
    .values({ slug: "bench", name: "Bench", currency: "USD" })
    .returning();
  const orgId = (org as { id: string }).id;
  const t0 = performance.now();
  enter("store");
  const { upload } = await storeUpload(h.db, {
    orgId,
    userId: null,
    filename: "bench-subscriptions.csv",
    contentType: "text/csv",
    body: createReadStream(file),
    maxBytes: Number.MAX_SAFE_INTEGER,
  });
  const t1 = performance.now();
  enter("preview");
  const preview = await previewUpload(h.db, { orgId, uploadId: upload.id });
  if (!preview.ok) throw new Error(`preview: ${preview.error.message}`);
  const mapped = preview.mapping.map((m) => `${m.header}→${m.field ?? "-"}`).join(", ");
  log(`preview: kind ${preview.kind}, ${mapped}`);
  const queued = await queueImport(h.db, { orgId, uploadId: upload.id, kind: "subscriptions" });
  const t2 = performance.now();
  enter("import");
  const spans: number[] = [];
  const db = timedTransactions(h.db, spans);
  let lastBatch = t2;
  let nextLog = 0.1;
  let lastAnalyze = performance.now();
  let analyzeMs = 0;
  const cpu0 = process.cpuUsage();
  const steps = new Map<string, number>();
  let cpuRead = 0;
  /** Transactions up to the last batch's progress report; those after it update the metrics. */
  let batchSpans: number | null = null;
  let calls = 0;
  for (;;) {
    calls++;
    const result = await importUpload(
      db,
      { orgId, uploadId: upload.id },
      {
        timings: steps,
        ...(flags.steps ? { maxBatches: BATCHES_PER_STEP } : {}),
        ...(flags.batch ? { batchSize: Number(flags.batch) } : {}),
        onProgress: async (p) => {
          if (flags.autoanalyze && performance.now() - lastAnalyze >= 60_000) {
            const a = performance.now();
            await h.db.execute(sql`ANALYZE subscription_items, customers, plans, upload_touched_customers`);
            lastAnalyze = performance.now();
            analyzeMs += lastAnalyze - a;
            log(`autoanalyze: ${(lastAnalyze - a).toFixed(0)} ms`);
          }
          lastBatch = performance.now();
          if (p.bytesProcessed >= p.sizeBytes) enter("derive");
          batchSpans = spans.length; // each batch reports after its transaction
          const c = process.cpuUsage(cpu0);
          cpuRead = (c.user + c.system) / 1000;
          if (p.bytesProcessed / p.sizeBytes >= nextLog) {
            const last = spans.at(-1) ?? 0;
            const pct = Math.round((100 * p.bytesProcessed) / p.sizeBytes);
            log(`import ${pct}%: ${p.rowsRead} rows read, last batch's transaction ${last.toFixed(0)} ms`);
            nextLog += 0.1;
          }
        },
      },
    );
    if (result.done) {
      if (result.upload.status !== "complete")
        throw new Error(`import ${result.upload.status}: ${result.upload.error}`);
      const end = performance.now();
      // After the last batch: the metrics of the touched customers (a rebuild in its own transaction, whose
      // helper connections it waits for, then the transaction that completes the upload).
      const derive = spans.splice(batchSpans ?? spans.length - 1).reduce((a, b) => a + b, 0);
      return {
        ms: end - t0,
        store: t1 - t0,
        plan: t2 - t1,
        read: lastBatch - t2,
        writeBatches: spans.reduce((a, b) => a + b, 0),
        batchMs: spans,
        analyzeMs,
        batches: spans.length,
        calls,
        derive,
        steps,
        cpu: cpuRead,
        upload: result.upload,
        mapping: queued.mapping as TMappedColumn[],
        defaultCurrency: queued.options.defaultCurrency,
      };
    }
  }
}

type FullExportResult = {
  rows: number;
  ms: number;
  plan: number;
  derive: number;
  steps: [string, number][];
  itemsEnded: number;
  unchanged: number;
  /** leftOutItems before the import (what the preview's box shows); it matched itemsEnded. */
  leftOutMs: number;
  /** VmHWM from after the file's generation to the end of its import. */
  peakRss?: number;
};

/** --full-export's file, next to (a)'s: generate's `nextMonth`, written by the parent process. */
const nextMonthFile = (file: string) => `${file}.next.csv`;

/**
 * --full-export: the bench org's next full export, stored, previewed and imported with endMissing:
 * what a monthly re-import costs.
 */
async function importFullExport(h: DbHandle, file: string): Promise<FullExportResult> {
  enter("full export");
  const next = nextMonthFile(file);
  const kept = rows - Math.floor(rows / 100);
  const [org] = await queryRows<{ id: string }>(h.db, sql`SELECT id FROM organizations WHERE slug = 'bench'`);
  const orgId = org?.id as string;
  const t0 = performance.now();
  const { upload } = await storeUpload(h.db, {
    orgId,
    userId: null,
    filename: "bench-next-month.csv",
    contentType: "text/csv",
    body: createReadStream(next),
    maxBytes: Number.MAX_SAFE_INTEGER,
  });
  const preview = await previewUpload(h.db, { orgId, uploadId: upload.id });
  if (!preview.ok) throw new Error(`preview: ${preview.error.message}`);
  log(`full export: preview says ${JSON.stringify(preview.earlier)}`);
  // What the preview's box asks before the import (POST /api/v1/uploads/:id/left-out): not in `ms`.
  const l0 = performance.now();
  const left = await leftOutItems(h.db, { orgId, uploadId: upload.id, options: { endMissing: true } });
  const leftOutMs = performance.now() - l0;
  log(
    `full export: left-out check ${seconds(leftOutMs)} s: ${left.missing} of ${left.live} live, MRR ${left.missingMrr}`,
  );
  await queueImport(h.db, {
    orgId,
    uploadId: upload.id,
    kind: "subscriptions",
    options: { endMissing: true },
  });
  const t1 = performance.now();
  const steps = new Map<string, number>();
  const spans: number[] = [];
  let batchSpans = 0;
  const result = await importUpload(
    timedTransactions(h.db, spans),
    { orgId, uploadId: upload.id },
    {
      timings: steps,
      onProgress: () => {
        batchSpans = spans.length;
      },
    },
  );
  const ms = performance.now() - t0 - leftOutMs;
  if (!result.done || result.upload.status !== "complete")
    throw new Error(`full export import ${result.upload.status}: ${result.upload.error}`);
  if (left.missing !== result.upload.itemsEnded)
    throw new Error(`the left-out check said ${left.missing}, the import ended ${result.upload.itemsEnded}`);
  return {
    rows: kept,
    ms,
    plan: t1 - t0 - leftOutMs,
    leftOutMs,
    derive: spans.slice(batchSpans).reduce((a, b) => a + b, 0),
    steps: [...steps],
    itemsEnded: result.upload.itemsEnded ?? 0,
    unchanged: result.upload.rowsUnchanged,
  };
}

/** The pipeline's CPU side alone, no database: csv-parse + the upload's normaliser + stageRow. */
async function normaliseOnly(
  file: string,
  p: Pick<PipelineResult, "mapping" | "defaultCurrency">,
): Promise<number> {
  const normalise = createRowNormaliser("subscriptions", p.mapping, {
    defaultCurrency: p.defaultCurrency ?? null,
  });
  const headers = new Map(p.mapping.flatMap((m) => (m.field ? [[m.field, m.header] as const] : [])));
  const ctx = { reportingCurrency: "USD", rates: new Map(), today: TODAY };
  const parser = parse({ bom: true, from_line: 2, relax_column_count: true, relax_quotes: true });
  const parsing = pipeline(createReadStream(file), parser);
  const start = performance.now();
  let line = 1;
  for await (const record of parser as AsyncIterable<string[]>) {
    const n = normalise(record, ++line);
    if (n.ok)
      stageRow("subscriptions", n.row as Record<string, unknown>, line, (f) => headers.get(f) ?? null, ctx);
  }
  await parsing;
  return performance.now() - start;
}

/** How the batches' transaction times move through the file: a growing time is a per-batch scan. */
function batchSpread(ms: number[]): string {
  const tenth = Math.max(1, Math.floor(ms.length / 10));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const first = median(ms.slice(0, tenth)).toFixed(0);
  const last = median(ms.slice(-tenth)).toFixed(0);
  return `median of first tenth ${first}, of last tenth ${last}, max ${Math.max(0, ...ms).toFixed(0)}`;
}

// ---- Run ------------------------------------------------------------------------------------------

/** Where the bench's database is, so that the pipeline's own process can open it too. */
type BenchDb = { url: string } | { dir: string };
const openBenchDb = (t: BenchDb): DbHandle =>
  "dir" in t ? openPglite(t.dir) : connectPostgres(t.url, { max: 4 });

/**
 * The schema floor's INSERT, on subscription_items as it is or stripped of parts (floorVariants), or into
 * a table of its own (`into`) that `build` then indexes and keys, timed with the INSERT.
 */
type FloorVariant = {
  name: string;
  strip: (tx: Db) => Promise<void>;
  into?: string;
  build?: (tx: Db) => Promise<void>;
};

const dropConstraints = async (tx: Db, types: string) => {
  const found = await queryRows<{ name: string }>(
    tx,
    sql`SELECT conname AS name FROM pg_constraint
        WHERE conrelid = 'subscription_items'::regclass AND contype = ANY(${`{${types}}`}::"char"[])`,
  );
  for (const { name } of found)
    await tx.execute(sql.raw(`ALTER TABLE subscription_items DROP CONSTRAINT "${name}" CASCADE`));
};
const dropSecondaryIndexes = async (tx: Db) => {
  const found = await queryRows<{ name: string }>(
    tx,
    sql`SELECT i.relname AS name FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
        WHERE x.indrelid = 'subscription_items'::regclass AND NOT x.indisprimary`,
  );
  for (const { name } of found) await tx.execute(sql.raw(`DROP INDEX "${name}"`));
};

const floorVariants: FloorVariant[] = [
  { name: "the items alone into subscription_items", strip: async () => {} },
  { name: "  the same, without its foreign keys", strip: (tx) => dropConstraints(tx, "f") },
  {
    name: "  the same, without foreign keys or secondary indexes",
    strip: async (tx) => {
      await dropConstraints(tx, "f");
      await dropSecondaryIndexes(tx);
    },
  },
  {
    name: "  the same into a bare heap (no key, index or check)",
    strip: async (tx) => {
      await dropConstraints(tx, "f,c,p");
      await dropSecondaryIndexes(tx);
    },
  },
  {
    // What a design that loads each org's items into a table of their own and swaps it in would pay at
    // least (the README's "loaded by swap"): a bare new table, then its key, the three indexes and the
    // two foreign keys built and checked once. Attaching it as a partition is not measured (with a CHECK
    // matching the partition's bound, Postgres skips the scan).
    name: "  the same loaded by swap: a new bare table, then its key, indexes and foreign keys built once",
    strip: async (tx) => {
      await tx.execute(
        sql`CREATE TABLE floor_swap (LIKE subscription_items INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`,
      );
    },
    into: "floor_swap",
    build: async (tx) => {
      for (const statement of [
        "ALTER TABLE floor_swap ADD PRIMARY KEY (id)",
        "CREATE UNIQUE INDEX ON floor_swap (org_id, source, external_id)",
        "CREATE INDEX ON floor_swap (org_id, customer_id)",
        "CREATE INDEX ON floor_swap (source_upload_id)",
        "ALTER TABLE floor_swap ADD FOREIGN KEY (org_id, customer_id) REFERENCES customers (org_id, id)",
        "ALTER TABLE floor_swap ADD FOREIGN KEY (plan_id) REFERENCES plans (id)",
      ])
        await tx.execute(sql.raw(statement));
    },
  },
];

/** subscription_items' columns but its id, which the floor's INSERT leaves to the table's default. */
const FLOOR_COLUMNS = sql.raw(
  Object.values(getTableColumns(subscriptionItems))
    .map((c) => `"${c.name}"`)
    .filter((c) => c !== '"id"')
    .join(", "),
);

/**
 * For reference, the floor the schema sets: the rows (b) wrote, written again into subscription_items as
 * new items by one INSERT … SELECT from a temporary copy (no parsing, no staging, no ON CONFLICT; the
 * table's indexes and foreign keys as they are), rolled back. No import of these rows can write them
 * faster than this; the derived metrics come on top. With --floor-detail, the same INSERT again with the
 * table stripped of parts (rolled back with the INSERT).
 */
async function schemaFloor(target: BenchDb): Promise<{ name: string; ms: number }[]> {
  const h = openBenchDb(target);
  const results: { name: string; ms: number }[] = [];
  try {
    for (const variant of flags["floor-detail"] ? floorVariants : floorVariants.slice(0, 1)) {
      // The previous variant's rolled-back rows are dead entries in the table and its indexes; left there,
      // they would slow the next variant down (its unique checks visit them).
      if (results.length > 0) await h.db.execute(sql`VACUUM subscription_items`);
      await h.db
        .transaction(async (tx) => {
          await tx.execute(sql`
            CREATE TEMP TABLE floor_items ON COMMIT DROP AS
            SELECT * FROM subscription_items WHERE source = 'csv'`);
          await tx.execute(sql`UPDATE floor_items SET external_id = external_id || '~floor'`);
          await variant.strip(tx);
          const t = performance.now();
          // New ids from the table's default, as an import's new items get them.
          const into = sql.identifier(variant.into ?? "subscription_items");
          await tx.execute(
            sql`INSERT INTO ${into} (${FLOOR_COLUMNS}) SELECT ${FLOOR_COLUMNS} FROM floor_items`,
          );
          await variant.build?.(tx);
          results.push({ name: variant.name, ms: performance.now() - t });
          throw new RolledBack();
        })
        .catch((error) => {
          if (!(error instanceof RolledBack)) throw error;
        });
    }
    return results;
  } finally {
    await h.close();
  }
}
class RolledBack extends Error {}

/**
 * (b) runs in a child process of its own (this script with --child), so its peak RSS is the pipeline's,
 * not the CSV generator's or the raw baseline's. The child prints its result as the last stdout line.
 */
type ChildResult = Omit<PipelineResult, "steps"> & {
  steps: [string, number][];
  peakRss: number;
  rss: string;
  fullExport?: FullExportResult;
};

async function runChild(target: BenchDb, csv: string): Promise<ChildResult> {
  const script = fileURLToPath(import.meta.url);
  const args = [...process.execArgv, script, "--child", JSON.stringify({ target, csv })];
  args.push("--rows", String(rows), "--seed", String(seed));
  if (flags.batch) args.push("--batch", flags.batch);
  if (flags.autoanalyze) args.push("--autoanalyze");
  if (flags.steps) args.push("--steps");
  if (flags["full-export"]) args.push("--full-export");
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    out += d;
  });
  const [code] = (await once(child, "exit")) as [number | null];
  if (code !== 0) throw new Error(`the pipeline's process exited with ${code}`);
  return JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as ChildResult;
}

if (flags.child) {
  phase = "start"; // modules loaded, nothing done yet (this process generates nothing)
  peaks.clear();
  // The pipeline's process stands in for the server or the CLI, which bound their heap growth so.
  const growth = boundHeapGrowth();
  log(
    `pipeline process: V8 heap growth ${growth ? `bounded at ${growth}%` : "V8's default"} (MERIDIAN_HEAP_GROWTH_PERCENT)`,
  );
  const { target, csv } = JSON.parse(flags.child) as { target: BenchDb; csv: string };
  const h = openBenchDb(target);
  try {
    const pipe = await importPipeline(h, csv);
    enter("end");
    const peakRss = Math.max(vmHwm() ?? 0, ...peaks.values());
    let fullExport: FullExportResult | undefined;
    if (flags["full-export"]) {
      resetVmHwm(); // the full export's peak on its own
      fullExport = await importFullExport(h, csv);
      enter("end");
      fullExport.peakRss = Math.max(vmHwm() ?? 0, peaks.get("full export") ?? 0);
    }
    const rss = [...peaks.entries()].map(([k, v]) => `${k} ${(v / MB).toFixed(0)}`).join(", ");
    console.info(
      JSON.stringify({ ...pipe, steps: [...pipe.steps], peakRss, rss, fullExport } satisfies ChildResult),
    );
  } finally {
    await h.close();
  }
  process.exit(0);
}

/** A fresh database for the run: migrated, with the raw baseline measured; closed before (b) opens it. */
async function withDatabase<T>(
  fn: (target: BenchDb, raw: (h: DbHandle) => RawTarget, h: DbHandle) => Promise<T>,
): Promise<T> {
  if (flags.pglite) {
    const dir = mkdtempSync(path.join(tmpdir(), "meridian-bench-"));
    try {
      return await fn({ dir }, pgliteRaw, openPglite(dir));
    } finally {
      if (flags.keep) log(`kept PGlite data in ${dir}`);
      else rmSync(dir, { recursive: true, force: true });
    }
  }
  const url = new URL(process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres");
  const name = `meridian_bench_${randomBytes(4).toString("hex")}`;
  const admin = postgres(url.toString(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE "${name}"`);
  url.pathname = `/${name}`;
  try {
    return await fn(
      { url: url.toString() },
      postgresRaw(url.toString()),
      connectPostgres(url.toString(), { max: 4 }),
    );
  } finally {
    if (flags.keep) log(`kept database ${name}`);
    else await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

const engine = flags.pglite ? "pglite" : "postgres";
const dir = mkdtempSync(path.join(tmpdir(), "meridian-bench-csv-"));
const file = path.join(dir, "subscriptions.csv");
try {
  const start = performance.now();
  const bad = await generate(file);
  const sizeMb = statSync(file).size / MB;
  log(
    `wrote ${rows} rows (${bad} with a bad date), ${sizeMb.toFixed(1)} MB in ${seconds(performance.now() - start)} s`,
  );
  if (flags["full-export"]) await generate(nextMonthFile(file), true);
  const { raw, pipe, normaliseMs, floor } = await withDatabase(async (target, rawTarget, h) => {
    let raw: Awaited<ReturnType<typeof rawBaseline>>;
    try {
      await migrateDb(h);
      if (!flags.pglite) {
        const [av] = await queryRows<{ autovacuum: string }>(h.db, sql`SHOW autovacuum`);
        if (av?.autovacuum !== "on")
          log("the server runs with autovacuum off: nothing ANALYZEs the new rows");
      }
      enter("raw");
      raw = await rawBaseline(file, rawTarget, h);
      log(`raw: ${raw.rows} rows in ${seconds(raw.ms)} s (${raw.how})`);
    } finally {
      await h.close(); // PGlite serves one process: the pipeline's opens it next
    }
    enter("pipeline (child process)");
    const pipe = await runChild(target, file);
    log(
      `pipeline: ${seconds(pipe.ms)} s; batch transactions ms: ${pipe.batchMs.map((m) => m.toFixed(0)).join(" ")}`,
    );
    enter("normalise-only");
    const normaliseMs = await normaliseOnly(file, pipe);
    enter("schema floor");
    const floor = await schemaFloor(target);
    enter("end");
    return { raw, pipe, normaliseMs, floor };
  });
  const floorMs = floor[0]?.ms ?? 0;
  const rawRate = raw.rows / (raw.ms / 1000);
  const pipeRate = rows / (pipe.ms / 1000);
  const peak = pipe.peakRss / MB; // the pipeline's own process
  const parentPeak = Math.max(vmHwm() ?? 0, ...peaks.values()) / MB;
  const u = pipe.upload;
  const table: Record<string, string> = {
    engine,
    rows: rows.toLocaleString("en"),
    "raw rows/s": Math.round(rawRate).toLocaleString("en"),
    "pipeline rows/s": Math.round(pipeRate).toLocaleString("en"),
    "ratio pipeline/raw": (pipeRate / rawRate).toFixed(3),
    "peak RSS MB": peak.toFixed(0),
    autoanalyze: flags.autoanalyze ? "emulated" : "server's",
    "imported / rejected (bad generated)": `${u.rowsImported.toLocaleString("en")} / ${u.rowsRejected.toLocaleString("en")} (${bad})`,
  };
  const other = pipe.read - pipe.writeBatches;
  const phases: [string, number, string][] = [
    ["raw baseline (a)", raw.ms, raw.how],
    ["store (storeUpload)", pipe.store, `${sizeMb.toFixed(1)} MB in 1 MB chunks`],
    ["preview + queueImport", pipe.plan, "reads the 2 MB head twice"],
    [
      "import: read + write",
      pipe.read,
      `${pipe.batches} batches in ${pipe.calls} importUpload call${pipe.calls === 1 ? "" : "s"}; node CPU ${seconds(pipe.cpu)} s`,
    ],
    ["  of which writeBatch transactions", pipe.writeBatches, `per batch ms: ${batchSpread(pipe.batchMs)}`],
    ...pipe.steps.map(([step, ms]): [string, number, string] => [
      `    ${step}`,
      ms,
      "inside the transactions",
    ]),
    ...(flags.autoanalyze
      ? [["  of which ANALYZE (--autoanalyze)", pipe.analyzeMs, "once a minute"] as [string, number, string]]
      : []),
    [
      "  of which the rest",
      other - pipe.analyzeMs,
      "chunk reads, decode, csv-parse, normalise, stage (overlaps nothing)",
    ],
    [
      "derived metrics (finish)",
      pipe.derive,
      "rebuildRevenue (over 5,000 customers touched), else updateRevenueForCustomers",
    ],
    ["pipeline total (b)", pipe.ms, ""],
    ["for reference: csv-parse + normalise + stage, no DB", normaliseMs, "same mapping, run after (b)"],
    ...floor.map(({ name, ms }, i): [string, number, string] => [
      `for reference: ${name}`,
      ms,
      i === 0 ? "INSERT … SELECT of (b)'s rows as new items, indexes + FKs, rolled back" : "rolled back",
    ]),
    [
      "for reference: the items alone + derived metrics (schema floor)",
      floorMs + pipe.derive,
      `best ratio the schema allows: ${(raw.ms / (floorMs + pipe.derive)).toFixed(3)}`,
    ],
  ];
  const rss = [...peaks.entries()].map(([k, v]) => `${k} ${(v / MB).toFixed(0)}`).join(", ");
  console.info(`\n${engine}, ${rows.toLocaleString("en")} rows (${sizeMb.toFixed(1)} MB), seed ${seed}\n`);
  console.info(
    `| ${Object.keys(table).join(" | ")} |\n|${Object.keys(table)
      .map(() => "---")
      .join("|")}|`,
  );
  console.info(`| ${Object.values(table).join(" | ")} |\n`);
  console.info("| phase | s | rows/s | note |\n|---|---|---|---|");
  for (const [name, ms, note] of phases) {
    console.info(
      `| ${name} | ${seconds(ms)} | ${Math.round(rows / (ms / 1000)).toLocaleString("en")} | ${note} |`,
    );
  }
  console.info(
    `\npeak RSS of the pipeline's process (VmHWM): ${peak.toFixed(0)} MB; sampled every 100 ms per phase (MB): ${pipe.rss}` +
      `\nthis process (generator, raw baseline, reference run): ${parentPeak.toFixed(0)} MB; per phase: ${rss}`,
  );
  console.info(
    `upload counters: read ${u.rowsRead}, imported ${u.rowsImported}, unchanged ${u.rowsUnchanged}, rejected ${u.rowsRejected}`,
  );
  const next = pipe.fullExport;
  if (next) {
    console.info(
      `\nfull export (--full-export): ${next.rows.toLocaleString("en")} rows in ${seconds(next.ms)} s ` +
        `(${Math.round(next.rows / (next.ms / 1000)).toLocaleString("en")} rows/s; store + preview ${seconds(next.plan)} s, ` +
        `ending the missing + derived metrics ${seconds(next.derive)} s), ${next.unchanged.toLocaleString("en")} unchanged, ` +
        `${next.itemsEnded.toLocaleString("en")} items ended (the left-out check before it said as many, in ${seconds(next.leftOutMs)} s), peak RSS ${((next.peakRss ?? 0) / MB).toFixed(0)} MB; in the transactions: ` +
        next.steps.map(([step, ms]) => `${step} ${seconds(ms)} s`).join(", "),
    );
  }
  if (flags.json) {
    console.info(
      JSON.stringify({
        raw_rows_per_s: Math.round(rawRate),
        pipeline_rows_per_s: Math.round(pipeRate),
        ratio: Number((pipeRate / rawRate).toFixed(4)),
        peak_rss_mb: Number(peak.toFixed(1)),
        derive_s: Number((pipe.derive / 1000).toFixed(1)),
        schema_floor_ratio: Number((raw.ms / (floorMs + pipe.derive)).toFixed(4)),
        ...(next
          ? {
              full_export_s: Number((next.ms / 1000).toFixed(1)),
              full_export_items_ended: next.itemsEnded,
              full_export_left_out_s: Number((next.leftOutMs / 1000).toFixed(1)),
              full_export_peak_rss_mb: Number(((next.peakRss ?? 0) / MB).toFixed(1)),
            }
          : {}),
      }),
    );
  }
} finally {
  if (flags.keep) log(`kept the CSV in ${file}`);
  else rmSync(dir, { recursive: true, force: true });
}
