/**
 * `npm run bench:snapshot -- [--database NAME] [--customers N] [--items N] [--months N] [--events N] [--runs N] [--keep]`:
 * times the executive metrics' daily snapshot (lib/snapshots/compute.ts + check-alerts) of the 100,000-customer org
 * of `bench:metrics` on the Postgres server (BENCH_DATABASE_URL). Without --database it seeds that org first (as
 * bench:dashboard does); it then adds N product events (deterministic: 10,000 users over the last 60 days, written
 * through the events API's writer) and computes the snapshot of a month's last day and of a mid-month day `runs` times
 * each, printing median and max. Target: ≤ 10 s per snapshot.
 */
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { connectPostgres } from "@/db/client";
import { queryRows } from "@/db/rows";
import { writeEvents } from "@/lib/events/write";
import { checkAlerts } from "@/lib/snapshots/alerts";
import { computeSnapshot } from "@/lib/snapshots/compute";
import { addDays, localDay } from "@/lib/snapshots/dates";
import { seedBenchDatabase } from "./bench-seed";

const { values: flags } = parseArgs({
  options: {
    database: { type: "string" },
    customers: { type: "string", default: "100000" },
    items: { type: "string", default: "1000000" },
    months: { type: "string", default: "36" },
    events: { type: "string", default: "200000" },
    runs: { type: "string", default: "5" },
    keep: { type: "boolean", default: false },
  },
});
const log = (message: string) => console.error(`[bench:snapshot] ${message}`);
const serverUrl = new URL(process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres");
const seeded = !flags.database;
const dbName = flags.database ?? (await seedBenchDatabase(flags));
const dbUrl = new URL(serverUrl);
dbUrl.pathname = `/${dbName}`;
const h = connectPostgres(dbUrl.toString(), { max: 4 });

/** A deterministic pseudo-random stream (mulberry32). */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

try {
  const [org] = await queryRows<{ id: string; through: string }>(
    h.db,
    sql`SELECT o.id, to_char(s.through_month, 'YYYY-MM-DD') AS through
        FROM organizations o JOIN revenue_derived_state s ON s.org_id = o.id WHERE o.slug = 'bench'`,
  );
  if (!org) throw new Error(`${dbName} has no bench org with derived revenue`);
  const today = localDay("UTC");
  const events = Number(flags.events);
  const [have] = await queryRows<{ n: string }>(
    h.db,
    sql`SELECT count(*) AS n FROM product_events WHERE org_id = ${org.id}`,
  );
  if (Number(have?.n ?? 0) < events) {
    const rand = random(42);
    const started = performance.now();
    for (let i = Number(have?.n ?? 0); i < events; i += 1000) {
      const batch = Array.from({ length: Math.min(1000, events - i) }, (_, k) => {
        const day = addDays(today, -Math.floor(rand() * 60));
        return {
          id: `bench-${i + k}`,
          user_id: `user-${Math.floor(rand() * 10_000)}`,
          name: rand() < 0.1 ? "file_upload" : "page_view",
          timestamp: `${day}T${String(Math.floor(rand() * 24)).padStart(2, "0")}:00:00Z`,
        };
      });
      await writeEvents(h.db, { orgId: org.id, timezone: "UTC", activationEvents: ["file_upload"] }, batch);
    }
    log(`wrote ${events} events in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  await h.db.execute(sql`VACUUM ANALYZE`);
  const monthEnd = addDays(`${org.through.slice(0, 7)}-01`, -1); // the last complete month's last day
  const days = [
    { label: `month end ${monthEnd}`, date: monthEnd },
    { label: `mid-month ${addDays(monthEnd, -15)}`, date: addDays(monthEnd, -15) },
    { label: `yesterday ${addDays(today, -1)}`, date: addDays(today, -1) },
  ];
  const rows: string[] = [];
  for (const { label, date } of days) {
    const times: number[] = [];
    let mrr = 0;
    for (let r = 0; r < Number(flags.runs); r++) {
      const start = performance.now();
      const s = await computeSnapshot(h.db, { orgId: org.id, date });
      await checkAlerts(h.db, { orgId: org.id, date });
      times.push(performance.now() - start);
      mrr = s.mrr;
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)] ?? Number.NaN;
    const max = times[times.length - 1] ?? Number.NaN;
    log(`${label}: median ${median.toFixed(0)} ms, max ${max.toFixed(0)} ms (MRR ${mrr / 100})`);
    rows.push(`| ${label} | ${median.toFixed(0)} | ${max.toFixed(0)} |`);
  }
  console.info(
    `\n${flags.customers} customers, ${flags.items} items, ${events} events; ${flags.runs} runs per day\n`,
  );
  console.info("| snapshot (compute + check-alerts) | median ms | max ms |\n|---|---|---|");
  for (const r of rows) console.info(r);
} finally {
  await h.close();
  if (!seeded || flags.keep) log(`kept database ${dbName}`);
  else {
    const admin = postgres(serverUrl.toString(), { max: 1, onnotice: () => {} });
    await admin.unsafe(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.end();
  }
}
