import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { DbHandle } from "@/db/client";
import { getEngagementForDay } from "@/db/queries/engagement";
import { queryRows } from "@/db/rows";
import { memberships, organizations, productEvents } from "@/db/schema";
import { createApiKey } from "@/lib/api-keys";
import type { SessionUser } from "@/lib/auth/session";
import { createUser } from "@/lib/auth/users";
import { createTestDb } from "./helpers/db";

/*
 * POST /api/v1/events and GET /api/v1/metrics/engagement-cohorts through the real wrapper with real API
 * keys: auth, the 413 limits (count, Content-Length and actual bytes), 422 per-event errors with nothing
 * stored, idempotency, and the per-key 429. The rate limit is set to 5 requests/s (burst 10) for this
 * file, so every test takes a fresh key and stays under it except the one that means to exceed it.
 */
// next-auth needs a Next.js request scope and does not load under vitest: the session is whatever
// `session.user` says (null for the API-key calls, which never ask).
const session = vi.hoisted(() => ({ user: null as SessionUser | null }));
vi.mock("@/lib/auth/session", () => ({ getSessionUser: async () => session.user }));
vi.mock("@/lib/auth/auth", () => ({ clientIp: () => "127.0.0.1" }));

type Route = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
type Global = { meridianDb?: DbHandle };
type FixtureEvent = Record<string, unknown> & { local: string };

const fixture = JSON.parse(
  readFileSync(path.join(import.meta.dirname, "fixtures/events/la-engagement.json"), "utf8"),
) as { events: FixtureEvent[]; late: FixtureEvent[] };
const fixtureEvents = fixture.events.map(({ local: _, ...e }) => e);

let h: DbHandle;
let dataDir: string;
let orgA: string;
let orgB: string;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), "meridian-events-api-"));
  vi.stubEnv("MERIDIAN_DATA_DIR", dataDir);
  vi.stubEnv("AUTH_SECRET", "a".repeat(32));
  vi.stubEnv("DATABASE_URL", "");
  vi.stubEnv("EVENTS_RATE_LIMIT_PER_S", "5");
  h = await createTestDb();
  (globalThis as Global).meridianDb = h;
  const [a] = await h.db
    .insert(organizations)
    .values({
      slug: "ev-a",
      name: "A",
      timezone: "America/Los_Angeles",
      settings: { activationEvents: ["file_upload"] },
    })
    .returning();
  const [b] = await h.db.insert(organizations).values({ slug: "ev-b", name: "B" }).returning();
  orgA = a!.id;
  orgB = b!.id;
});
afterAll(async () => {
  (globalThis as Global).meridianDb = undefined;
  await h?.close();
  vi.unstubAllEnvs();
  rmSync(dataDir, { recursive: true, force: true });
});

const newKey = async (orgId = orgA) =>
  (await createApiKey(h.db, { orgId, name: "events", createdBy: null })).key;

const routes = async () => ({
  events: (await import("@/app/api/v1/events/route")).POST as Route,
  cohorts: (await import("@/app/api/v1/metrics/engagement-cohorts/route")).GET as Route,
});

async function post(
  key: string | null,
  body: BodyInit,
  { url = "/api/v1/events", headers = {} }: { url?: string; headers?: Record<string, string> } = {},
) {
  const { events } = await routes();
  const init = {
    method: "POST",
    body,
    headers: {
      "content-type": "application/json",
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...headers,
    },
    duplex: "half",
  };
  const res = await events(
    new NextRequest(`http://localhost${url}`, init as ConstructorParameters<typeof NextRequest>[1]),
    {
      params: Promise.resolve({}),
    },
  );
  return { status: res.status, headers: res.headers, body: await res.json() };
}

const storedCount = async (orgId = orgA) => {
  const [row] = await queryRows<{ n: unknown }>(
    h.db,
    sql`SELECT (SELECT count(*) FROM product_events WHERE org_id = ${orgId})
      + (SELECT count(*) FROM event_user_days WHERE org_id = ${orgId})
      + (SELECT count(*) FROM event_users WHERE org_id = ${orgId}) AS n`,
  );
  return Number(row?.n);
};

