import { and, eq } from "drizzle-orm";
import Stripe from "stripe";
import type { Db } from "@/db/client";
import { organizations, stripeConnections, stripeEvents } from "@/db/schema";
import { decryptSecret } from "./crypto";
import { customersUsing, recordPaymentFailure } from "./store";
import { refId } from "./types";

/*
 * Stripe → /api/webhooks/stripe/<org slug>. The org's signing secret verifies the raw body; a bad or
 * missing signature is a 400 with nothing stored. A verified event we act on is recorded under
 * (org, event id), so a replay is a 200 that does nothing, and enqueues `stripe-sync-customer` for the
 * customer(s) it concerns, with ids only. Event types we do not use get a 200 too, so Stripe stops
 * sending them again.
 */

const RELEVANT = [
  /^customer\.(created|updated|deleted)$/,
  /^customer\.subscription\./,
  /^customer\.discount\./,
  /^invoice\./,
  /^price\./,
  /^plan\./,
  /^product\./,
  /^charge\.refund(ed|\.updated)$/,
  /^refund\./,
  /^credit_note\./,
  /^subscription_schedule\./,
];

export const isRelevantEvent = (type: string) => RELEVANT.some((r) => r.test(type));

export type SyncRequest = { orgId: string; stripeCustomerId: string };

type Reply = { status: number; body: Record<string, unknown> };

export async function handleStripeWebhook(
  db: Db,
  {
    orgSlug,
    payload,
    signature,
    enqueue,
  }: {
    orgSlug: string;
    payload: string;
    signature: string | null;
    enqueue: (requests: SyncRequest[]) => Promise<unknown>;
  },
): Promise<Reply> {
  const [org] = await db
    .select({ id: organizations.id, secret: stripeConnections.webhookSecretEncrypted })
    .from(organizations)
    .innerJoin(stripeConnections, eq(stripeConnections.orgId, organizations.id))
    .where(eq(organizations.slug, orgSlug));
  if (!org) return { status: 404, body: { error: "Not found." } };
  if (!signature) return { status: 400, body: { error: "Missing Stripe-Signature header." } };

  let event: Stripe.Event;
  try {
    event = Stripe.webhooks.constructEvent(payload, signature, decryptSecret(org.secret, org.id));
  } catch {
    return { status: 400, body: { error: "Webhook signature verification failed." } };
  }
  if (!isRelevantEvent(event.type)) return { status: 200, body: { received: true, ignored: true } };

  const object = event.data.object as unknown as { id: string; object?: string; customer?: unknown };
  let customerIds: string[];
  if (object.object === "customer") customerIds = [object.id];
  else if (object.object === "price" || object.object === "plan")
    customerIds = await customersUsing(db, org.id, { priceId: object.id });
  else if (object.object === "product")
    customerIds = await customersUsing(db, org.id, { productId: object.id });
  else {
    const id = refId(object.customer as string | { id: string } | null);
    customerIds = id ? [id] : [];
  }

  const [recorded] = await db
    .insert(stripeEvents)
    .values({
      orgId: org.id,
      eventId: event.id,
      type: event.type,
      stripeCustomerId: customerIds.length === 1 ? (customerIds[0] ?? null) : null,
      createdAt: new Date(event.created * 1000),
    })
    .onConflictDoNothing()
    .returning({ id: stripeEvents.id });
  if (!recorded) return { status: 200, body: { received: true, duplicate: true } };
  if (event.type === "invoice.payment_failed") {
    const invoice = object as unknown as { id: string; attempt_count?: number | null };
    await recordPaymentFailure(db, org.id, {
      invoiceId: invoice.id,
      attempt: invoice.attempt_count ?? 1,
      stripeCustomerId: customerIds[0] ?? null,
      failedAt: new Date(event.created * 1000),
    });
  }

  try {
    if (customerIds.length)
      await enqueue(customerIds.map((stripeCustomerId) => ({ orgId: org.id, stripeCustomerId })));
  } catch (error) {
    // Not recorded after all, so Stripe's retry of this event is not mistaken for a replay.
    await db
      .delete(stripeEvents)
      .where(and(eq(stripeEvents.orgId, org.id), eq(stripeEvents.id, recorded.id)));
    console.error("[stripe] could not enqueue the sync", error);
    return { status: 500, body: { error: "Could not queue the sync; Stripe will retry." } };
  }
  return { status: 200, body: { received: true, enqueued: customerIds.length } };
}
