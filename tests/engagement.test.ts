import { readFileSync } from "node:fs";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { getEngagementCohorts, getEngagementForDay, getEngagementSeries } from "@/db/queries/engagement";
import { queryRows } from "@/db/rows";
import { eventUsers, organizations, productEvents } from "@/db/schema";
import { parseEvents, type TEvent } from "@/lib/events/event";
import { rebuildEventRollups, writeEvents } from "@/lib/events/write";
import { createTestDb } from "./helpers/db";

/*
 * ENG-1…ENG-4 on the hand-computed fixture tests/fixtures/events/la-engagement.json: an org in
 * America/Los_Angeles, where several events late in the UTC day fall on the previous local day. Every
 * expected number below is derived from the fixture's local days in the comment beside it; the UTC day
 * would give a different answer in each marked "(UTC: …)" case.
 */

type FixtureEvent = TEvent & { local: string };
const fixture = JSON.parse(
  readFileSync(path.join(import.meta.dirname, "fixtures/events/la-engagement.json"), "utf8"),
) as { events: FixtureEvent[]; late: FixtureEvent[] };
const strip = (events: FixtureEvent[]) => {
  const parsed = parseEvents(events.map(({ local: _, ...e }) => e));
  if (!parsed.events) throw new Error(`fixture invalid: ${JSON.stringify(parsed.errors)}`);
  return parsed.events;
};

let h: DbHandle;
type Target = { orgId: string; timezone: string; activationEvents: string[] };
let org: Target;
let other: Target;

beforeAll(async () => {
  h = await createTestDb();
  const [a] = await h.db
    .insert(organizations)
    .values({
      slug: "eng-la",
      name: "LA",
      timezone: "America/Los_Angeles",
      settings: { activationEvents: ["file_upload"] },
    })
    .returning();
  const [b] = await h.db.insert(organizations).values({ slug: "eng-other", name: "Other" }).returning();
  org = { orgId: a!.id, timezone: a!.timezone, activationEvents: ["file_upload"] };
  other = { orgId: b!.id, timezone: "UTC", activationEvents: [] };
});
afterAll(() => h?.close());

describe("writing events", () => {
  it("stores each event on its local day, updates the rollups, and is idempotent by id", async () => {
    // Another org's events with the same ids and users: never a duplicate there, never counted here.
    const foreign = strip(fixture.events);
    expect(await writeEvents(h.db, other, foreign)).toEqual({ accepted: 19, duplicates: 0 });

    expect(await writeEvents(h.db, org, strip(fixture.events))).toEqual({ accepted: 19, duplicates: 0 });
    const stored = await h.db
      .select({ externalId: productEvents.externalId, day: productEvents.day })
      .from(productEvents)
      .where(eq(productEvents.orgId, org.orgId));
    expect(Object.fromEntries(stored.map((e) => [e.externalId, e.day]))).toEqual(
      Object.fromEntries(fixture.events.map((e) => [e.id, e.local])),
    );

    // Before u2's first event arrives, u2 starts on 01-22 with file_upload that same day: activated.
    expect((await getEngagementForDay(h.db, { orgId: org.orgId, day: "2024-02-05" })).activation).toEqual({
      started: 3,
      activated: 3,
      rate: 1,
    });

    // The same batch again: every event a duplicate, nothing changes. The late event arrives with a
    // repeat of e01 in the same batch, and e06 twice: one accepted.
    expect(await writeEvents(h.db, org, strip(fixture.events))).toEqual({ accepted: 0, duplicates: 19 });
    const late = strip([...fixture.late, fixture.events[0]!, ...fixture.late]);
    expect(await writeEvents(h.db, org, late)).toEqual({ accepted: 1, duplicates: 2 });

    const users = await h.db
      .select({
        userId: eventUsers.userId,
        firstDay: eventUsers.firstDay,
        activatedDay: eventUsers.activatedDay,
      })
      .from(eventUsers)
      .where(eq(eventUsers.orgId, org.orgId))
      .orderBy(eventUsers.userId);
    expect(users).toEqual([
      { userId: "u1", firstDay: "2024-01-01", activatedDay: "2024-01-03" },
      { userId: "u2", firstDay: "2024-01-15", activatedDay: "2024-01-22" }, // moved by the late event
      { userId: "u3", firstDay: "2024-01-31", activatedDay: "2024-01-31" }, // (UTC: 02-01)
      { userId: "u4", firstDay: "2024-02-01", activatedDay: "2024-02-05" },
      { userId: "u5", firstDay: "2024-02-20", activatedDay: "2024-02-26" },
      { userId: "u6", firstDay: "2024-04-02", activatedDay: null },
    ]);
    const [days] = await queryRows<{ n: unknown }>(
      h.db,
      sql`SELECT count(*) AS n FROM event_user_days WHERE org_id = ${org.orgId}`,
    );
    // 20 events on 19 distinct user-days: u4 has two on 02-05 (e13, e14).
    expect(Number(days?.n)).toBe(19);
  });
});

