"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { audit } from "@/lib/audit";
import { ZCurrency } from "@/lib/orgs/validation";
import { setFxRate } from "@/lib/revenue/fx";
import { action } from "./safe-action";

const ZRate = z.object({
  currency: ZCurrency,
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Use a date as YYYY-MM-DD."),
  rate: z
    .string()
    .trim()
    .regex(/^\d+(\.\d{1,10})?$/, "Use a positive decimal such as 1.0850 (up to 10 decimals).")
    .refine((v) => Number(v) > 0, "The rate must be above 0."),
});

/**
 * Adds or replaces a rate. It applies to items written from now on (MRR-1 converts at the rate in force
 * on an item's start date, fixed when the item is saved), so existing items keep their MRR.
 */
export const setFxRateAction = action(
  { access: { role: "admin" }, schema: ZRate },
  async (input, { db, org, user }) => {
    if (input.currency === org.currency) {
      return {
        ok: false as const,
        status: 422,
        error: `currency: ${org.currency} is the reporting currency; its rate is always 1.`,
      };
    }
    await setFxRate(db, { orgId: org.id, ...input });
    await audit(db, {
      orgId: org.id,
      actorUserId: user.id,
      action: "fx_rate.set",
      target: `${input.currency} ${input.date}`,
      metadata: { rate: input.rate },
    });
    revalidatePath(`/${org.slug}/settings/exchange-rates`);
    return {
      ok: true as const,
      data: undefined,
      message: `1 ${input.currency} = ${input.rate} ${org.currency} from ${input.date}.`,
    };
  },
);