describe("POST /api/v1/events", () => {
  it("needs a key of the org it names, or a session of a member", async () => {
    const key = await newKey();
    const one = JSON.stringify([{ user_id: "x", name: "ping", timestamp: "2024-05-01T10:00:00Z" }]);
    expect((await post(null, one)).status).toBe(401);
    expect((await post(`${key}x`, one)).status).toBe(401);
    expect((await post(key, one, { url: "/api/v1/events?org=ev-b" })).status).toBe(404);
    expect(await storedCount()).toBe(0);
    expect(await post(key, one, { url: "/api/v1/events?org=ev-a" })).toMatchObject({
      status: 200,
      body: { accepted: 1, duplicates: 0 },
    });

    // Sessions: a member may send events, a viewer may not, and a non-member gets "not found".
    const member = await createUser(h.db, { email: "member@events.test", password: "member password" });
    const viewer = await createUser(h.db, { email: "viewer@events.test", password: "viewer password" });
    await h.db.insert(memberships).values([
      { orgId: orgA, userId: member.id, role: "member" },
      { orgId: orgA, userId: viewer.id, role: "viewer" },
    ]);
    try {
      session.user = { id: member.id, email: member.email };
      expect((await post(null, "[]", { url: "/api/v1/events?org=ev-a" })).body).toEqual({
        accepted: 0,
        duplicates: 0,
      });
      expect((await post(null, "[]", { url: "/api/v1/events?org=ev-b" })).status).toBe(404);
      session.user = { id: viewer.id, email: viewer.email };
      expect((await post(null, "[]", { url: "/api/v1/events?org=ev-a" })).status).toBe(403);
    } finally {
      session.user = null;
    }
    await h.db.delete(productEvents).where(eq(productEvents.orgId, orgA));
    await h.db.execute(sql`DELETE FROM event_user_days WHERE org_id = ${orgA}`);
    await h.db.execute(sql`DELETE FROM event_users WHERE org_id = ${orgA}`);
  });

  it("answers 413 beyond 1,000 events or 1 MB, by Content-Length or by the bytes actually sent", async () => {
    const key = await newKey();
    const many = Array.from({ length: 1_001 }, (_, i) => ({
      user_id: `u${i}`,
      name: "ping",
      timestamp: "2024-05-01T10:00:00Z",
    }));
    const count = await post(key, JSON.stringify(many));
    expect(count.status).toBe(413);
    expect(count.body.error).toBe("At most 1,000 events per request; this one has 1,001.");
    expect((await post(key, JSON.stringify(many.slice(0, 1_000)))).body).toEqual({
      accepted: 1_000,
      duplicates: 0,
    });

    // 200 events of ~5.3 KB properties each: about 1.07 MB, every event valid on its own.
    const big = Array.from({ length: 200 }, (_, i) => ({
      user_id: `big${i}`,
      name: "ping",
      timestamp: "2024-05-01T10:00:00Z",
      properties: { blob: "x".repeat(5_300) },
    }));
    const text = JSON.stringify(big);
    expect(Buffer.byteLength(text)).toBeGreaterThan(1024 * 1024);
    const before = await storedCount();
    const declared = await post(key, text, {
      headers: { "content-length": String(Buffer.byteLength(text)) },
    });
    expect(declared.status).toBe(413);
    expect(declared.body.error).toMatch(/larger than the 1 MB limit \(1,048,576 bytes\)/);
    // No Content-Length (a stream) and a lying one: the bytes read decide.
    const stream = () =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          const bytes = new TextEncoder().encode(text);
          for (let i = 0; i < bytes.length; i += 64 * 1024)
            controller.enqueue(bytes.subarray(i, i + 64 * 1024));
          controller.close();
        },
      });
    expect((await post(key, stream())).status).toBe(413);
    expect((await post(key, stream(), { headers: { "content-length": "100" } })).status).toBe(413);
    expect(await storedCount()).toBe(before);
  });

  it("answers 422 with each invalid event's index and field, and stores none of the batch", async () => {
    const key = await newKey();
    const before = await storedCount();
    const res = await post(
      key,
      JSON.stringify([
        { id: "ok-1", user_id: "u1", name: "login", timestamp: "2024-05-01T10:00:00Z" },
        { id: "bad-1", user_id: "u2", name: "login", timestamp: "2024-05-01 10:00" },
        { id: "ok-2", user_id: "u3", name: "login", timestamp: "2024-05-01T10:00:00Z" },
        { id: "bad-2", name: "x".repeat(201), timestamp: "1999-01-01T00:00:00Z" },
      ]),
    );
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      error: "2 of 4 events are invalid; nothing was stored.",
      errors: [
        {
          index: 1,
          field: "timestamp",
          message:
            "timestamp must be an ISO 8601 date and time with a UTC offset or Z, e.g. 2024-05-01T14:30:00Z.",
        },
        { index: 3, field: "user_id", message: "user_id is required." },
        { index: 3, field: "name", message: "name must be at most 200 characters." },
        { index: 3, field: "timestamp", message: "timestamp is before 2000-01-01." },
      ],
    });
    expect(await storedCount()).toBe(before);
    expect(await post(key, '{"user_id":"u1"}')).toMatchObject({
      status: 422,
      body: { error: "The body must be a JSON array of events." },
    });
    expect(await post(key, "[{")).toMatchObject({ status: 400 });
    expect(await storedCount()).toBe(before);
  });

  it("is idempotent by event id: the same batch twice stores it once", async () => {
    const key = await newKey();
    const before = await getEngagementForDay(h.db, { orgId: orgA, day: "2024-02-05" });
    expect(before).toMatchObject({ dau: 0, mau: 0 });
    const first = await post(key, JSON.stringify(fixtureEvents));
    expect(first).toMatchObject({ status: 200, body: { accepted: 19, duplicates: 0 } });
    const after = await getEngagementForDay(h.db, { orgId: orgA, day: "2024-02-05" });
    // The fixture's hand-computed 02-05 in Los Angeles (tests/engagement.test.ts has the derivation).
    expect(after).toEqual({
      day: "2024-02-05",
      dau: 1,
      wau: 3,
      mau: 4,
      stickiness: 0.25,
      activation: { started: 3, activated: 3, rate: 1 },
    });
    const stored = await storedCount();
    const again = await post(key, JSON.stringify(fixtureEvents));
    expect(again).toMatchObject({ status: 200, body: { accepted: 0, duplicates: 19 } });
    expect(await storedCount()).toBe(stored);
    expect(await getEngagementForDay(h.db, { orgId: orgA, day: "2024-02-05" })).toEqual(after);
    // The same ids in another org are that org's own events.
    expect((await post(await newKey(orgB), JSON.stringify(fixtureEvents))).body).toEqual({
      accepted: 19,
      duplicates: 0,
    });
  });

  it("answers 429 with Retry-After once a key exceeds its rate, without slowing other keys", async () => {
    const key = await newKey();
    const started = performance.now();
    const results = await Promise.all(Array.from({ length: 60 }, () => post(key, "[]")));
    const seconds = (performance.now() - started) / 1000;
    const limited = results.filter((r) => r.status === 429);
    const passed = results.filter((r) => r.status === 200);
    expect(passed.length + limited.length).toBe(60);
    // The burst of 10, plus at most 5/s of refill while the requests ran.
    expect(passed.length).toBeGreaterThanOrEqual(10);
    expect(passed.length).toBeLessThanOrEqual(10 + Math.ceil(5 * seconds));
    expect(limited.length).toBeGreaterThan(0);
    const retryAfter = Number(limited[0]?.headers.get("retry-after"));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1).toBe(true);
    expect(limited[0]?.body.error).toMatch(/at most 5 per second per API key \(bursts of 10\)/);
    expect((await post(await newKey(), "[]")).status).toBe(200);
  });
});