describe("ENG-2 and ENG-4 on a day", () => {
  it("counts DAU/WAU/MAU over local days and activation within 7 days of the first day", async () => {
    // 02-05: DAU u4 (UTC: u1 and u4); WAU 01-30…02-05 u3, u4, u1; MAU 01-07…02-05 u1, u2, u3, u4.
    // Started 01-07…02-05: u2 (01-15), u3 (01-31), u4 (02-01); activated: u3 (day 0), u4 (02-05, day 4);
    // u2's file_upload on 01-22 is day 7, one too late (UTC: u2 starts 01-16 and is activated).
    expect(await getEngagementForDay(h.db, { orgId: org.orgId, day: "2024-02-05" })).toEqual({
      day: "2024-02-05",
      dau: 1,
      wau: 3,
      mau: 4,
      stickiness: 0.25,
      activation: { started: 3, activated: 2, rate: 2 / 3 },
    });
    // 02-04: u4's activation (02-05) has not happened yet that day.
    expect((await getEngagementForDay(h.db, { orgId: org.orgId, day: "2024-02-04" })).activation).toEqual({
      started: 3,
      activated: 1,
      rate: 1 / 3,
    });
    // 02-26: DAU u5; WAU 02-20…02-26 u5; MAU 01-28…02-26 u1 (02-04), u2 (02-11), u3, u4, u5.
    // Started 01-28…02-26: u3, u4, u5, all activated (u5 on 02-26 = day 6).
    expect(await getEngagementForDay(h.db, { orgId: org.orgId, day: "2024-02-26" })).toEqual({
      day: "2024-02-26",
      dau: 1,
      wau: 1,
      mau: 5,
      stickiness: 0.2,
      activation: { started: 3, activated: 3, rate: 1 },
    });
    // 03-06: MAU 02-05…03-06 loses u1 (last seen 02-04): u2, u3, u4, u5. WAU 02-29…03-06: u4 (03-01).
    expect(await getEngagementForDay(h.db, { orgId: org.orgId, day: "2024-03-06" })).toMatchObject({
      dau: 0,
      wau: 1,
      mau: 4,
      stickiness: 0,
    });
    // A day with no users: every ratio undefined, never 0 or NaN.
    expect(await getEngagementForDay(h.db, { orgId: org.orgId, day: "2023-06-01" })).toEqual({
      day: "2023-06-01",
      dau: 0,
      wau: 0,
      mau: 0,
      stickiness: null,
      activation: { started: 0, activated: 0, rate: null },
    });
  });

  it("leaves activation undefined for an org without activation events, and refuses bad input", async () => {
    // `other` got the same events on UTC days: 02-05 (UTC) has u1 (07:30Z) and u4.
    const day = await getEngagementForDay(h.db, { orgId: other.orgId, day: "2024-02-05" });
    expect(day).toMatchObject({ dau: 2, activation: { activated: 0, rate: null } });
    expect(day.activation.started).toBeGreaterThan(0);
    await expect(getEngagementForDay(h.db, { orgId: org.orgId, day: "2024-02-30" })).rejects.toMatchObject({
      status: 422,
    });
    await expect(
      getEngagementForDay(h.db, { orgId: "00000000-0000-0000-0000-000000000000", day: "2024-02-05" }),
    ).rejects.toMatchObject({ status: 404 });
  });
});

