"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { createApiKey } from "@/lib/api-keys";
import { action } from "./safe-action";

export const createApiKeyAction = action(
  {
    access: { role: "admin" },
    schema: z.object({ name: z.string().trim().min(1, "Give the key a name.").max(80) }),
  },
  async (input, { db, org, user }) => {
    const { key, apiKey } = await createApiKey(db, { orgId: org.id, name: input.name, createdBy: user.id });
    revalidatePath(`/${org.slug}/settings/api-keys`);
    return {
      ok: true as const,
      data: { key, name: apiKey.name },
      message: "Copy this key now: it is shown only once.",
    };
  },
);
