/**
 * `npm run bench:events -- [--requests 200] [--batch 500] [--concurrency 4] [--users 20000] [--days 90]
 * [--port 3211] [--timeout 300] [--keep]`: throughput of POST /api/v1/events over HTTP loopback.
 *
 * Needs the built app: run `npm run build` first (this serves `.next` with `next start` and never builds).
 * It creates a fresh database on the Postgres server of BENCH_DATABASE_URL (default the local server),
 * migrates it, adds an org (America/Los_Angeles, activation event `file_upload`) with an API key, starts
 * the app on it with the per-key rate limit raised out of the way, and posts `requests` batches of
 * `batch` generated events (deterministic, unique ids, `users` distinct users over the last `days` days),
 * `concurrency` requests at a time; the run stops after `timeout` seconds whatever is left. It prints
 * events/s and request latency, checks that every event was stored once (and that a repeated batch is
 * all duplicates), times the engagement reads on the result, and drops the database unless --keep.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { connectPostgres } from "@/db/client";
import { migrateDb } from "@/db/migrate";
import { getEngagementCohorts, getEngagementForDay, getEngagementSeries } from "@/db/queries/engagement";
import { queryRows } from "@/db/rows";
import { organizations } from "@/db/schema";
import { createApiKey } from "@/lib/api-keys";
import { localDay } from "@/lib/events/days";

const { values: flags } = parseArgs({
  options: {
    requests: { type: "string", default: "200" },
    batch: { type: "string", default: "500" },
    concurrency: { type: "string", default: "4" },
    users: { type: "string", default: "20000" },
    days: { type: "string", default: "90" },
    port: { type: "string", default: "3211" },
    timeout: { type: "string", default: "300" },
    keep: { type: "boolean", default: false },
  },
});
const requests = Number(flags.requests);
const batch = Number(flags.batch);
const concurrency = Number(flags.concurrency);
const users = Number(flags.users);
const days = Number(flags.days);
const deadline = Date.now() + Number(flags.timeout) * 1000;
const root = path.resolve(import.meta.dirname, "..");
const base = `http://127.0.0.1:${flags.port}`;
const serverUrl = new URL(process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres");
const log = (message: string) => console.error(`[bench:events] ${message}`);
const TZ = "America/Los_Angeles";

if (!existsSync(path.join(root, ".next", "BUILD_ID"))) {
  console.error("bench:events serves the built app: run `npm run build` first.");
  process.exit(1);
}

/** Deterministic generator (mulberry32), so every run posts the same events. */
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const NAMES = ["login", "page_view", "page_view", "page_view", "report_view", "search", "file_upload"];

/** The JSON bodies of all requests, built before the clock starts. */
function bodies(): string[] {
  const next = rng(20_240_501);
  const now = Date.now();
  const out: string[] = [];
  for (let r = 0; r < requests; r++) {
    const events = Array.from({ length: batch }, (_, i) => ({
      id: `b${r}-${i}`,
      user_id: `user-${Math.floor(next() ** 2 * users)}`, // some users far more active than others
      name: NAMES[Math.floor(next() * NAMES.length)],
      timestamp: new Date(now - Math.floor(next() * days * 86_400_000)).toISOString(),
      ...(next() < 0.5 ? { customer_id: `cus_${Math.floor(next() * 2_000)}` } : {}),
      properties: { plan: next() < 0.3 ? "pro" : "free", path: `/page/${Math.floor(next() * 50)}` },
    }));
    out.push(JSON.stringify(events));
  }
  return out;
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const quantile = (xs: number[], q: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
};

async function postBatch(key: string, body: string) {
  const res = await fetch(`${base}/api/v1/events`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body,
    signal: AbortSignal.timeout(60_000),
  });
  const json = (await res.json()) as { accepted?: number; duplicates?: number; error?: string };
  if (res.status !== 200) throw new Error(`POST /api/v1/events: ${res.status} ${json.error ?? ""}`);
  return { accepted: json.accepted ?? 0, duplicates: json.duplicates ?? 0 };
}

async function timeRead(what: string, read: () => Promise<unknown>, runs = 10) {
  await read();
  const ms: number[] = [];
  for (let k = 0; k < runs; k++) {
    const start = performance.now();
    await read();
    ms.push(performance.now() - start);
  }
  return `| ${what} | ${quantile(ms, 0.5).toFixed(1)} / ${quantile(ms, 0.95).toFixed(1)} |`;
}