describe("ENG-2 series", () => {
  it("gives every day of the range in one query, equal to the single-day figures", async () => {
    const series = await getEngagementSeries(h.db, {
      orgId: org.orgId,
      from: "2024-02-03",
      to: "2024-02-12",
    });
    // Local active days: u1 01-10 02-04 · u2 01-15 01-22 02-11 · u3 01-31 02-06 · u4 02-01 02-05.
    expect(series.map((d) => [d.day.slice(5), d.dau, d.wau, d.mau])).toEqual([
      ["02-03", 0, 2, 4], // WAU 01-28…02-03: u3, u4
      ["02-04", 1, 3, 4],
      ["02-05", 1, 3, 4],
      ["02-06", 1, 3, 4],
      ["02-07", 0, 3, 4],
      ["02-08", 0, 3, 4],
      ["02-09", 0, 3, 4],
      ["02-10", 0, 3, 4],
      ["02-11", 1, 3, 4], // WAU 02-05…02-11: u4, u3, u2
      ["02-12", 0, 2, 4], // WAU 02-06…02-12: u3, u2
    ]);
    expect(series[1]?.stickiness).toBe(0.25);
    expect(series[0]?.stickiness).toBe(0);

    // Every day from before the first event to after the last, against the one-day query.
    const all = await getEngagementSeries(h.db, { orgId: org.orgId, from: "2023-12-25", to: "2024-05-20" });
    expect(all).toHaveLength(148);
    for (const d of all.filter((_, i) => i % 3 === 0)) {
      const { activation: _, ...one } = await getEngagementForDay(h.db, { orgId: org.orgId, day: d.day });
      expect(d).toEqual(one);
    }
    await expect(
      getEngagementSeries(h.db, { orgId: org.orgId, from: "2024-02-12", to: "2024-02-03" }),
    ).rejects.toMatchObject({ status: 422 });
  });

  it("matches a direct count of distinct users per window on random data", async () => {
    const [r] = await h.db.insert(organizations).values({ slug: "eng-random", name: "R" }).returning();
    let seed = 20240501;
    const rand = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return Math.floor((seed / 2 ** 31) * n);
    };
    const base = Date.parse("2024-01-01T00:00:00Z");
    const events: TEvent[] = Array.from({ length: 600 }, (_, i) => ({
      id: `r${i}`,
      user_id: `user-${rand(60)}`,
      name: "ping",
      timestamp: new Date(base + rand(120 * 24) * 3_600_000).toISOString(),
    }));
    await writeEvents(h.db, { orgId: r!.id, timezone: "UTC" }, events);
    const activeDays = new Map<string, Set<string>>();
    for (const e of events) {
      const day = e.timestamp.slice(0, 10);
      activeDays.set(day, (activeDays.get(day) ?? new Set()).add(e.user_id));
    }
    const distinct = (day: string, back: number) => {
      const users = new Set<string>();
      for (let k = 0; k < back; k++) {
        const d = new Date(Date.parse(`${day}T00:00:00Z`) - k * 86_400_000).toISOString().slice(0, 10);
        for (const u of activeDays.get(d) ?? []) users.add(u);
      }
      return users.size;
    };
    const series = await getEngagementSeries(h.db, { orgId: r!.id, from: "2024-01-01", to: "2024-05-31" });
    expect(series.map((d) => [d.day, d.dau, d.wau, d.mau])).toEqual(
      series.map((d) => [d.day, distinct(d.day, 1), distinct(d.day, 7), distinct(d.day, 30)]),
    );
    expect(Math.max(...series.map((d) => d.mau))).toBeGreaterThan(30);
  });
});

