import { describe, expect, it } from "vitest";
import { CronError, nextCronTime, parseCron } from "./cron";

const next = (expression: string, after: string) =>
  nextCronTime(parseCron(expression), new Date(after)).toISOString();

describe("parseCron", () => {
  it("expands lists, ranges, steps and names", () => {
    const s = parseCron("*/15 9-17/4 1,15 jan-mar MON-wed");
    expect([...s.minutes]).toEqual([0, 15, 30, 45]);
    expect([...s.hours]).toEqual([9, 13, 17]);
    expect([...s.daysOfMonth]).toEqual([1, 15]);
    expect([...s.months]).toEqual([1, 2, 3]);
    expect([...s.daysOfWeek]).toEqual([1, 2, 3]);
    expect(s.timeZone).toBe("UTC");
    expect(s.eitherDay).toBe(true);
  });

  it("reads `start/step` as running to the end of the field, and 7 as Sunday", () => {
    expect([...parseCron("5/20 * * * 7").minutes]).toEqual([5, 25, 45]);
    expect([...parseCron("0 0 * * 7").daysOfWeek]).toEqual([0]);
  });

  it("takes the TZ= (and CRON_TZ=) prefix", () => {
    expect(parseCron("TZ=Europe/Paris 0 12 * * 5").timeZone).toBe("Europe/Paris");
    expect(parseCron("CRON_TZ=America/New_York 1 * * * *").timeZone).toBe("America/New_York");
  });

  it.each([
    ["* * * *", /expected 5 fields, got 4/],
    ["60 * * * *", /minute "60" is outside 0-59/],
    ["* 24 * * *", /hour "24" is outside 0-23/],
    ["0 0 0 * *", /day of month "0" is outside 1-31/],
    ["0 0 * 13 *", /month "13" is outside 1-12/],
    ["*/0 * * * *", /invalid step/],
    ["5-1 * * * *", /backwards range/],
    ["0 0 * * funday", /invalid value "funday"/],
    ["TZ=Mars/Olympus 0 0 * * *", /unknown time zone "Mars\/Olympus"/],
  ])("rejects %s", (expression, message) => {
    expect(() => parseCron(expression)).toThrow(CronError);
    expect(() => parseCron(expression)).toThrow(message);
  });
});

describe("nextCronTime", () => {
  it("finds the next fire strictly after the given instant (UTC by default)", () => {
    expect(next("TZ=UTC 0 1 * * *", "2025-03-10T00:30:00Z")).toBe("2025-03-10T01:00:00.000Z");
    expect(next("TZ=UTC 0 1 * * *", "2025-03-10T01:00:00Z")).toBe("2025-03-11T01:00:00.000Z");
    expect(next("0 1 * * *", "2025-12-31T23:59:59.999Z")).toBe("2026-01-01T01:00:00.000Z");
    expect(next("*/15 * * * *", "2025-03-10T10:07:30Z")).toBe("2025-03-10T10:15:00.000Z");
    expect(next("* * * * *", "2025-03-10T10:07:00Z")).toBe("2025-03-10T10:08:00.000Z");
  });

  it("matches weekdays and month days", () => {
    // 2025-03-12 is a Wednesday; the next Monday is the 17th.
    expect(next("0 9 * * MON", "2025-03-12T12:00:00Z")).toBe("2025-03-17T09:00:00.000Z");
    // Both day fields restricted: the 1st of the month OR a Monday, whichever comes first.
    expect(next("0 0 1 * 1", "2025-03-25T00:00:00Z")).toBe("2025-03-31T00:00:00.000Z");
    expect(next("0 0 1 * 1", "2025-03-31T00:00:00Z")).toBe("2025-04-01T00:00:00.000Z");
    // A `*` day-of-month keeps the weekday a restriction (AND): Fridays only.
    expect(next("0 0 * * 5", "2025-03-25T00:00:00Z")).toBe("2025-03-28T00:00:00.000Z");
    // Leap day: the next one after 2025 is 2028-02-29.
    expect(next("0 0 29 2 *", "2025-01-01T00:00:00Z")).toBe("2028-02-29T00:00:00.000Z");
  });

  it("reads the schedule in the prefix's time zone, through daylight saving changes", () => {
    // Paris is UTC+1 in winter and UTC+2 in summer.
    expect(next("TZ=Europe/Paris 0 9 * * *", "2025-01-15T00:00:00Z")).toBe("2025-01-15T08:00:00.000Z");
    expect(next("TZ=Europe/Paris 0 9 * * *", "2025-07-15T00:00:00Z")).toBe("2025-07-15T07:00:00.000Z");
    // New York's 02:30 does not exist on 2025-03-09 (clocks jump 02:00 → 03:00): that day is skipped,
    // and the next fire is 02:30 EDT (UTC-4) on the 10th.
    expect(next("TZ=America/New_York 30 2 * * *", "2025-03-08T12:00:00Z")).toBe("2025-03-10T06:30:00.000Z");
    // Across midnight in the zone: 23:30 in Tokyo (UTC+9) is 14:30 UTC the same day.
    expect(next("TZ=Asia/Tokyo 30 23 * * *", "2025-03-10T00:00:00Z")).toBe("2025-03-10T14:30:00.000Z");
    // Day-of-week is the zone's: Monday 00:15 in Tokyo is Sunday 15:15 UTC.
    expect(next("TZ=Asia/Tokyo 15 0 * * 1", "2025-03-12T00:00:00Z")).toBe("2025-03-16T15:15:00.000Z");
  });

  it("gives up on a schedule that can never fire", () => {
    expect(() => next("0 0 30 2 *", "2025-01-01T00:00:00Z")).toThrow(/never fires/);
  });
});
