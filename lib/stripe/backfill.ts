import { and, desc, eq, isNull, ne, sql } from "drizzle-orm";
import type Stripe from "stripe";
import type { Db } from "@/db/client";
import { type StripeBackfill, type StripeBackfillPhase, stripeBackfills } from "@/db/schema";
import { notFound } from "@/lib/errors";
import { updateRevenueForCustomers } from "@/lib/metrics/derive";
import { fetchCoupons, fetchPrices, listCustomersPage, listInvoicesPage, listSubscriptionsPage } from "./api";
import { stripeForOrg } from "./client";
import { mapSubscription } from "./mapping";
import { rateLimitWait } from "./rate-limit";
import { applySubscription, customerIdFor, ensureCustomer, loadInvoiceFacts, upsertInvoices } from "./store";
import { refId } from "./types";

/*
 * The backfill walks customers, then invoices, then subscriptions (all statuses), one page per call:
 * invoices first, so each subscription is mapped with its billing history (history.ts) from the stored
 * invoices.
 * A page's writes, its counts and the cursor move commit in one transaction, guarded by the cursor it
 * started from, so a stopped run resumes after the last finished page and nothing is counted twice.
 * A 429 is not retried here: the page reports how long to wait, and the job sleeps (step.sleep).
 */

const NEXT: Record<StripeBackfillPhase, StripeBackfillPhase> = {
  customers: "invoices",
  invoices: "subscriptions",
  subscriptions: "done",
  done: "done",
};

export type PageResult =
  | { done: true; backfill: Pick<StripeBackfill, "customers" | "subscriptions" | "invoices"> }
  | { done: false; phase: StripeBackfillPhase; retryAfterMs: number | null };

/** The org's unfinished backfill resumes; otherwise a new one starts. */
export async function startBackfill(
  db: Db,
  orgId: string,
): Promise<{ backfillId: string; resumed: boolean }> {
  const [open] = await db
    .select()
    .from(stripeBackfills)
    .where(and(eq(stripeBackfills.orgId, orgId), isNull(stripeBackfills.finishedAt)))
    .orderBy(desc(stripeBackfills.startedAt))
    .limit(1);
  if (open) {
    await db
      .update(stripeBackfills)
      .set({ status: "running", error: null, updatedAt: new Date() })
      .where(and(eq(stripeBackfills.orgId, orgId), eq(stripeBackfills.id, open.id)));
    return { backfillId: open.id, resumed: true };
  }
  const [row] = await db.insert(stripeBackfills).values({ orgId }).returning({ id: stripeBackfills.id });
  if (!row) throw new Error("could not start a backfill");
  return { backfillId: row.id, resumed: false };
}

export async function latestBackfill(db: Db, orgId: string) {
  const [row] = await db
    .select()
    .from(stripeBackfills)
    .where(eq(stripeBackfills.orgId, orgId))
    .orderBy(desc(stripeBackfills.startedAt))
    .limit(1);
  return row ?? null;
}

export async function failBackfill(
  db: Db,
  { orgId, backfillId, error }: { orgId: string; backfillId: string; error: string },
) {
  await db
    .update(stripeBackfills)
    .set({ status: "failed", error: error.slice(0, 2000), updatedAt: new Date() })
    .where(
      and(
        eq(stripeBackfills.orgId, orgId),
        eq(stripeBackfills.id, backfillId),
        ne(stripeBackfills.status, "succeeded"),
      ),
    );
}

async function load(db: Db, orgId: string, backfillId: string) {
  const [row] = await db
    .select()
    .from(stripeBackfills)
    .where(and(eq(stripeBackfills.orgId, orgId), eq(stripeBackfills.id, backfillId)));
  if (!row) throw notFound("Backfill not found.");
  return row;
}

/** Fetches and writes one page of the current phase. */
export async function runBackfillPage(
  db: Db,
  {
    orgId,
    backfillId,
    stripe,
    limit,
  }: { orgId: string; backfillId: string; stripe?: Stripe; limit?: number },
): Promise<PageResult> {
  const row = await load(db, orgId, backfillId);
  if (row.phase === "done") return { done: true, backfill: row };
  const client = stripe ?? (await stripeForOrg(db, orgId));
  const params = { startingAfter: row.cursor, limit };
  const once = { attempts: 1 };
  let write: (tx: Db) => Promise<{ n: number; last: string | null; more: boolean }>;
  try {
    if (row.phase === "customers") {
      const page = await listCustomersPage(client, params, once);
      write = async (tx) => {
        for (const c of page.data) await ensureCustomer(tx, orgId, c);
        return { n: page.data.length, last: page.data.at(-1)?.id ?? null, more: page.has_more };
      };
    } else if (row.phase === "subscriptions") {
      const page = await listSubscriptionsPage(client, params, once);
      const customerIds = [...new Set(page.data.flatMap((s) => refId(s.customer) ?? []))];
      const invoices = await loadInvoiceFacts(db, orgId, customerIds);
      const coupons = await fetchCoupons(client, page.data, once);
      const prices = await fetchPrices(client, page.data, invoices, new Map(), once);
      write = async (tx) => {
        const touched: string[] = [];
        for (const sub of page.data) {
          const mapped = mapSubscription(sub, coupons, { prices, invoices });
          const customerId = await customerIdFor(tx, orgId, mapped.stripeCustomerId);
          await applySubscription(tx, { orgId, customerId, mapped });
          touched.push(customerId);
        }
        await updateRevenueForCustomers(tx, orgId, touched);
        return { n: page.data.length, last: page.data.at(-1)?.id ?? null, more: page.has_more };
      };
    } else {
      const page = await listInvoicesPage(client, params, once);
      write = async (tx) => {
        await upsertInvoices(tx, orgId, page.data);
        return { n: page.data.length, last: page.data.at(-1)?.id ?? null, more: page.has_more };
      };
    }
  } catch (error) {
    const wait = rateLimitWait(error);
    if (wait === null) throw error;
    await db
      .update(stripeBackfills)
      .set({ rateLimited: sql`${stripeBackfills.rateLimited} + 1`, updatedAt: new Date() })
      .where(and(eq(stripeBackfills.orgId, orgId), eq(stripeBackfills.id, backfillId)));
    return { done: false, phase: row.phase, retryAfterMs: wait };
  }

  return db.transaction(async (tx) => {
    const { n, last, more } = await write(tx);
    const moveOn = !more || !last;
    const phase = moveOn ? NEXT[row.phase] : row.phase;
    const counter = row.phase as "customers" | "subscriptions" | "invoices";
    const [updated] = await tx
      .update(stripeBackfills)
      .set({
        phase,
        cursor: moveOn ? null : last,
        [counter]: sql`${stripeBackfills[counter]} + ${n}`,
        pages: sql`${stripeBackfills.pages} + 1`,
        status: phase === "done" ? "succeeded" : "running",
        finishedAt: phase === "done" ? new Date() : null,
        updatedAt: new Date(),
      })
      .where(
        and(
          eq(stripeBackfills.orgId, orgId),
          eq(stripeBackfills.id, backfillId),
          eq(stripeBackfills.phase, row.phase),
          row.cursor === null ? isNull(stripeBackfills.cursor) : eq(stripeBackfills.cursor, row.cursor),
        ),
      )
      .returning();
    // Another run moved the cursor first: roll this page back rather than count it twice.
    if (!updated) throw new Error("The backfill moved on while this page was written; it will be re-read.");
    if (updated.phase === "done") return { done: true as const, backfill: updated };
    return { done: false as const, phase: updated.phase, retryAfterMs: null };
  });
}
