"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { audit } from "@/lib/audit";
import { saveStripeConnection, testStripeConnection } from "@/lib/stripe/connection";
import { maskSecret } from "@/lib/stripe/crypto";
import { action } from "./safe-action";

const ZConnect = z.object({
  apiKey: z
    .string()
    .trim()
    .regex(/^(rk|sk)_(live|test)_[A-Za-z0-9]+$/, "Paste a restricted key (rk_live_… or rk_test_…)."),
  webhookSecret: z
    .string()
    .trim()
    .regex(/^whsec_[A-Za-z0-9+/=]+$/, "Paste the endpoint's signing secret (whsec_…)."),
});

/** Stores the key and signing secret encrypted, then tests the key. Owners and admins only. */
export const connectStripeAction = action(
  { access: { role: "admin" }, schema: ZConnect },
  async (input, { db, org, user, ip }) => {
    await saveStripeConnection(db, { orgId: org.id, ...input });
    await audit(db, {
      orgId: org.id,
      actorUserId: user.id,
      action: "stripe.connected",
      target: maskSecret(input.apiKey),
      ip,
    });
    const test = await testStripeConnection(db, org.id);
    revalidatePath(`/${org.slug}/settings/stripe`);
    return {
      ok: true as const,
      data: undefined,
      message: test.ok ? "Stripe connected; the key works." : `Saved, but the test failed: ${test.error}`,
    };
  },
);