const dbName = `meridian_bench_events_${randomBytes(4).toString("hex")}`;
const dbUrl = new URL(serverUrl);
dbUrl.pathname = `/${dbName}`;
const admin = postgres(serverUrl.toString(), { max: 1, onnotice: () => {} });
await admin.unsafe(`CREATE DATABASE "${dbName}"`);
const h = connectPostgres(dbUrl.toString(), { max: 2 });
let server: ChildProcess | undefined;
try {
  await migrateDb(h);
  const [org] = await h.db
    .insert(organizations)
    .values({
      slug: "bench-events",
      name: "Bench events",
      timezone: TZ,
      settings: { activationEvents: ["file_upload"] },
    })
    .returning();
  if (!org) throw new Error("no org");
  const { key } = await createApiKey(h.db, { orgId: org.id, name: "bench", createdBy: null });
  const payloads = bodies();

  log(`starting the built app on ${base} with ${dbName}`);
  server = spawn(path.join(root, "node_modules", ".bin", "next"), ["start", "--port", String(flags.port)], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(flags.port),
      DATABASE_URL: dbUrl.toString(),
      AUTH_SECRET: randomBytes(32).toString("base64"),
      APP_URL: base,
      MERIDIAN_SEED_DEMO: "0",
      NEXT_TELEMETRY_DISABLED: "1",
      EVENTS_RATE_LIMIT_PER_S: "1000000",
    },
  });
  await waitFor("the app", async () => (await fetch(`${base}/api/health`)).ok, 120_000);
  // Load the route and open the app's connections outside the timed part (ids distinct from the run's).
  for (let k = 0; k < 3; k++) {
    await postBatch(
      key,
      JSON.stringify([
        { id: `warm-${k}`, user_id: "warm", name: "login", timestamp: new Date().toISOString() },
      ]),
    );
  }

  log(`${requests} requests × ${batch} events, ${concurrency} at a time`);
  const latencies: number[] = [];
  let sent = 0;
  let accepted = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (sent < payloads.length && Date.now() < deadline) {
        const body = payloads[sent++] as string;
        const t = performance.now();
        const result = await postBatch(key, body);
        accepted += result.accepted;
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const done = latencies.length;
  if (done < requests) log(`stopped by --timeout after ${done} of ${requests} requests`);

  const [stored] = await queryRows<{ events: string; user_days: string; users: string }>(
    h.db,
    sql`SELECT (SELECT count(*) FROM product_events WHERE org_id = ${org.id}) AS events,
      (SELECT count(*) FROM event_user_days WHERE org_id = ${org.id}) AS user_days,
      (SELECT count(*) FROM event_users WHERE org_id = ${org.id}) AS users`,
  );
  const expected = done * batch + 3;
  if (Number(stored?.events) !== expected || accepted !== done * batch) {
    throw new Error(`stored ${stored?.events} events and accepted ${accepted}; expected ${expected}`);
  }
  const repeat = await postBatch(key, payloads[0] as string);
  if (repeat.duplicates !== batch) throw new Error(`a repeated batch gave ${JSON.stringify(repeat)}`);

  await h.db.execute(sql`ANALYZE`);
  const today = localDay(TZ);
  const from = new Date(Date.now() - (days - 1) * 86_400_000).toISOString().slice(0, 10);
  const reads = [
    await timeRead("getEngagementForDay (today)", () =>
      getEngagementForDay(h.db, { orgId: org.id, day: today }),
    ),
    await timeRead(`getEngagementSeries (${days} days)`, () =>
      getEngagementSeries(h.db, { orgId: org.id, from, to: today }),
    ),
    await timeRead("getEngagementCohorts (cohorts of the run)", () =>
      getEngagementCohorts(h.db, { orgId: org.id, from: from.slice(0, 7), to: today.slice(0, 7) }),
    ),
  ];

  console.info(
    `\n${done} requests × ${batch} events (${(done * batch).toLocaleString("en-US")} events, ${Number(stored?.users).toLocaleString("en-US")} users, ${Number(stored?.user_days).toLocaleString("en-US")} user-days), concurrency ${concurrency}\n`,
  );
  console.info("| events/s | requests/s | request ms p50 / p95 | wall s |\n|---|---|---|---|");
  console.info(
    `| ${Math.round((done * batch) / seconds).toLocaleString("en-US")} | ${(done / seconds).toFixed(1)} | ${quantile(latencies, 0.5).toFixed(0)} / ${quantile(latencies, 0.95).toFixed(0)} | ${seconds.toFixed(1)} |`,
  );
  console.info("\n| read on the result | ms p50 / p95 |\n|---|---|");
  for (const r of reads) console.info(r);
} finally {
  if (server) {
    server.kill("SIGTERM");
    await new Promise((r) => server?.once("exit", r));
  }
  await h.close();
  if (flags.keep) log(`kept database ${dbName}`);
  else await admin.unsafe(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  await admin.end();
}
