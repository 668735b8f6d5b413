"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { testStripeConnection } from "@/lib/stripe/connection";
import { action } from "./safe-action";

export const testStripeConnectionAction = action(
  { access: { role: "admin" }, schema: z.object({}) },
  async (_input, { db, org }) => {
    const result = await testStripeConnection(db, org.id);
    revalidatePath(`/${org.slug}/settings/stripe`);
    if (!result.ok) return { ok: false as const, status: 422, error: result.error };
    return { ok: true as const, data: undefined, message: "The key can read customers and subscriptions." };
  },
);
