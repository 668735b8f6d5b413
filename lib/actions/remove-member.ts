"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { removeMember } from "@/lib/orgs/members";
import { action } from "./safe-action";

export const removeMemberAction = action(
  { access: { role: "admin" }, schema: z.object({ userId: z.uuid() }) },
  async (input, { db, org, user, role }) => {
    await removeMember(db, { orgId: org.id, actor: { userId: user.id, role }, userId: input.userId });
    revalidatePath(`/${org.slug}/settings/members`);
    return { ok: true as const, data: undefined, message: "Member removed." };
  },
);
