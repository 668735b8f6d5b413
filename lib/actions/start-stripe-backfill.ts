"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { sendEvent, stripeBackfillRequested } from "@/inngest";
import { audit } from "@/lib/audit";
import { startBackfill } from "@/lib/stripe/backfill";
import { getStripeConnectionView } from "@/lib/stripe/connection";
import { action } from "./safe-action";

/** Starts the org's Stripe backfill, or resumes the unfinished one. */
export const startStripeBackfillAction = action(
  { access: { role: "admin" }, schema: z.object({}) },
  async (_input, { db, org, user, ip }) => {
    if (!(await getStripeConnectionView(db, org.id))) {
      return { ok: false as const, status: 422, error: "Connect Stripe first." };
    }
    const { backfillId, resumed } = await startBackfill(db, org.id);
    await sendEvent(stripeBackfillRequested.create({ orgId: org.id, backfillId }));
    await audit(db, {
      orgId: org.id,
      actorUserId: user.id,
      action: resumed ? "stripe.backfill_resumed" : "stripe.backfill_started",
      target: backfillId,
      ip,
    });
    revalidatePath(`/${org.slug}/settings/stripe`);
    return {
      ok: true as const,
      data: undefined,
      message: resumed ? "Backfill resumed where it stopped." : "Backfill started.",
    };
  },
);
