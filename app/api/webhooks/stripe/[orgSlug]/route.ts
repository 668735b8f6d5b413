// POST /api/webhooks/stripe/[orgSlug] – Stripe webhooks: verify the signature, record the event once,
// queue the convergent sync of the customer it concerns (lib/stripe/webhook.ts)
import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { sendEvent, stripeCustomerSyncRequested } from "@/inngest";
import { handleStripeWebhook } from "@/lib/stripe/webhook";

export async function POST(req: Request, { params }: { params: Promise<{ orgSlug: string }> }) {
  const { orgSlug } = await params;
  // The signature covers the exact bytes Stripe sent: read the body as text, never re-serialised JSON.
  const payload = await req.text();
  const reply = await handleStripeWebhook(getDb(), {
    orgSlug,
    payload,
    signature: req.headers.get("stripe-signature"),
    enqueue: (requests) => sendEvent(requests.map((r) => stripeCustomerSyncRequested.create(r))),
  });
  return NextResponse.json(reply.body, { status: reply.status });
}
