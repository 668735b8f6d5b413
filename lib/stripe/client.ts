import { eq } from "drizzle-orm";
import Stripe from "stripe";
import type { Db } from "@/db/client";
import { stripeConnections } from "@/db/schema";
import { env } from "@/lib/env";
import { notFound } from "@/lib/errors";
import { decryptSecret } from "./crypto";

export type { Stripe };

/**
 * A Stripe client for one key. STRIPE_API_BASE (e.g. `http://127.0.0.1:12111`) sends it elsewhere than
 * api.stripe.com: tests point it at a local fake. The SDK retries connection errors, 409s and 5xx; 429s
 * are ours to back off from (lib/stripe/rate-limit.ts), since the SDK does not retry them.
 */
export function createStripeClient(apiKey: string, options: { apiBase?: string } = {}): Stripe {
  const base = options.apiBase ?? env().STRIPE_API_BASE;
  const config: Stripe.StripeConfig = { maxNetworkRetries: 2, timeout: 30_000, telemetry: false };
  if (base) {
    const url = new URL(base);
    config.protocol = url.protocol === "http:" ? "http" : "https";
    config.host = url.hostname;
    config.port = Number(url.port || (url.protocol === "http:" ? 80 : 443));
  }
  return new Stripe(apiKey, config);
}

/** The org's connection with its secrets decrypted; a missing connection is "not found". */
export async function getStripeSecrets(db: Db, orgId: string) {
  const [row] = await db.select().from(stripeConnections).where(eq(stripeConnections.orgId, orgId));
  if (!row) throw notFound("Stripe is not connected.");
  return {
    ...row,
    apiKey: decryptSecret(row.apiKeyEncrypted, orgId),
    webhookSecret: decryptSecret(row.webhookSecretEncrypted, orgId),
  };
}

export async function stripeForOrg(db: Db, orgId: string): Promise<Stripe> {
  const { apiKey } = await getStripeSecrets(db, orgId);
  return createStripeClient(apiKey);
}
