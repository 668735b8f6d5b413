import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { DbHandle } from "@/db/client";
import { organizations } from "@/db/schema";
import { createApiKey } from "@/lib/api-keys";
import { rebuildRevenue } from "@/lib/metrics/derive";
import { saveSubscriptionItem, upsertCustomer } from "@/lib/revenue/items";
import { createTestDb } from "./helpers/db";

/*
 * The revenue routes through the real wrapper with API keys: JSON shapes, major units, null rates,
 * validation, filters, and tenant isolation. getDb() reads the process-wide handle, so the test puts its
 * database there (db/client.ts keeps it on globalThis) before the routes run.
 */
// API-key calls never reach the session: stand in for next-auth, which needs a Next.js request scope
// (and does not load under vitest). The no-credentials case below reads "no session" from here.
vi.mock("@/lib/auth/session", () => ({ getSessionUser: async () => null }));
vi.mock("@/lib/auth/auth", () => ({ clientIp: () => "127.0.0.1" }));

type Route = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
type Global = { meridianDb?: DbHandle };

let h: DbHandle;
let dataDir: string;
let keyA: string;
let keyB: string;

async function seed(orgId: string) {
  const add = async (
    externalId: string,
    country: string,
    items: [string, number, string, string | null][],
  ) => {
    const c = await upsertCustomer(h.db, orgId, { externalId, name: `Customer ${externalId}`, country });
    for (const [id, cents, startDate, endDate] of items) {
      await saveSubscriptionItem(h.db, orgId, {
        source: "manual",
        externalId: id,
        customerId: c.id,
        plan: { externalId: "pro", name: "Pro" },
        quantity: 1,
        unitAmount: cents,
        currency: "USD",
        intervalUnit: "month",
        startDate,
        endDate,
      });
    }
  };
  await add("N", "US", [["n", 10_000, "2024-04-01", null]]); // new $100 in April
  await add("X", "US", [
    ["x-1", 10_000, "2024-01-01", null],
    ["x-2", 5_000, "2024-04-02", null],
  ]); // expansion $50
  await add("R", "DE", [
    ["r-1", 5_000, "2024-01-01", "2024-02-01"],
    ["r-2", 5_000, "2024-04-01", null],
  ]); // churn in Feb, reactivation $50
  await add("Y", "DE", [["y", 4_000, "2024-01-01", "2024-04-10"]]); // churn $40
  await add("Z", "US", [
    ["z-1", 16_000, "2024-01-01", "2024-04-01"],
    ["z-2", 10_333, "2024-04-01", null],
  ]); // contraction $56.67
  await rebuildRevenue(h.db, orgId, { asOf: new Date("2024-06-15") });
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), "meridian-revenue-api-"));
  vi.stubEnv("MERIDIAN_DATA_DIR", dataDir);
  vi.stubEnv("AUTH_SECRET", "a".repeat(32));
  vi.stubEnv("DATABASE_URL", "");
  h = await createTestDb();
  (globalThis as Global).meridianDb = h;
  const [a] = await h.db.insert(organizations).values({ slug: "api-a", name: "A" }).returning();
  const [b] = await h.db.insert(organizations).values({ slug: "api-b", name: "B" }).returning();
  keyA = (await createApiKey(h.db, { orgId: a!.id, name: "reader", createdBy: null })).key;
  keyB = (await createApiKey(h.db, { orgId: b!.id, name: "reader", createdBy: null })).key;
  await seed(a!.id);
  await rebuildRevenue(h.db, b!.id, { asOf: new Date("2024-06-15") });
});
afterAll(async () => {
  (globalThis as Global).meridianDb = undefined;
  await h?.close();
  vi.unstubAllEnvs();
  rmSync(dataDir, { recursive: true, force: true });
});

async function call(
  route: Route,
  url: string,
  key: string | null = keyA,
  params: Record<string, string> = {},
) {
  const headers = key ? { authorization: `Bearer ${key}` } : undefined;
  const res = await route(new NextRequest(`http://localhost${url}`, { headers }), {
    params: Promise.resolve(params),
  });
  return { status: res.status, body: await res.json() };
}

const routes = async () => ({
  summary: (await import("@/app/api/v1/metrics/summary/route")).GET as Route,
  movements: (await import("@/app/api/v1/metrics/movements/route")).GET as Route,
  drill: (await import("@/app/api/v1/metrics/movements/[month]/[kind]/route")).GET as Route,
  cohorts: (await import("@/app/api/v1/metrics/cohorts/route")).GET as Route,
  arr: (await import("@/app/api/v1/arr-summary/route")).GET as Route,
});

