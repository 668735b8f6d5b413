"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { revokeApiKey } from "@/lib/api-keys";
import { action } from "./safe-action";

export const revokeApiKeyAction = action(
  { access: { role: "admin" }, schema: z.object({ keyId: z.uuid() }) },
  async (input, { db, org, user }) => {
    await revokeApiKey(db, { orgId: org.id, keyId: input.keyId, actorUserId: user.id });
    revalidatePath(`/${org.slug}/settings/api-keys`);
    return { ok: true as const, data: undefined, message: "API key revoked." };
  },
);
