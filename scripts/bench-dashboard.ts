/**
 * `npm run bench:dashboard -- [--database NAME] [--customers N] [--items N] [--months N] [--requests N] [--port N] [--keep]`:
 * times the ARR dashboard over HTTP on a large org. It seeds the org of `bench:metrics` (the same
 * generator and seed, by running that script with --keep on the Postgres server of BENCH_DATABASE_URL),
 * adds a viewer, starts the built app on that database, signs in through next-auth's credentials
 * endpoint, waits for the start-up revenue refresh, and then requests `/bench/arr` N times warm per view
 * (default, 24 months, and one plan, country, segment and industry filter). It prints p50/p95 time to first byte and to the last byte of the
 * streamed page (every Suspense section resolved), which is the server's time on this loopback.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { connectPostgres } from "@/db/client";
import { queryRows } from "@/db/rows";
import { memberships } from "@/db/schema";
import { createUser } from "@/lib/auth/users";
import { seedBenchDatabase } from "./bench-seed";

const { values: flags } = parseArgs({
  options: {
    customers: { type: "string", default: "100000" },
    items: { type: "string", default: "1000000" },
    months: { type: "string", default: "36" },
    requests: { type: "string", default: "50" },
    port: { type: "string", default: "3210" },
    keep: { type: "boolean", default: false },
    /** Reuse a database kept by an earlier bench (`kept database NAME`) instead of seeding one. */
    database: { type: "string" },
  },
});
const root = path.resolve(import.meta.dirname, "..");
const tsx = path.join(root, "node_modules", ".bin", "tsx");
const log = (message: string) => console.error(`[bench:dashboard] ${message}`);
const requests = Number(flags.requests);
const base = `http://localhost:${flags.port}`;
const serverUrl = new URL(process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres");

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Signs in with next-auth's credentials endpoint; returns the Cookie header of the session. */
async function signIn(email: string, password: string): Promise<string> {
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const [k, ...v] = (pair ?? "").split("=");
      if (k) jar.set(k.trim(), v.join("="));
    }
  };
  keep(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookie() },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: `${base}/bench/arr` }),
  });
  keep(res);
  if (![...jar.keys()].some((k) => k.endsWith("meridian.session"))) {
    throw new Error(`sign-in failed: ${res.status}`);
  }
  return cookie();
}

const quantile = (xs: number[], q: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
};

/** `requests` warm GETs of `url` (after 3 warm-ups): time to first byte and to the last byte, in ms. */
async function timePage(url: string, cookie: string) {
  const once = async () => {
    const start = performance.now();
    const res = await fetch(url, { headers: { cookie }, redirect: "manual" });
    const reader = res.body?.getReader();
    let first = Number.NaN;
    let html = "";
    const decoder = new TextDecoder();
    for (;;) {
      const chunk = await reader?.read();
      if (!chunk || chunk.done) break;
      if (Number.isNaN(first)) first = performance.now() - start;
      html += decoder.decode(chunk.value, { stream: true });
    }
    const total = performance.now() - start;
    // The page is only done when every streamed section arrived with its numbers.
    if (res.status !== 200 || !html.includes('data-testid="kpi-mrr"') || !html.includes('id="cohorts"')) {
      throw new Error(`${url}: status ${res.status}, the page did not render its sections`);
    }
    return { first, total };
  };
  for (let k = 0; k < 3; k++) await once();
  const runs: { first: number; total: number }[] = [];
  for (let k = 0; k < requests; k++) runs.push(await once());
  const fmt = (xs: number[]) => `${quantile(xs, 0.5).toFixed(0)} / ${quantile(xs, 0.95).toFixed(0)}`;
  return {
    ttfb: fmt(runs.map((r) => r.first)),
    total: fmt(runs.map((r) => r.total)),
  };
}

const seeded = !flags.database;
const dbName = flags.database ?? (await seedBenchDatabase(flags));
const dbUrl = new URL(serverUrl);
dbUrl.pathname = `/${dbName}`;
const h = connectPostgres(dbUrl.toString(), { max: 2 });
let server: ChildProcess | undefined;
try {
  const [org] = await queryRows<{ id: string }>(h.db, sql`SELECT id FROM organizations WHERE slug = 'bench'`);
  if (!org) throw new Error("the seeded database has no bench org");
  const email = `bench-viewer-${randomBytes(4).toString("hex")}@meridian.local`;
  const password = `pw-${randomBytes(8).toString("hex")}`;
  const user = await createUser(h.db, { email, password, name: "Bench viewer" });
  await h.db.insert(memberships).values({ orgId: org.id, userId: user.id, role: "viewer" });
  const [plan] = await queryRows<{ external_id: string }>(
    h.db,
    sql`SELECT external_id FROM plans WHERE org_id = ${org.id} ORDER BY external_id LIMIT 1`,
  );

  log(`starting the app on ${base} with ${dbName}`);
  server = spawn(tsx, ["scripts/start.ts"], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      PORT: String(flags.port),
      DATABASE_URL: dbUrl.toString(),
      AUTH_SECRET: randomBytes(32).toString("base64"),
      APP_URL: base,
      MERIDIAN_SEED_DEMO: "0",
      NEXT_TELEMETRY_DISABLED: "1",
    },
  });
  await waitFor("the app", async () => (await fetch(`${base}/api/health`)).ok, 300_000);
  // At start the app rebuilds orgs whose derived tables end before the current month: wait for it,
  // then let the planner see the new tables, so the timings are of a settled server.
  const month = new Date().toISOString().slice(0, 7);
  await waitFor(
    "the start-up revenue refresh",
    async () =>
      (
        await queryRows<{ through: string }>(
          h.db,
          sql`SELECT to_char(through_month, 'YYYY-MM') AS through FROM revenue_derived_state WHERE org_id = ${org.id}`,
        )
      )[0]?.through === month,
    600_000,
  );
  await h.db.execute(sql`VACUUM ANALYZE`);
  const cookie = await signIn(email, password);
  const views = [
    { view: "default (12 months)", url: `${base}/bench/arr` },
    { view: "24 months", url: `${base}/bench/arr?range=24` },
    { view: `plan filter (${plan?.external_id})`, url: `${base}/bench/arr?plan=${plan?.external_id ?? ""}` },
    // The customer attributes bench:metrics gives a tenth, a third and a sixth of the customers.
    { view: "country filter (US)", url: `${base}/bench/arr?country=US` },
    { view: "segment filter (SMB)", url: `${base}/bench/arr?segment=SMB` },
    { view: "industry filter (Software)", url: `${base}/bench/arr?industry=Software` },
  ];
  const rows: string[] = [];
  for (const v of views) {
    const t = await timePage(v.url, cookie);
    log(`${v.view}: ttfb ${t.ttfb} ms, total ${t.total} ms (p50 / p95)`);
    rows.push(`| ${v.view} | ${t.ttfb} | ${t.total} |`);
  }
  console.info(
    `\n${flags.customers} customers, ${flags.items} items, ${flags.months} months; ${requests} warm requests per view\n`,
  );
  console.info("| view | first byte ms p50 / p95 | whole page ms p50 / p95 |\n|---|---|---|");
  for (const r of rows) console.info(r);
} finally {
  if (server) {
    server.kill("SIGTERM");
    await new Promise((r) => server?.once("exit", r));
  }
  await h.close();
  if (flags.keep || !seeded) log(`kept database ${dbName}`);
  else {
    const admin = postgres(serverUrl.toString(), { max: 1, onnotice: () => {} });
    await admin.unsafe(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.end();
  }
}
