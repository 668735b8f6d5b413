import { eq } from "drizzle-orm";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { DbHandle } from "@/db/client";
import { auditLogs, memberships, organizations, users } from "@/db/schema";
import { createApiKey } from "@/lib/api-keys";
import type { SessionUser } from "@/lib/auth/session";
import { computeSnapshot } from "@/lib/snapshots/compute";
import { createTestDb } from "./helpers/db";

/*
 * /api/v1/metrics/config, /timeseries and /export.csv through the real wrapper: owners and admins only
 * (API keys act as members: 403), another org is "not found", validation names the parameter, and the
 * config round-trips with money in major units. The signed-in user is set per test; next-auth's cookie
 * session itself is covered by the e2e suite.
 */
let sessionUser: SessionUser | null = null;
vi.mock("@/lib/auth/session", () => ({ getSessionUser: async () => sessionUser }));
vi.mock("@/lib/auth/auth", () => ({ clientIp: () => "127.0.0.1" }));

type Route = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
type Global = { meridianDb?: DbHandle };

let h: DbHandle;
let orgId: string;
let key: string;
const people: Record<"owner" | "viewer" | "outsider", SessionUser> = {} as never;

beforeAll(async () => {
  vi.stubEnv("AUTH_SECRET", "a".repeat(32));
  vi.stubEnv("DATABASE_URL", "");
  h = await createTestDb();
  (globalThis as Global).meridianDb = h;
  const [org] = await h.db
    .insert(organizations)
    .values({ slug: "exec", name: "Exec", currency: "EUR" })
    .returning();
  const [other] = await h.db.insert(organizations).values({ slug: "other", name: "Other" }).returning();
  orgId = org!.id;
  for (const [role, target] of [
    ["owner", orgId],
    ["viewer", orgId],
    ["outsider", other!.id],
  ] as const) {
    const [u] = await h.db
      .insert(users)
      .values({ email: `${role}@exec.test`, passwordHash: "x" })
      .returning();
    await h.db
      .insert(memberships)
      .values({ orgId: target, userId: u!.id, role: role === "outsider" ? "owner" : role });
    people[role] = { id: u!.id, email: u!.email, name: null } as SessionUser;
  }
  key = (await createApiKey(h.db, { orgId, name: "k", createdBy: null })).key;
  await computeSnapshot(h.db, { orgId, date: "2025-01-31" });
});
afterAll(async () => {
  (globalThis as Global).meridianDb = undefined;
  await h?.close();
  vi.unstubAllEnvs();
});

const routes = async () => ({
  config: await import("@/app/api/v1/metrics/config/route"),
  timeseries: (await import("@/app/api/v1/metrics/timeseries/route")).GET as Route,
  csv: (await import("@/app/api/v1/metrics/export.csv/route")).GET as Route,
});
const params = { params: Promise.resolve({}) };
const get = (url: string, headers: Record<string, string> = {}) =>
  new NextRequest(`http://localhost${url}`, { headers });

