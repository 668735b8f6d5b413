import type { Db } from "@/db/client";
import { addDays, localDay } from "@/lib/snapshots/dates";
import type { TEvent } from "./event";
import { writeEvents } from "./write";

/*
 * Product events for the demo org (embedded mode, first start): synthetic, deterministic (a seeded
 * generator), labelled as demo data in the README. They give the executive dashboard's DAU/WAU/MAU,
 * activation and ENG-3 retention something realistic to show: sign-ups growing month by month, activity
 * that decays with the user's age (about 45% return in week 1, 25% by week 4, 15% by week 12), weekday
 * peaks, and about 60% of users reaching an activation event in their first week.
 */

export const DEMO_ACTIVATION_EVENTS = ["file_upload", "report_generate"] as const;
const EVERYDAY = ["login", "dashboard_view", "dashboard_view", "export_csv"] as const;

/** mulberry32: a small seeded PRNG, so every demo install gets the same events. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The demo events for `days` days ending today (UTC): about 18,000 for 18 months. */
export function demoEvents({ days = 548, today = localDay("UTC") } = {}): TEvent[] {
  const rand = random(20241215);
  const first = addDays(today, -(days - 1));
  const events: TEvent[] = [];
  let n = 0;
  for (let d = 0; d < days; d++) {
    const signupDay = addDays(first, d);
    // Sign-ups grow from ~1.2 to ~4 a day over the period.
    const expected = 1.2 + (2.8 * d) / days;
    const signups = Math.floor(expected) + (rand() < expected % 1 ? 1 : 0);
    for (let s = 0; s < signups; s++) {
      const user = `demo-user-${String(++n).padStart(4, "0")}`;
      const activates = rand() < 0.6;
      const stickiness = 0.25 + rand() * 0.5; // how often this user comes back while still around
      for (let age = 0; d + age < days; age++) {
        const day = addDays(signupDay, age);
        const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
        const survival = age === 0 ? 1 : 0.55 * Math.exp(-age / 55);
        const p = age === 0 ? 1 : survival * stickiness * (weekday === 0 || weekday === 6 ? 0.4 : 1);
        if (rand() >= p) continue;
        const hour = 8 + Math.floor(rand() * 10);
        const at = (minute: number) =>
          `${day}T${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}:00Z`;
        const name = EVERYDAY[Math.floor(rand() * EVERYDAY.length)] ?? "login";
        events.push({ id: `demo-${user}-${day}-a`, user_id: user, name, timestamp: at(5) });
        if (activates && age <= 6 && (age === 0 || rand() < 0.5)) {
          const activation = DEMO_ACTIVATION_EVENTS[Math.floor(rand() * 2)] ?? "file_upload";
          events.push({ id: `demo-${user}-${day}-b`, user_id: user, name: activation, timestamp: at(20) });
        }
      }
    }
  }
  return events;
}

/** Writes the demo events into the org (idempotent by event id: a second call adds nothing). */
export async function seedDemoEvents(db: Db, orgId: string, options?: { days?: number; today?: string }) {
  return writeEvents(
    db,
    { orgId, timezone: "UTC", activationEvents: DEMO_ACTIVATION_EVENTS },
    demoEvents(options),
  );
}
