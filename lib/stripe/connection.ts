import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { stripeConnections } from "@/db/schema";
import { createStripeClient, getStripeSecrets } from "./client";
import { encryptSecret, maskSecret } from "./crypto";

/** Stores (or replaces) the org's Stripe key and webhook signing secret, encrypted. */
export async function saveStripeConnection(
  db: Db,
  { orgId, apiKey, webhookSecret }: { orgId: string; apiKey: string; webhookSecret: string },
) {
  const values = {
    apiKeyEncrypted: encryptSecret(apiKey, orgId),
    webhookSecretEncrypted: encryptSecret(webhookSecret, orgId),
    keyHint: maskSecret(apiKey),
    livemode: /_live_/.test(apiKey),
    accountId: null,
    lastTestedAt: null,
    lastTestError: null,
    updatedAt: new Date(),
  };
  await db
    .insert(stripeConnections)
    .values({ orgId, ...values })
    .onConflictDoUpdate({ target: stripeConnections.orgId, set: values });
}

export async function deleteStripeConnection(db: Db, orgId: string) {
  await db.delete(stripeConnections).where(eq(stripeConnections.orgId, orgId));
}

/** What the settings page shows: never a secret, only the masked key. */
export async function getStripeConnectionView(db: Db, orgId: string) {
  const [row] = await db
    .select({
      keyHint: stripeConnections.keyHint,
      livemode: stripeConnections.livemode,
      lastTestedAt: stripeConnections.lastTestedAt,
      lastTestError: stripeConnections.lastTestError,
      updatedAt: stripeConnections.updatedAt,
    })
    .from(stripeConnections)
    .where(eq(stripeConnections.orgId, orgId));
  return row ?? null;
}

/** Why a connection test failed, in the words a person acts on: the key, the network, or Stripe. */
export function describeTestFailure(e: unknown): string {
  const { type, message } = (e ?? {}) as { type?: string; message?: string };
  const detail = message ?? String(e);
  if (type === "StripeAuthenticationError") return `Stripe refused the key: ${detail}`;
  if (type === "StripePermissionError") {
    return `The key may not read customers and subscriptions: ${detail}`;
  }
  if (type === "StripeConnectionError") return `Could not reach Stripe: ${detail}`;
  return `Stripe answered with an error: ${detail}`;
}

/**
 * "Test connection": the key must read customers and subscriptions (what the sync needs; a restricted
 * key often cannot read the account itself). The outcome is kept for the settings page.
 */
export async function testStripeConnection(
  db: Db,
  orgId: string,
  options: { apiBase?: string } = {},
): Promise<{ ok: true } | { ok: false; error: string }> {
  const { apiKey } = await getStripeSecrets(db, orgId);
  const stripe = createStripeClient(apiKey, options);
  let error: string | null = null;
  try {
    await stripe.customers.list({ limit: 1 });
    await stripe.subscriptions.list({ limit: 1, status: "all" });
  } catch (e) {
    error = describeTestFailure(e);
  }
  await db
    .update(stripeConnections)
    .set({ lastTestedAt: new Date(), lastTestError: error })
    .where(eq(stripeConnections.orgId, orgId));
  return error ? { ok: false, error } : { ok: true };
}
