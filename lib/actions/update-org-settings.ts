"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { updateOrgSettings } from "@/lib/orgs/organizations";
import { ZCurrency, ZOrgName, ZTimeZone } from "@/lib/orgs/validation";
import { action } from "./safe-action";

const ZSettings = z.object({ name: ZOrgName, currency: ZCurrency, timezone: ZTimeZone });

export const updateOrgSettingsAction = action(
  { access: { role: "admin" }, schema: ZSettings },
  async (input, { db, org, user }) => {
    await updateOrgSettings(db, { orgId: org.id, actorUserId: user.id, ...input });
    revalidatePath(`/${org.slug}`, "layout");
    return { ok: true as const, data: undefined, message: "Settings saved." };
  },
);