describe("executive metrics API", () => {
  it("lets owners read and change the config, money in major units, and audit-logs the change", async () => {
    const { config } = await routes();
    sessionUser = people.owner;
    const patch = new NextRequest("http://localhost/api/v1/metrics/config?org=exec", {
      method: "PATCH",
      body: JSON.stringify({
        thresholds: { churn_spike_percent: 5, payment_failures: 3 },
        recipients: ["CFO@exec.test"],
        activation_events: ["file_upload"],
        finance: [{ month: "2025-01", cash: 250000.5, net_burn: 20000 }],
      }),
    });
    const res = await (config.PATCH as Route)(patch, params);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toEqual({
      currency: "EUR",
      thresholds: {
        churn_spike_percent: 5,
        mrr_drop_percent: null,
        payment_failures: 3,
        job_failure_rate_percent: null,
      },
      recipients: ["cfo@exec.test"],
      gross_margin_percent: 100,
      activation_events: ["file_upload"],
      finance: [{ month: "2025-01", cash: 250000.5, net_burn: 20000, sales_marketing_spend: null }],
    });
    const again = await (config.GET as Route)(get("/api/v1/metrics/config?org=exec"), params);
    expect(await again.json()).toEqual(body);
    const logged = await h.db.select().from(auditLogs).where(eq(auditLogs.action, "metrics.config_changed"));
    expect(logged).toHaveLength(1);
    expect(logged[0]?.actorUserId).toBe(people.owner.id);
  });

  it("names the bad field of a PATCH and changes nothing", async () => {
    const { config } = await routes();
    sessionUser = people.owner;
    const res = await (config.PATCH as Route)(
      new NextRequest("http://localhost/api/v1/metrics/config?org=exec", {
        method: "PATCH",
        body: JSON.stringify({ thresholds: { mrr_drop_percent: 150 }, finance: [{ month: "2025-13" }] }),
      }),
      params,
    );
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(body.fieldErrors).toMatchObject({
      "thresholds.mrr_drop_percent": ["Use 0–100."],
      "finance.0.month": ["Use YYYY-MM."],
    });
    const after = await (await (config.GET as Route)(get("/api/v1/metrics/config?org=exec"), params)).json();
    expect(after.thresholds.mrr_drop_percent).toBeNull();
  });

  it("refuses viewers and API keys (403) and answers another org's member with 404", async () => {
    const { config, timeseries } = await routes();
    sessionUser = people.viewer;
    expect((await (config.GET as Route)(get("/api/v1/metrics/config?org=exec"), params)).status).toBe(403);
    sessionUser = null;
    expect(
      (
        await timeseries(
          get("/api/v1/metrics/timeseries?metric=mrr", { authorization: `Bearer ${key}` }),
          params,
        )
      ).status,
    ).toBe(403);
    sessionUser = people.outsider;
    expect((await timeseries(get("/api/v1/metrics/timeseries?org=exec&metric=mrr"), params)).status).toBe(
      404,
    );
  });

  it("serves a metric's points and rejects unknown metrics and reversed ranges", async () => {
    const { timeseries } = await routes();
    sessionUser = people.owner;
    const ok = await timeseries(
      get("/api/v1/metrics/timeseries?org=exec&metric=runway_months&from=2025-01-01&to=2025-01-31"),
      params,
    );
    expect(await ok.json()).toEqual({
      metric: "runway_months",
      currency: "EUR",
      from: "2025-01-01",
      to: "2025-01-31",
      granularity: "day",
      points: [{ date: "2025-01-31", value: null }], // computed before the finance inputs existed
    });
    const unknown = await timeseries(get("/api/v1/metrics/timeseries?org=exec&metric=vibes"), params);
    expect(unknown.status).toBe(422);
    expect((await unknown.json()).error).toMatch(/^Invalid query.metric: Unknown metric; one of: mrr, arr/);
    const reversed = await timeseries(
      get("/api/v1/metrics/timeseries?org=exec&metric=mrr&from=2025-02-01&to=2025-01-01"),
      params,
    );
    expect(reversed.status).toBe(422);
    expect((await reversed.json()).error).toBe("from (2025-02-01) is after to (2025-01-01).");
  });

  it("exports the range as CSV and audit-logs the export", async () => {
    const { csv } = await routes();
    sessionUser = people.owner;
    const res = await csv(get("/api/v1/metrics/export.csv?org=exec&from=2025-01-01&to=2025-01-31"), params);
    expect(res.headers.get("content-disposition")).toBe(
      'attachment; filename="exec-metrics-2025-01-01-to-2025-01-31.csv"',
    );
    const lines = (await res.text()).split("\r\n");
    expect(lines[0]?.startsWith("date,currency,mrr,arr,")).toBe(true);
    expect(lines[1]?.startsWith("2025-01-31,EUR,0,0,")).toBe(true);
    const logged = await h.db.select().from(auditLogs).where(eq(auditLogs.action, "metrics.exported"));
    expect(logged[0]?.metadata).toMatchObject({ from: "2025-01-01", to: "2025-01-31", rows: 1 });
  });
});
