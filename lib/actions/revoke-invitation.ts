"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { revokeInvitation } from "@/lib/orgs/invitations";
import { action } from "./safe-action";

export const revokeInvitationAction = action(
  { access: { role: "admin" }, schema: z.object({ invitationId: z.uuid() }) },
  async (input, { db, org, user }) => {
    await revokeInvitation(db, { orgId: org.id, actorUserId: user.id, invitationId: input.invitationId });
    revalidatePath(`/${org.slug}/settings/members`);
    return { ok: true as const, data: undefined, message: "Invitation revoked." };
  },
);
