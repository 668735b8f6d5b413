"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { inviteMember } from "@/lib/orgs/invitations";
import { ZRole } from "@/lib/orgs/validation";
import { action } from "./safe-action";

export const inviteMemberAction = action(
  {
    access: { role: "admin" },
    schema: z.object({ email: z.string().trim().min(1, "Enter an email."), role: ZRole }),
  },
  async (input, { db, org, user, role }) => {
    await inviteMember(db, {
      orgId: org.id,
      actor: { userId: user.id, role },
      email: input.email,
      role: input.role,
    });
    revalidatePath(`/${org.slug}/settings/members`);
    return { ok: true as const, data: undefined, message: `Invitation sent to ${input.email}.` };
  },
);
