import { readFileSync } from "node:fs";
import { and, asc, count, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getEngagementForDay } from "@/db/queries/engagement";
import { listRejections } from "@/db/queries/uploads";
import { eventUsers, organizations, productEvents, uploads } from "@/db/schema";
import { previewCsv } from "@/lib/ingest/preview";
import { importUpload } from "@/lib/uploads/import";
import { eventIdOf } from "@/lib/uploads/import-events";
import { queueImport } from "@/lib/uploads/plan";
import { deleteUpload } from "@/lib/uploads/undo";
import { counts, setupUploads } from "./helpers/uploads";

/*
 * The `events` upload kind end to end on a real database: preview (kind, mapping) → import (ENG-1 events
 * through writeEvents, rejections with line and column) → engagement (ENG-2 DAU, ENG-4 activation) →
 * the same events again (stored once) → undo (events gone, rollups rebuilt).
 */

const { db, newOrg, store, importText } = setupUploads();

// A Mixpanel-style export: "$insert_id", "distinct_id", "event", "time" (Unix seconds, or UTC without an
// offset), "account_id", "event_properties". The org's timezone is Europe/Berlin (UTC+2 in May).
const HEADER = "$insert_id,distinct_id,event,time,account_id,event_properties";
const ROWS = [
  /* line 2 */ 'i1,u1,signed_in,1714573800,cus_1,"{""plan"":""pro""}"', // 2024-05-01 14:30Z → May 1
  /* line 3 */ "i2,u2,signed_in,2024-05-01 20:00:00,cus_1,", // 20:00Z = 22:00 Berlin → May 1
  /* line 4 */ ",u3,file_upload,2024-05-01T23:30:00Z,cus_2,{}", // no id; 01:30 Berlin → May 2
  /* line 5 */ "i4,u1,file_upload,yesterday,cus_1,", // rejected: not a time
  /* line 6 */ "i5,,signed_in,2024-05-01T10:00:00Z,cus_1,", // rejected: no user
  /* line 7 */ "i6,u4,signed_in,1999-12-31T10:00:00Z,,", // rejected by ZEvent: before 2000
  /* line 8 */ "i7,u2,file_upload,2024-05-02T08:00:00+02:00,cus_1,", // 06:00Z → May 2
  /* line 9 */ 'i1,u1,signed_in,1714573800,cus_1,"{""plan"":""pro""}"', // repeat of line 2
  /* line 10 */ ",u3,file_upload,2024-05-01T23:30:00Z,cus_2,{}", // repeat of line 4
];
const FILE = [HEADER, ...ROWS].join("\n");

async function eventsOf(orgId: string) {
  return db()
    .select({ id: productEvents.externalId, user: productEvents.userId, day: productEvents.day })
    .from(productEvents)
    .where(eq(productEvents.orgId, orgId))
    .orderBy(asc(productEvents.externalId));
}

async function berlinOrg(slug: string) {
  const orgId = await newOrg(slug);
  await db()
    .update(organizations)
    .set({ timezone: "Europe/Berlin", settings: { activationEvents: ["file_upload"] } })
    .where(eq(organizations.id, orgId));
  return orgId;
}

const dau = async (orgId: string, day: string) => (await getEngagementForDay(db(), { orgId, day })).dau;

