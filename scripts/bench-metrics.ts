/**
 * `npm run bench:metrics -- [--customers N] [--items N] [--months N] [--engine postgres|pglite|both]
 * [--runs N] [--seed N] [--keep]`: loads one deterministic org (tests/helpers/revenue-gen.ts, the
 * property tests' generator) in bulk into a fresh database, then times a full revenue rebuild, an
 * incremental update for one customer, and the summary, movements and cohorts reads. Postgres:
 * a new `meridian_bench_<random>` database on BENCH_DATABASE_URL's server; PGlite: a temp directory.
 * Both are removed at the end unless --keep.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { connectPostgres, type DbHandle, openPglite } from "@/db/client";
import { migrateDb } from "@/db/migrate";
import { getCohorts, getMovements, getSummary } from "@/db/queries/revenue";
import { queryRows, toNumber } from "@/db/rows";
import type { IntervalUnit } from "@/db/schema";
import { organizations } from "@/db/schema";
import { rebuildRevenue, updateRevenueForCustomers } from "@/lib/metrics/derive";
import { itemMrr } from "@/lib/metrics/mrr";
import {
  addMonths,
  asOfFor,
  genItemMrr,
  genItems,
  type HistoryShape,
  seededRand,
} from "@/tests/helpers/revenue-gen";

const { values: flags } = parseArgs({
  options: {
    customers: { type: "string", default: "100000" },
    items: { type: "string", default: "1000000" },
    months: { type: "string", default: "36" },
    engine: { type: "string", default: "both" },
    runs: { type: "string", default: "20" },
    seed: { type: "string", default: "20241215" },
    keep: { type: "boolean", default: false },
  },
});
const seed = Number(flags.seed);
const runs = Number(flags.runs);
const shape: HistoryShape = {
  customers: Number(flags.customers),
  items: Number(flags.items),
  plans: 20,
  firstMonth: "2023-01",
  months: Number(flags.months),
  futureMonths: 0,
};
const asOf = asOfFor(shape);
const lastMonth = addMonths(shape.firstMonth, shape.months - 1);
const engines = flags.engine === "both" ? ["postgres", "pglite"] : [flags.engine ?? ""];
if (engines.some((e) => e !== "postgres" && e !== "pglite")) throw new Error("--engine postgres|pglite|both");
const log = (message: string) => console.error(`[bench] ${message}`);

// ---- Deterministic rows ---------------------------------------------------------------------------

const COUNTRIES = ["US", "GB", "DE", "FR", "CA", "AU", "NL", "SE", "ES", "IT"];
const SEGMENTS = ["SMB", "Mid-market", "Enterprise"];
const INDUSTRIES = ["Software", "Fintech", "Retail", "Health", "Education", "Media"];

type Cell = string | number | null;
type Table = { name: string; columns: string[]; rows: () => Iterable<Cell[]> };

/** A v4-shaped uuid from a seeded stream: random-looking like production ids, identical every run. */
function uuidStream(streamSeed: number) {
  const r = seededRand(streamSeed);
  return () => {
    const hex = Array.from({ length: 4 }, () => r.int(0, 0xffffffff).toString(16).padStart(8, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  };
}

function benchTables(orgId: string): { tables: Table[]; sampleCustomers: string[] } {
  const planIds = Array.from({ length: shape.plans }, uuidStream(seed + 1));
  const customerIds = Array.from({ length: shape.customers }, uuidStream(seed + 2));
  const itemId = uuidStream(seed + 3);
  const periods: Cell[][] = [];
  const items: Table = {
    name: "subscription_items",
    columns: `id org_id customer_id plan_id source external_id quantity unit_amount currency interval_unit
      interval_count discount_percent discount_amount start_date end_date status mrr`.split(/\s+/),
    *rows() {
      for (const i of genItems(seededRand(seed), shape)) {
        const id = itemId();
        for (const p of i.periods ?? []) periods.push([orgId, id, p.kind, p.startDate, p.endDate]);
        const plan = i.plan === null ? null : (planIds[i.plan] ?? null);
        yield [
          id,
          orgId,
          customerIds[i.customer] ?? null,
          plan,
          "csv",
          i.externalId,
          i.quantity,
          i.unitAmount,
          "USD",
          i.intervalUnit,
          i.intervalCount,
          i.discountPercent,
          i.discountAmount,
          i.startDate,
          i.endDate,
          i.status,
          genItemMrr(i), // MRR-1, single currency
        ];
      }
    },
  };
  const tables: Table[] = [
    {
      name: "plans",
      columns: ["id", "org_id", "external_id", "name"],
      rows: () => planIds.map((id, k) => [id, orgId, `p${k}`, `Plan ${k}`]),
    },
    {
      name: "customers",
      // Attributes for bench:dashboard's country, segment and industry views (a tenth, a third, a sixth).
      columns: ["id", "org_id", "external_id", "name", "country", "segment", "industry"],
      rows: () =>
        customerIds.map((id, k) => [
          id,
          orgId,
          `c${k}`,
          `Customer ${k}`,
          COUNTRIES[k % COUNTRIES.length] ?? null,
          SEGMENTS[(k * 7) % SEGMENTS.length] ?? null,
          INDUSTRIES[(k * 13) % INDUSTRIES.length] ?? null,
        ]),
    },
    items,
    // Filled while the items stream, so it must load after them.
    {
      name: "subscription_item_periods",
      columns: ["org_id", "item_id", "kind", "start_date", "end_date"],
      rows: () => periods,
    },
  ];
  // Evenly spread customers for the incremental runs.
  const step = Math.max(1, Math.floor(shape.customers / (runs + 1)));
  const sampleCustomers = Array.from(
    { length: runs + 1 },
    (_, k) => customerIds[(k * step) % shape.customers] as string,
  );
  return { tables, sampleCustomers };
}

// ---- Bulk load ------------------------------------------------------------------------------------

const BATCH = 2_000;
function* batches<T>(rows: Iterable<T>): Generator<T[]> {
  let batch: T[] = [];
  for (const row of rows) {
    batch.push(row);
    if (batch.length === BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

const copyCell = (v: Cell) => (v === null ? "\\N" : String(v)); // our values hold no tabs or backslashes
const literal = (v: Cell) =>
  v === null ? "NULL" : typeof v === "number" ? String(v) : `'${v.replace(/'/g, "''")}'`;

/** COPY … FROM STDIN through postgres.js: the fastest way in, and what a real bulk import would use. */
async function loadPostgres(client: postgres.Sql, table: Table): Promise<number> {
  let count = 0;
  const lines = function* () {
    for (const batch of batches(table.rows())) {
      count += batch.length;
      yield `${batch.map((row) => row.map(copyCell).join("\t")).join("\n")}\n`;
    }
  };
  const target = await client
    .unsafe(`COPY ${table.name} (${table.columns.join(", ")}) FROM STDIN`)
    .writable();
  await pipeline(Readable.from(lines()), target);
  return count;
}

/** PGlite: multi-row INSERTs of BATCH rows through the client, no ORM in between. */
async function loadPglite(client: ReturnType<typeof openPglite>["client"], table: Table): Promise<number> {
  let count = 0;
  for (const batch of batches(table.rows())) {
    const values = batch.map((row) => `(${row.map(literal).join(",")})`).join(",\n");
    await client.exec(`INSERT INTO ${table.name} (${table.columns.join(", ")}) VALUES ${values}`);
    count += batch.length;
  }
  return count;
}

// ---- Measurements ---------------------------------------------------------------------------------

const ms = async (fn: () => Promise<unknown>) => {
  const start = performance.now();
  await fn();
  return performance.now() - start;
};
const quantile = (xs: number[], q: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
};
const p50p95 = (xs: number[]) => `${quantile(xs, 0.5).toFixed(1)} / ${quantile(xs, 0.95).toFixed(1)}`;

async function timeRuns(fn: () => Promise<unknown>): Promise<number[]> {
  await fn(); // warm-up: plan caches, shared buffers
  const out: number[] = [];
  for (let k = 0; k < runs; k++) out.push(await ms(fn));
  return out;
}

/** Reprices one of the customer's items (quantity + 1, MRR-1 recomputed) as a writer would. */
async function editOneItem(h: DbHandle, orgId: string, customerId: string) {
  const [item] = await queryRows<Record<string, unknown>>(
    h.db,
    sql`SELECT id, quantity, unit_amount, interval_unit, interval_count, discount_percent, discount_amount
      FROM subscription_items WHERE org_id = ${orgId} AND customer_id = ${customerId} ORDER BY start_date LIMIT 1`,
  );
  if (!item) throw new Error(`customer ${customerId} has no items`);
  const mrr = itemMrr({
    unitAmount: toNumber(item.unit_amount) ?? 0,
    quantity: (toNumber(item.quantity) ?? 0) + 1,
    intervalUnit: item.interval_unit as IntervalUnit,
    intervalCount: toNumber(item.interval_count) ?? 1,
    discountPercent: (item.discount_percent as string | null) ?? null,
    discountAmount: toNumber(item.discount_amount),
  });
  await h.db.execute(
    sql`UPDATE subscription_items SET quantity = quantity + 1, mrr = ${mrr} WHERE id = ${item.id as string}`,
  );
}

type Result = Record<string, string>;

async function bench(engine: string, h: DbHandle, load: (t: Table) => Promise<number>): Promise<Result> {
  await migrateDb(h);
  const [org] = await h.db.insert(organizations).values({ slug: "bench", name: "Bench" }).returning();
  const orgId = (org as { id: string }).id;
  const { tables, sampleCustomers } = benchTables(orgId);
  let rows = 0;
  const loadMs = await ms(async () => {
    for (const table of tables) {
      const n = await load(table);
      rows += n;
      log(`${engine}: ${table.name} ${n} rows`);
    }
    await h.db.execute(sql`ANALYZE`); // what autovacuum would do after a bulk import (PGlite has none)
  });
  log(`${engine}: loaded ${rows} rows in ${(loadMs / 1000).toFixed(1)} s; rebuilding`);
  const rebuildFirst = await ms(() => rebuildRevenue(h.db, orgId, { asOf }));
  const rebuildAgain = await ms(() => rebuildRevenue(h.db, orgId, { asOf }));
  // A rebuild leaves every old row dead; autovacuum cleans up within a minute on a server, so reads are
  // measured on the vacuumed tables (PGlite has no autovacuum: see the report).
  await h.db.execute(
    sql`VACUUM ANALYZE customer_plan_changes, customer_movements, revenue_monthly, revenue_cohorts, revenue_retention`,
  );
  const [counts] = await queryRows<Record<string, unknown>>(
    h.db,
    sql`SELECT (SELECT count(*) FROM customer_plan_changes) AS pc, (SELECT count(*) FROM customer_movements) AS mv`,
  );
  log(
    `${engine}: rebuild ${(rebuildFirst / 1000).toFixed(1)} s / ${(rebuildAgain / 1000).toFixed(1)} s, derived ${counts?.pc} customer-plan changes, ${counts?.mv} movements`,
  );

  const incremental: number[] = [];
  for (const [k, customerId] of sampleCustomers.entries()) {
    await editOneItem(h, orgId, customerId);
    let mode = "";
    const t = await ms(async () => {
      mode = (await updateRevenueForCustomers(h.db, orgId, [customerId], { asOf })).mode;
    });
    if (mode !== "incremental") throw new Error(`expected an incremental update, got ${mode}`);
    if (k > 0) incremental.push(t); // the first one is the warm-up
  }
  const range = { orgId, from: shape.firstMonth, to: lastMonth };
  const summary = await timeRuns(() => getSummary(h.db, { orgId, month: lastMonth }));
  const movements = await timeRuns(() => getMovements(h.db, range));
  const cohorts = await timeRuns(() => getCohorts(h.db, { ...range, kind: "revenue", format: "percent" }));
  return {
    engine,
    "rebuild s (first / again)": `${(rebuildFirst / 1000).toFixed(1)} / ${(rebuildAgain / 1000).toFixed(1)}`,
    "incremental ms p50 / p95": p50p95(incremental),
    "summary ms p50 / p95": p50p95(summary),
    "movements ms p50 / p95": p50p95(movements),
    "cohorts ms p50 / p95": p50p95(cohorts),
    "rows loaded": String(rows),
    "load s": (loadMs / 1000).toFixed(1),
  };
}

async function benchPostgres(): Promise<Result> {
  const url = new URL(process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres");
  const name = `meridian_bench_${randomBytes(4).toString("hex")}`;
  const admin = postgres(url.toString(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE "${name}"`);
  url.pathname = `/${name}`;
  const h = connectPostgres(url.toString(), { max: 4 });
  const loader = postgres(url.toString(), { max: 1, onnotice: () => {} });
  try {
    return await bench("postgres", h, (t) => loadPostgres(loader, t));
  } finally {
    await loader.end();
    await h.close();
    if (flags.keep) log(`kept database ${name}`);
    else await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

async function benchPglite(): Promise<Result> {
  const dir = mkdtempSync(path.join(tmpdir(), "meridian-bench-"));
  const h = openPglite(dir);
  try {
    return await bench("pglite", h, (t) => loadPglite(h.client, t));
  } finally {
    await h.close();
    if (flags.keep) log(`kept PGlite data in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

const results: Result[] = [];
for (const engine of engines) results.push(await (engine === "postgres" ? benchPostgres() : benchPglite()));
const header = Object.keys(results[0] ?? {});
console.info(
  `\n${shape.customers} customers, ${shape.items} items, ${shape.months} months, seed ${seed}, ${runs} runs\n`,
);
console.info(`| ${header.join(" | ")} |\n|${header.map(() => "---").join("|")}|`);
for (const r of results) console.info(`| ${header.map((k) => r[k]).join(" | ")} |`);
