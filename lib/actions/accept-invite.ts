"use server";
import { redirect } from "next/navigation";
import { z } from "zod";
import { acceptInvitation } from "@/lib/orgs/invitations";
import { action } from "./safe-action";

export const acceptInviteAction = action(
  { access: "user", schema: z.object({ token: z.string().min(1) }) },
  async (input, { db, user }) => {
    const org = await acceptInvitation(db, { token: input.token, userId: user.id });
    redirect(`/${org.slug}`);
  },
);