describe("the events upload kind", () => {
  it("previews Mixpanel, Amplitude and Segment exports as events, each header on its field", () => {
    const mixpanel = previewCsv(new TextEncoder().encode(FILE));
    if (!mixpanel.ok) throw new Error("no preview");
    expect(mixpanel.kind).toBe("events");
    expect(mixpanel.kindConfidence).toBeGreaterThanOrEqual(0.9);
    expect(mixpanel.mapping.map((m) => m.field)).toEqual([
      "id",
      "user_id",
      "name",
      "timestamp",
      "customer_id",
      "properties",
    ]);
    expect(mixpanel.canImport).toBe(true);

    const template = previewCsv(readFileSync("public/templates/events.csv"));
    if (!template.ok) throw new Error("no preview");
    expect(template.kind).toBe("events");
    expect(template.mapping.map((m) => m.field)).toEqual([
      "id",
      "user_id",
      "name",
      "timestamp",
      "customer_id",
      "properties",
    ]);
    expect(template.rowsWithErrors).toBe(0);

    const amplitude = previewCsv(
      new TextEncoder().encode(
        [
          "insert_id,user_id,event_type,event_time,client_event_time,event_properties",
          'a1,u1,page_view,2024-05-01 14:30:00.123456,2024-05-01 14:29:59.000000,"{""path"":""/""}"',
        ].join("\n"),
      ),
    );
    if (!amplitude.ok) throw new Error("no preview");
    expect(amplitude.kind).toBe("events");
    expect(amplitude.mapping.map((m) => m.field)).toEqual([
      "id",
      "user_id",
      "name",
      "timestamp",
      null,
      "properties",
    ]);
    expect(amplitude.sample[0]?.row).toMatchObject({ timestamp: "2024-05-01T14:30:00.123Z" });

    const segment = previewCsv(
      new TextEncoder().encode(
        [
          "messageId,type,event,userId,anonymousId,timestamp,properties",
          "m1,track,Signed In,u1,anon-1,2024-05-01T14:30:00.000Z,{}",
        ].join("\n"),
      ),
    );
    if (!segment.ok) throw new Error("no preview");
    expect(segment.kind).toBe("events");
    expect(segment.mapping.map((m) => m.field)).toEqual([
      "id",
      null,
      "name",
      "user_id",
      null,
      "timestamp",
      "properties",
    ]);
  });

  it("imports, rejects bad rows by line and column, stores repeats once, and undoes", async () => {
    const orgId = await berlinOrg("events");
    const other = await berlinOrg("events-other");

    const a = await importText(orgId, FILE);
    expect(a.kind).toBe("events");
    expect(counts(a)).toEqual({ status: "complete", read: 9, imported: 4, unchanged: 2, rejected: 3 });
    expect(await listRejections(db(), orgId, a.id)).toEqual([
      {
        line: 5,
        column: "time",
        field: "timestamp",
        value: "yesterday",
        message:
          "'yesterday' is not a date and time (write e.g. 2024-05-01T14:30:00Z, 2024-05-01 14:30:00 for UTC, or Unix seconds)",
      },
      { line: 6, column: "distinct_id", field: "user_id", value: null, message: "is empty" },
      {
        line: 7,
        column: "time",
        field: "timestamp",
        value: "1999-12-31T10:00:00.000Z",
        message: "timestamp is before 2000-01-01.",
      },
    ]);
    const u3 = eventIdOf({
      user_id: "u3",
      name: "file_upload",
      timestamp: "2024-05-01T23:30:00.000Z",
      properties: {},
    });
    expect(await eventsOf(orgId)).toEqual(
      [
        { id: "i1", user: "u1", day: "2024-05-01" },
        { id: "i2", user: "u2", day: "2024-05-01" },
        { id: "i7", user: "u2", day: "2024-05-02" },
        { id: u3, user: "u3", day: "2024-05-02" },
      ].sort((x, y) => (x.id < y.id ? -1 : 1)),
    );
    expect(u3).toMatch(/^csv:[0-9a-f]{64}$/);
    // ENG-2 in Berlin days: May 1 u1, u2; May 2 u2, u3 (u3's 23:30Z is 01:30 on May 2 there).
    expect(await dau(orgId, "2024-05-01")).toBe(2);
    expect(await dau(orgId, "2024-05-02")).toBe(2);
    // ENG-4: file_upload activates u3 and u2 (u2 on its second day, within 7 days of its first).
    const engagement = await getEngagementForDay(db(), { orgId, day: "2024-05-02" });
    expect(engagement.activation).toMatchObject({ started: 3, activated: 2 });
    expect(await dau(other, "2024-05-01")).toBe(0);

    // The identical file is the same upload (its sha256): nothing is stored twice.
    const again = await store(orgId, FILE);
    expect(again.duplicate).toBe(true);
    expect(again.upload.id).toBe(a.id);

    // The same events in another order, with CRLF and one new event: every known event is unchanged.
    const b = await importText(
      orgId,
      [HEADER, ...[...ROWS].reverse(), "i8,u5,signed_in,2024-05-01T12:00:00Z,cus_3,"].join("\r\n"),
      { kind: "events" },
    );
    expect(counts(b)).toEqual({ status: "complete", read: 10, imported: 1, unchanged: 6, rejected: 3 });
    expect(await eventsOf(orgId)).toHaveLength(5);
    expect(await dau(orgId, "2024-05-01")).toBe(3);

    // Undo of the first upload removes the events it stored (not i8, which the second one stored).
    const undone = await deleteUpload(db(), { orgId, uploadId: a.id, actorUserId: null });
    expect(undone).toMatchObject({ itemsDeleted: 0, customersDeleted: 0, eventsDeleted: 4 });
    expect(await eventsOf(orgId)).toEqual([{ id: "i8", user: "u5", day: "2024-05-01" }]);
    expect(await dau(orgId, "2024-05-01")).toBe(1);
    expect(await dau(orgId, "2024-05-02")).toBe(0);

    const last = await deleteUpload(db(), { orgId, uploadId: b.id, actorUserId: null });
    expect(last.eventsDeleted).toBe(1);
    expect(await eventsOf(orgId)).toEqual([]);
    expect(await dau(orgId, "2024-05-01")).toBe(0);
    const [users] = await db().select({ n: count() }).from(eventUsers).where(eq(eventUsers.orgId, orgId));
    expect(users?.n).toBe(0);
  });

  it("resumes an interrupted events import with the counts of an uninterrupted one", async () => {
    const orgId = await berlinOrg("events-resume");
    const first = await importText(orgId, FILE, { kind: "events" }, { batchSize: 3, maxBatches: 1 });
    expect(counts(first)).toMatchObject({ status: "importing", read: 3, imported: 3 });
    const { upload } = await importUpload(db(), { orgId, uploadId: first.id }, { batchSize: 3 });
    expect(counts(upload)).toEqual({ status: "complete", read: 9, imported: 4, unchanged: 2, rejected: 3 });
    expect(await eventsOf(orgId)).toHaveLength(4);
    expect(await listRejections(db(), orgId, upload.id)).toHaveLength(3);
  });

  it("refuses an events mapping without a time column, naming what is missing", async () => {
    const orgId = await newOrg("events-missing");
    const { upload } = await store(orgId, "user_id,event\nu1,signed_in\n");
    await expect(queueImport(db(), { orgId, uploadId: upload.id, kind: "events" })).rejects.toThrow(
      "Map the column with the event's time (timestamp, time, event_time).",
    );
    const [row] = await db()
      .select({ n: count() })
      .from(productEvents)
      .where(and(eq(productEvents.orgId, orgId)));
    expect(row?.n).toBe(0);
    const [after] = await db()
      .select({ status: uploads.status, kind: uploads.kind })
      .from(uploads)
      .where(eq(uploads.id, upload.id));
    expect(after).toEqual({ status: "uploaded", kind: null });
  });
});