describe("GET /api/v1/metrics/engagement-cohorts", () => {
  it("serves ENG-3 cohorts of the key's org", async () => {
    const { cohorts } = await routes();
    const get = async (url: string, orgId = orgA) => {
      const res = await cohorts(
        new NextRequest(`http://localhost${url}`, {
          headers: { authorization: `Bearer ${await newKey(orgId)}` },
        }),
        { params: Promise.resolve({}) },
      );
      return { status: res.status, body: await res.json() };
    };
    const res = await get("/api/v1/metrics/engagement-cohorts?from=2024-01&to=2024-02&asOf=2024-04-20");
    expect(res.status).toBe(200);
    // Without the late event of u2 (01-15), u2 starts on 01-22: week 1 is 01-29…02-04 (no event), week 4
    // 02-19…25 (none), week 12 04-15…21 (not over by 04-20). u1 and u3 as in tests/engagement.test.ts.
    expect(res.body).toEqual({
      as_of: "2024-04-20",
      cohorts: [
        {
          cohort: "2024-01",
          users: 3,
          weeks: {
            1: { retained: 1, eligible: 3, rate: 1 / 3 },
            4: { retained: 1, eligible: 3, rate: 1 / 3 },
            12: { retained: 0, eligible: 1, rate: 0 },
          },
        },
        {
          cohort: "2024-02",
          users: 2,
          weeks: {
            1: { retained: 1, eligible: 2, rate: 0.5 },
            4: { retained: 1, eligible: 2, rate: 0.5 },
            12: { retained: 0, eligible: 0, rate: null },
          },
        },
      ],
    });
    // Default: the 12 cohorts up to this month.
    const recent = await get("/api/v1/metrics/engagement-cohorts");
    expect(recent.body.cohorts).toHaveLength(12);
    expect((await get("/api/v1/metrics/engagement-cohorts?from=2024-1")).status).toBe(422);
    expect((await get("/api/v1/metrics/engagement-cohorts?from=2024-03&to=2024-01")).status).toBe(422);
    // Org B's key sees org B's events (on UTC days: u3 starts 02-01 there).
    const b = await get("/api/v1/metrics/engagement-cohorts?from=2024-01&to=2024-02&asOf=2024-04-20", orgB);
    expect(b.body.cohorts.map((c: { users: number }) => c.users)).toEqual([2, 3]);
  });
});
