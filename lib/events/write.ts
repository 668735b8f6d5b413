import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { dbErrorWith, queryRows, toNumber } from "@/db/rows";
import type { TEvent } from "./event";

/*
 * Stores validated events (ENG-1) and keeps the engagement rollups current in the same transaction:
 * event_user_days (one row per user and active day) and event_users (first day, first activation day).
 * Set-based: one statement per chunk of events, whose data-modifying CTEs insert into the three tables;
 * an event whose `id` the org already has is a duplicate and touches nothing.
 */

export type EventsTarget = {
  orgId: string;
  /** IANA timezone of the org: an event's day is its calendar day there (ENG-1). */
  timezone: string;
  /** ENG-4: names of the org's activation events; none → nobody is ever activated. */
  activationEvents?: readonly string[];
  /** The CSV upload the events come from (product_events.source_upload_id): undoing it deletes them. */
  sourceUploadId?: string | null;
};

export type WriteEventsResult = { accepted: number; duplicates: number };

/** Events per statement; a larger input (e.g. a CSV import) is written in chunks, still one transaction. */
const CHUNK = 1_000;
/** Concurrent batches touching the same users can deadlock; the loser is retried this many times. */
const ATTEMPTS = 4;

export async function writeEvents(
  db: Db,
  target: EventsTarget,
  events: readonly TEvent[],
): Promise<WriteEventsResult> {
  if (events.length === 0) return { accepted: 0, duplicates: 0 };
  for (let attempt = 1; ; attempt++) {
    try {
      const accepted = await db.transaction(async (tx) => {
        await tx.execute(sql`SELECT pg_advisory_xact_lock_shared(${rollupLockKey(target.orgId)})`);
        let n = 0;
        for (let i = 0; i < events.length; i += CHUNK) {
          n += await writeChunk(tx, target, events.slice(i, i + CHUNK));
        }
        return n;
      });
      return { accepted, duplicates: events.length - accepted };
    } catch (error) {
      if (attempt >= ATTEMPTS || !isRetryable(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 * attempt + Math.random() * 20));
    }
  }
}

async function writeChunk(
  db: Db,
  { orgId, timezone, activationEvents = [], sourceUploadId = null }: EventsTarget,
  events: readonly TEvent[],
) {
  // Short keys keep the JSON parameter small; absent keys read as NULL (a JSON null would be jsonb 'null').
  const records = events.map((e) => ({
    ...(e.id === undefined ? {} : { e: e.id }),
    u: e.user_id,
    n: e.name,
    t: e.timestamp,
    ...(e.customer_id == null ? {} : { c: e.customer_id }),
    ...(e.properties == null ? {} : { p: e.properties }),
  }));
  // Each INSERT takes its rows in key order, so concurrent batches lock shared keys in the same order.
  // event_users only changes when the new rows move a first day or an activation day earlier (a late
  // event), so steady traffic from known users writes no row versions there.
  const [row] = await queryRows<{ accepted: unknown }>(
    db,
    sql`
      WITH input AS (
        SELECT * FROM jsonb_to_recordset(${JSON.stringify(records)}::jsonb)
          AS x(e text, u text, n text, t timestamptz, c text, p jsonb)
      ),
      activation AS (
        SELECT jsonb_array_elements_text(${JSON.stringify(activationEvents)}::jsonb) AS name
      ),
      ins AS (
        INSERT INTO product_events (org_id, external_id, user_id, name, occurred_at, day, customer_id, properties,
          source_upload_id)
        SELECT ${orgId}::uuid, e, u, n, t, (t AT TIME ZONE ${timezone})::date, c, p, ${sourceUploadId}::uuid
        FROM input ORDER BY e
        ON CONFLICT (org_id, external_id) DO NOTHING
        RETURNING user_id, name, occurred_at, day
      ),
      days AS (
        INSERT INTO event_user_days (org_id, day, user_id)
        SELECT DISTINCT ${orgId}::uuid, day, user_id FROM ins ORDER BY day, user_id
        ON CONFLICT DO NOTHING
      ),
      users AS (
        INSERT INTO event_users (org_id, user_id, first_day, first_seen_at, activated_day)
        SELECT ${orgId}::uuid, user_id, min(day), min(occurred_at),
          min(day) FILTER (WHERE name IN (SELECT name FROM activation))
        FROM ins GROUP BY user_id ORDER BY user_id
        ON CONFLICT (org_id, user_id) DO UPDATE SET
          first_day = LEAST(event_users.first_day, excluded.first_day),
          first_seen_at = LEAST(event_users.first_seen_at, excluded.first_seen_at),
          activated_day = LEAST(event_users.activated_day, excluded.activated_day)
        WHERE excluded.first_seen_at < event_users.first_seen_at
          OR excluded.activated_day < event_users.activated_day
          OR (event_users.activated_day IS NULL AND excluded.activated_day IS NOT NULL)
      )
      SELECT count(*) AS accepted FROM ins`,
  );
  return toNumber(row?.accepted) ?? 0;
}

/**
 * Recomputes the org's event days and both rollups from its stored events: after the org's timezone
 * changed (stored days are in the old one) or its activation events did (activation days were decided
 * with the old names as events arrived). Scans every raw event of the org once, set-based, in one
 * transaction; batches arriving meanwhile wait for it (they hold the same lock shared).
 */
export async function rebuildEventRollups(db: Db, { orgId, timezone, activationEvents = [] }: EventsTarget) {
  await db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${rollupLockKey(orgId)})`);
    await tx.execute(sql`
      UPDATE product_events SET day = (occurred_at AT TIME ZONE ${timezone})::date
      WHERE org_id = ${orgId} AND day <> (occurred_at AT TIME ZONE ${timezone})::date`);
    await tx.execute(sql`DELETE FROM event_user_days WHERE org_id = ${orgId}`);
    await tx.execute(sql`
      INSERT INTO event_user_days (org_id, day, user_id)
      SELECT DISTINCT org_id, day, user_id FROM product_events WHERE org_id = ${orgId}`);
    await tx.execute(sql`DELETE FROM event_users WHERE org_id = ${orgId}`);
    await tx.execute(sql`
      INSERT INTO event_users (org_id, user_id, first_day, first_seen_at, activated_day)
      SELECT org_id, user_id, min(day), min(occurred_at),
        min(day) FILTER (WHERE name IN (SELECT jsonb_array_elements_text(${JSON.stringify(activationEvents)}::jsonb)))
      FROM product_events WHERE org_id = ${orgId}
      GROUP BY org_id, user_id`);
  });
}

/** Advisory lock of one org's rollups: writers share it, a rebuild holds it alone. */
const rollupLockKey = (orgId: string) => sql`hashtextextended(${`meridian:event-rollups:${orgId}`}, 0)`;

/** Deadlock or serialization failure, on postgres.js or PGlite, possibly wrapped by drizzle. */
const isRetryable = (error: unknown) => dbErrorWith(error, "40P01", "40001") !== undefined;
