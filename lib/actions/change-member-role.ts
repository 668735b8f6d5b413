"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { changeMemberRole } from "@/lib/orgs/members";
import { ZRole } from "@/lib/orgs/validation";
import { action } from "./safe-action";

export const changeMemberRoleAction = action(
  { access: { role: "admin" }, schema: z.object({ userId: z.uuid(), role: ZRole }) },
  async (input, { db, org, user, role }) => {
    await changeMemberRole(db, {
      orgId: org.id,
      actor: { userId: user.id, role },
      userId: input.userId,
      role: input.role,
    });
    revalidatePath(`/${org.slug}/settings/members`);
    return { ok: true as const, data: undefined, message: "Role changed." };
  },
);
