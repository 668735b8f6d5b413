// GET|POST /api/v1/api-keys?org=<slug> – list or create the org's API keys (owners and admins, signed in).
import { z } from "zod";
import { apiHandler } from "@/lib/api/handler";
import { createApiKey, listApiKeys } from "@/lib/api-keys";

export const GET = apiHandler({ role: "admin", sessionOnly: true }, async ({ db, org }) => ({
  data: await listApiKeys(db, org.id),
}));

export const POST = apiHandler(
  { role: "admin", sessionOnly: true, body: z.object({ name: z.string().trim().min(1).max(80) }) },
  async ({ db, org, user, body }) => {
    const { key, apiKey } = await createApiKey(db, {
      orgId: org.id,
      name: body.name,
      createdBy: user?.id ?? null,
    });
    return Response.json({ ...apiKey, key }, { status: 201 });
  },
);
