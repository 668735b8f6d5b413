"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { audit } from "@/lib/audit";
import { deleteStripeConnection } from "@/lib/stripe/connection";
import { action } from "./safe-action";

/** Forgets the key and secret; imported customers and items stay. */
export const disconnectStripeAction = action(
  { access: { role: "admin" }, schema: z.object({}) },
  async (_input, { db, org, user, ip }) => {
    await deleteStripeConnection(db, org.id);
    await audit(db, { orgId: org.id, actorUserId: user.id, action: "stripe.disconnected", ip });
    revalidatePath(`/${org.slug}/settings/stripe`);
    return { ok: true as const, data: undefined, message: "Stripe disconnected; imported data is kept." };
  },
);
