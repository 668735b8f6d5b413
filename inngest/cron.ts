// Standard 5-field cron (minute hour day-of-month month day-of-week) with Inngest's optional
// `TZ=Area/City ` prefix, for the in-process scheduler. Supports `*`, lists, ranges, steps (`*/15`,
// `1-10/2`, `5/20`), month and weekday names, 7 as Sunday, and Vixie cron's rule that a day matches
// either day field when both are restricted. Without a prefix the zone is UTC, as on Inngest.

export type CronSchedule = {
  expression: string;
  timeZone: string;
  minutes: Set<number>;
  hours: Set<number>;
  daysOfMonth: Set<number>;
  months: Set<number>;
  daysOfWeek: Set<number>;
  /** Vixie cron: when both day fields are restricted (not starting with `*`), either may match. */
  eitherDay: boolean;
};

type FieldSpec = { name: string; min: number; max: number; names?: readonly string[] };

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const FIELDS: readonly FieldSpec[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: MONTHS },
  { name: "day of week", min: 0, max: 7, names: DAYS },
];

export class CronError extends Error {}

export function parseCron(expression: string): CronSchedule {
  let rest = expression.trim();
  let timeZone = "UTC";
  const prefix = /^(?:CRON_)?TZ=(\S+)\s+/.exec(rest);
  if (prefix?.[1]) {
    timeZone = prefix[1];
    rest = rest.slice(prefix[0].length);
    if (!isTimeZone(timeZone)) throw new CronError(`cron "${expression}": unknown time zone "${timeZone}"`);
  }
  const parts = rest.split(/\s+/);
  if (parts.length !== 5) throw new CronError(`cron "${expression}": expected 5 fields, got ${parts.length}`);
  const [minutes, hours, daysOfMonth, months, daysOfWeek] = FIELDS.map((spec, i) =>
    parseField(expression, parts[i] ?? "", spec),
  ) as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  if (daysOfWeek.delete(7)) daysOfWeek.add(0);
  const eitherDay = !parts[2]?.startsWith("*") && !parts[4]?.startsWith("*");
  return { expression, timeZone, minutes, hours, daysOfMonth, months, daysOfWeek, eitherDay };
}

function parseField(expression: string, text: string, spec: FieldSpec): Set<number> {
  const fail = (why: string) => new CronError(`cron "${expression}": ${spec.name} "${text}" ${why}`);
  const value = (token: string): number => {
    const named = spec.names?.indexOf(token.toLowerCase()) ?? -1;
    if (named >= 0) return named + spec.min;
    if (!/^\d+$/.test(token)) throw fail(`has an invalid value "${token}"`);
    const n = Number(token);
    if (n < spec.min || n > spec.max) throw fail(`is outside ${spec.min}-${spec.max}`);
    return n;
  };
  const out = new Set<number>();
  for (const item of text.split(",")) {
    const [range = "", stepText, extra] = item.split("/");
    if (extra !== undefined || range === "") throw fail("is malformed");
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1 || !/^\d+$/.test(stepText ?? "1"))
      throw fail("has an invalid step");
    let lo: number;
    let hi: number;
    if (range === "*") [lo, hi] = [spec.min, spec.max];
    else if (range.includes("-")) {
      const [a = "", b = "", more] = range.split("-");
      if (more !== undefined) throw fail("is malformed");
      [lo, hi] = [value(a), value(b)];
      if (lo > hi) throw fail("has a backwards range");
    } else {
      lo = value(range);
      hi = stepText === undefined ? lo : spec.max; // "5/20" means from 5 to the end, every 20
    }
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

const MINUTE = 60_000;

/** The first fire time strictly after `after`. Wall-clock times a DST jump skips do not fire. */
export function nextCronTime(schedule: CronSchedule, after: Date): Date {
  const { timeZone } = schedule;
  // Search in the zone's wall-clock time (held in a UTC Date), then map each candidate to an instant.
  let wall = Math.floor(wallClock(after.getTime(), timeZone) / MINUTE) * MINUTE + MINUTE;
  for (let i = 0; i < 50_000; i++) {
    const d = new Date(wall);
    const [y, mo, day, h] = [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours()];
    if (!schedule.months.has(mo + 1)) wall = Date.UTC(y, mo + 1, 1);
    else if (!dayMatches(schedule, d)) wall = Date.UTC(y, mo, day + 1);
    else if (!schedule.hours.has(h)) wall = Date.UTC(y, mo, day, h + 1);
    else if (!schedule.minutes.has(d.getUTCMinutes())) wall += MINUTE;
    else {
      const instant = toInstant(wall, timeZone);
      if (instant !== undefined && instant > after.getTime()) return new Date(instant);
      wall += MINUTE;
    }
  }
  throw new CronError(`cron "${schedule.expression}" never fires`);
}

function dayMatches(schedule: CronSchedule, d: Date): boolean {
  const dom = schedule.daysOfMonth.has(d.getUTCDate());
  const dow = schedule.daysOfWeek.has(d.getUTCDay());
  return schedule.eitherDay ? dom || dow : dom && dow;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock time in `timeZone` at `instant`, as milliseconds of a UTC date with those fields. */
function wallClock(instant: number, timeZone: string): number {
  if (timeZone === "UTC") return instant;
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, format);
  }
  const f = Object.fromEntries(format.formatToParts(instant).map((p) => [p.type, Number(p.value)]));
  const ms = instant - Math.floor(instant / 1000) * 1000;
  return Date.UTC(f.year ?? 0, (f.month ?? 1) - 1, f.day, f.hour, f.minute, f.second) + ms;
}

/** The instant whose wall clock in `timeZone` reads `wall`; undefined inside a DST gap. */
function toInstant(wall: number, timeZone: string): number | undefined {
  const offset = wallClock(wall, timeZone) - wall;
  const instant = wall - (wallClock(wall - offset, timeZone) - (wall - offset));
  return wallClock(instant, timeZone) === wall ? instant : undefined;
}