describe("ENG-3 cohorts", () => {
  it("gives week-1/4/12 retention per monthly cohort of local first days", async () => {
    const cohorts = await getEngagementCohorts(h.db, {
      orgId: org.orgId,
      from: "2024-01",
      to: "2024-04",
      asOf: "2024-04-20",
    });
    expect(cohorts).toEqual([
      {
        // u1 (01-01), u2 (01-15), u3 (01-31; UTC: February).
        cohort: "2024-01",
        users: 3,
        weeks: {
          // Weeks 01-08…14: u1 (01-10) · 01-22…28: u2 (01-22) · 02-07…13: u3 none.
          1: { retained: 2, eligible: 3, rate: 2 / 3 },
          // 01-29…02-04: u1 (02-04 local; UTC 02-05, outside) · 02-12…18: u2 none · 02-28…03-05: u3 none.
          4: { retained: 1, eligible: 3, rate: 1 / 3 },
          // 03-25…31: u1 none (04-01 is day 91) · 04-08…14: u2 (04-14) · u3's 04-24…30 not over by 04-20.
          12: { retained: 1, eligible: 2, rate: 0.5 },
        },
      },
      {
        // u4 (02-01), u5 (02-20).
        cohort: "2024-02",
        users: 2,
        weeks: {
          1: { retained: 1, eligible: 2, rate: 0.5 }, // u4 02-14; u5's 02-27…03-04 empty
          4: { retained: 1, eligible: 2, rate: 0.5 }, // u4 03-01 in 02-29…03-06; u5's 03-19…25 empty
          12: { retained: 0, eligible: 0, rate: null }, // 04-25… and 05-14… not over
        },
      },
      {
        cohort: "2024-03",
        users: 0,
        weeks: {
          1: { retained: 0, eligible: 0, rate: null },
          4: { retained: 0, eligible: 0, rate: null },
          12: { retained: 0, eligible: 0, rate: null },
        },
      },
      {
        // u6 (04-02): week 1 is 04-09…15, over by 04-20, with 04-09.
        cohort: "2024-04",
        users: 1,
        weeks: {
          1: { retained: 1, eligible: 1, rate: 1 },
          4: { retained: 0, eligible: 0, rate: null },
          12: { retained: 0, eligible: 0, rate: null },
        },
      },
    ]);
  });

  it("counts a week once its last day is before asOf", async () => {
    const week1 = async (asOf: string) =>
      (await getEngagementCohorts(h.db, { orgId: org.orgId, from: "2024-04", to: "2024-04", asOf }))[0]
        ?.weeks[1];
    expect(await week1("2024-04-15")).toEqual({ retained: 0, eligible: 0, rate: null }); // 04-15 not over
    expect(await week1("2024-04-16")).toEqual({ retained: 1, eligible: 1, rate: 1 });
    // Default asOf is today in the org's timezone: long past 2024.
    const [jan] = await getEngagementCohorts(h.db, { orgId: org.orgId, from: "2024-01", to: "2024-01" });
    expect(jan?.weeks[12]).toEqual({ retained: 1, eligible: 3, rate: 1 / 3 });
    await expect(
      getEngagementCohorts(h.db, { orgId: org.orgId, from: "2024-05", to: "2024-01" }),
    ).rejects.toMatchObject({ status: 422 });
    await expect(
      getEngagementCohorts(h.db, { orgId: org.orgId, from: "2024-13", to: "2024-01" }),
    ).rejects.toMatchObject({ status: 422 });
  });
});

describe("rebuilding the rollups", () => {
  const rollups = async (orgId: string) => ({
    days: await queryRows(
      h.db,
      sql`SELECT to_char(day, 'YYYY-MM-DD') AS day, user_id FROM event_user_days WHERE org_id = ${orgId} ORDER BY 1, 2`,
    ),
    users: await h.db.select().from(eventUsers).where(eq(eventUsers.orgId, orgId)).orderBy(eventUsers.userId),
  });

  it("gives what the incremental writes gave, and follows a new timezone and activation events", async () => {
    const incremental = await rollups(org.orgId);
    await rebuildEventRollups(h.db, org);
    expect(await rollups(org.orgId)).toEqual(incremental);

    // UTC days and `report_view` as the activation event: u3 starts 02-01, only u4 (02-06 UTC) activates.
    await rebuildEventRollups(h.db, { orgId: org.orgId, timezone: "UTC", activationEvents: ["report_view"] });
    const [e04] = await h.db.select().from(productEvents).where(eq(productEvents.externalId, "e04"));
    expect(e04?.day).toBe("2024-02-05");
    const utc = await rollups(org.orgId);
    expect(utc.users.map((u) => [u.userId, u.firstDay, u.activatedDay])).toEqual([
      ["u1", "2024-01-01", null],
      ["u2", "2024-01-16", null],
      ["u3", "2024-02-01", null],
      ["u4", "2024-02-01", "2024-02-06"],
      ["u5", "2024-02-20", null],
      ["u6", "2024-04-02", null],
    ]);
    expect(await getEngagementForDay(h.db, { orgId: org.orgId, day: "2024-02-05" })).toMatchObject({
      dau: 2,
      // Started 01-07…02-05: u2 (01-16), u3, u4; u4's report_view on 02-06 is after the day.
      activation: { started: 3, activated: 0, rate: 0 },
    });
    await rebuildEventRollups(h.db, org);
    expect(await rollups(org.orgId)).toEqual(incremental);
  });
});
