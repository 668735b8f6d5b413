/*
 * Calendar days as `YYYY-MM-DD` strings (ENG-1: days are calendar days in the org's timezone). Arithmetic
 * is done on UTC midnights, which has no DST gaps, so adding days never skips or repeats one.
 */

const DAY_MS = 86_400_000;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

export function isIsoDay(value: string): boolean {
  if (!ISO_DAY.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** Days from `from` to `to` (0 when equal, negative when `to` is earlier). */
export function dayDiff(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

export const monthOfDay = (day: string) => day.slice(0, 7);

/** The calendar day it is at `now` in `timeZone` (an IANA name). */
export function localDay(timeZone: string, now = new Date()): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(now);
}

/** The last complete day in `timeZone`: what the nightly snapshot records. */
export const lastCompleteDay = (timeZone: string, now = new Date()) => addDays(localDay(timeZone, now), -1);

/** Every day from `from` to `to` inclusive. */
export function daysBetween(from: string, to: string): string[] {
  const n = dayDiff(from, to);
  return Array.from({ length: Math.max(0, n + 1) }, (_, i) => addDays(from, i));
}

/** The months (YYYY-MM) that [from, to] touches, each with the part of the range inside it. */
export function monthsBetween(from: string, to: string): { month: string; from: string; to: string }[] {
  const out: { month: string; from: string; to: string }[] = [];
  let start = from;
  while (start <= to) {
    const month = monthOfDay(start);
    const [y, m] = month.split("-").map(Number) as [number, number];
    const nextMonth = new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
    const end = addDays(nextMonth, -1) < to ? addDays(nextMonth, -1) : to;
    out.push({ month, from: start, to: end });
    start = nextMonth;
  }
  return out;
}
