"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { rebuildRevenue } from "@/lib/metrics/derive";
import { updateMetricPolicy } from "@/lib/orgs/organizations";
import { action } from "./safe-action";

const ZPolicy = z.object({
  grossMarginPercent: z.coerce.number().min(0, "Use 0–100.").max(100, "Use 0–100."),
  // Empty means "never": past-due items count until cancelled (MRR-1's default).
  pastDueChurnAfterDays: z
    .string()
    .trim()
    .transform((v) => (v === "" ? null : Number(v)))
    .pipe(z.number().int("Use whole days.").min(0, "Use 0 or more days.").max(3650).nullable()),
});

export const updateMetricPolicyAction = action(
  { access: { role: "admin" }, schema: ZPolicy },
  async (policy, { db, org, user }) => {
    const { rebuildNeeded } = await db.transaction(async (tx) => {
      const result = await updateMetricPolicy(tx, { orgId: org.id, actorUserId: user.id, policy });
      if (result.rebuildNeeded) await rebuildRevenue(tx, org.id);
      return result;
    });
    revalidatePath(`/${org.slug}`, "layout");
    return {
      ok: true as const,
      data: undefined,
      message: rebuildNeeded ? "Metric policy saved; revenue history recomputed." : "Metric policy saved.",
    };
  },
);