describe("revenue API", () => {
  it("summary: money in major units, rates as fractions, undefined rates null, and the previous month", async () => {
    const { summary } = await routes();
    const { status, body } = await call(summary, "/api/v1/metrics/summary?month=2024-04");
    expect(status).toBe(200);
    expect(body).toEqual({
      month: "2024-04",
      currency: "USD",
      mrr: 403.33,
      arr: 4839.96,
      nrr12: null,
      grr12: null,
      arpa: 100.83, // 40333 / 4 = 10083.25 cents
      active_customers: 4,
      customer_churn_rate: 1 / 3,
      gross_mrr_churn_rate: 9_667 / 30_000,
      net_mrr_churn_rate: -333 / 30_000,
      quick_ratio: 20_000 / 9_667,
      ltv: 806.66, // ARPA 10083.25 cents / mean RATE-1 of Oct..Mar (only Feb's 1/4 is defined)
      mrr_growth_rate: 10_333 / 30_000,
      previous: {
        month: "2024-03",
        currency: "USD",
        mrr: 300,
        arr: 3600,
        nrr12: null,
        grr12: null,
        arpa: 100,
        active_customers: 3,
        customer_churn_rate: 0,
        gross_mrr_churn_rate: 0,
        net_mrr_churn_rate: 0,
        quick_ratio: null,
        ltv: 400,
        mrr_growth_rate: 0,
      },
    });
    // Without ?month: the current month, or the last month with data when that is earlier.
    expect((await call(summary, "/api/v1/metrics/summary")).body.month).toBe("2024-06");
    expect((await call(summary, "/api/v1/metrics/summary?month=2024-13")).status).toBe(422);
    expect((await call(summary, "/api/v1/metrics/summary?month=2024-07")).status).toBe(422); // past the data
    expect((await call(summary, "/api/v1/metrics/summary?month=2024-04&country=de")).body).toMatchObject({
      mrr: 50,
      active_customers: 1,
      previous: { mrr: 40, active_customers: 1 },
    });
  });

  it("movements: the bridge per month", async () => {
    const { movements } = await routes();
    const { status, body } = await call(movements, "/api/v1/metrics/movements?from=2024-03&to=2024-04");
    expect(status).toBe(200);
    expect(body).toEqual([
      {
        month: "2024-03",
        currency: "USD",
        start_mrr: 300,
        new: 0,
        expansion: 0,
        reactivation: 0,
        contraction: 0,
        churn: 0,
        end_mrr: 300,
        active_customers: 3,
        new_customers: 0,
        reactivated_customers: 0,
        churned_customers: 0,
      },
      {
        month: "2024-04",
        currency: "USD",
        start_mrr: 300,
        new: 100,
        expansion: 50,
        reactivation: 50,
        contraction: 56.67,
        churn: 40,
        end_mrr: 403.33,
        active_customers: 4,
        new_customers: 1,
        reactivated_customers: 1,
        churned_customers: 1,
      },
    ]);
    expect(
      (await call(movements, "/api/v1/metrics/movements")).body.map((r: { month: string }) => r.month),
    ).toEqual([
      "2023-07",
      "2023-08",
      "2023-09",
      "2023-10",
      "2023-11",
      "2023-12",
      "2024-01",
      "2024-02",
      "2024-03",
      "2024-04",
      "2024-05",
      "2024-06",
    ]);
    const reversed = await call(movements, "/api/v1/metrics/movements?from=2024-05&to=2024-01");
    expect(reversed.status).toBe(422);
  });

  it("drill-down: customers and the items that changed", async () => {
    const { drill } = await routes();
    const url = "/api/v1/metrics/movements/2024-04/contraction";
    const { status, body } = await call(drill, url, keyA, { month: "2024-04", kind: "contraction" });
    expect(status).toBe(200);
    expect(body).toEqual({
      month: "2024-04",
      kind: "contraction",
      currency: "USD",
      customers: [
        {
          customer_id: expect.any(String),
          external_id: "Z",
          name: "Customer Z",
          mrr_before: 160,
          mrr_after: 103.33,
          items: [
            expect.objectContaining({
              external_id: "z-1",
              plan: "pro",
              mrr_before: 160,
              mrr_after: 0,
              change: "ended",
            }),
            expect.objectContaining({
              external_id: "z-2",
              plan_name: "Pro",
              start_date: "2024-04-01",
              end_date: null,
              mrr_before: 0,
              mrr_after: 103.33,
              change: "started",
            }),
          ],
        },
      ],
      total_customers: 1,
      limit: 100,
      offset: 0,
    });
    // Paging: largest movement first (N $100, then R $50).
    const starts = { month: "2024-04", kind: "new" };
    const page = await call(drill, "/api/v1/metrics/movements/2024-04/new?limit=1&offset=0", keyA, starts);
    expect(page.body).toMatchObject({ total_customers: 1, customers: [{ external_id: "N" }] });
    const empty = await call(drill, "/api/v1/metrics/movements/2024-04/new?limit=1&offset=1", keyA, starts);
    expect(empty.body).toMatchObject({ total_customers: 1, customers: [], limit: 1, offset: 1 });
    expect((await call(drill, url, keyA, { month: "2024-4", kind: "contraction" })).status).toBe(422);
    expect((await call(drill, url, keyA, { month: "2024-04", kind: "upgrade" })).status).toBe(422);
  });

  it("cohorts: logo and revenue, counts and percentages", async () => {
    const { cohorts } = await routes();
    const logo = await call(cohorts, "/api/v1/metrics/cohorts?from=2024-01&to=2024-01");
    expect(logo.body).toEqual({ "2024-01": [4, 3, 3, 3, 3, 3] }); // R is back in April, Y left
    const revenue = await call(cohorts, "/api/v1/metrics/cohorts?from=2024-01&to=2024-01&kind=revenue");
    expect(revenue.body).toEqual({ "2024-01": [350, 300, 300, 303.33, 303.33, 303.33] });
    const percent = await call(cohorts, "/api/v1/metrics/cohorts?from=2024-01&to=2024-01&format=percent");
    expect(percent.body).toEqual({ "2024-01": [1, 0.75, 0.75, 0.75, 0.75, 0.75] });
    expect((await call(cohorts, "/api/v1/metrics/cohorts?kind=people")).status).toBe(422);
  });

  it("arr-summary: the old dashboard's shape plus the summary", async () => {
    const { arr } = await routes();
    const { status, body } = await call(
      arr,
      "/api/v1/arr-summary?month=2024-04&from=2024-01&to=2024-04&limit=2",
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({
      month: "2024-04",
      currency: "USD",
      mrr: 403.33,
      active_customers: 4,
      previous: { month: "2024-03", mrr: 300 },
      arr_kpis: { MRR: 403.33, ARR: 4839.96 },
      top_customers: [
        { external_id: "X", name: "Customer X", mrr: 150, plans: ["Pro"], customer_since: "2024-01" },
        { external_id: "Z", name: "Customer Z", mrr: 103.33, plans: ["Pro"], customer_since: "2024-01" },
      ],
      cohorts: { "2024-01": 4, "2024-02": 0, "2024-03": 0, "2024-04": 1 },
      retention_matrix: {
        "2024-01": [4, 3, 3, 3, 3, 3],
        "2024-02": [0, 0, 0, 0, 0],
        "2024-03": [0, 0, 0, 0],
        "2024-04": [1, 1, 1],
      },
    });
    expect(body.top_customers[0].customer_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("tenant isolation: another org's key sees none of these numbers; no key is 401", async () => {
    const { summary, movements, drill, cohorts, arr } = await routes();
    expect((await call(summary, "/api/v1/metrics/summary?month=2024-04", keyB)).body).toMatchObject({
      mrr: 0,
      active_customers: 0,
      previous: { mrr: 0 },
    });
    const rows = (await call(movements, "/api/v1/metrics/movements?from=2024-01&to=2024-06", keyB)).body;
    expect(rows.every((r: { end_mrr: number; new: number }) => r.end_mrr === 0 && r.new === 0)).toBe(true);
    const params = { month: "2024-04", kind: "contraction" };
    expect(
      (await call(drill, "/api/v1/metrics/movements/2024-04/contraction", keyB, params)).body.customers,
    ).toEqual([]);
    expect((await call(cohorts, "/api/v1/metrics/cohorts?from=2024-01&to=2024-01", keyB)).body).toEqual({
      "2024-01": [0, 0, 0, 0, 0, 0],
    });
    const b = (await call(arr, "/api/v1/arr-summary?month=2024-04", keyB)).body;
    expect(b).toMatchObject({ top_customers: [], arr_kpis: { MRR: 0, ARR: 0 } });
    // Naming org A with org B's key is "not found", like any other org's data.
    expect((await call(summary, "/api/v1/metrics/summary?org=api-a", keyB)).status).toBe(404);
    expect((await call(summary, "/api/v1/metrics/summary", null)).status).toBe(401);
  });
});
