// DELETE /api/v1/api-keys/:id?org=<slug> – revoke one of the org's API keys (owners and admins, signed in).
import { apiHandler } from "@/lib/api/handler";
import { revokeApiKey } from "@/lib/api-keys";
import { notFound } from "@/lib/errors";

export const DELETE = apiHandler<never, never, { id: string }>(
  { role: "admin", sessionOnly: true },
  async ({ db, org, user, params }) => {
    if (!/^[0-9a-f-]{36}$/i.test(params.id)) throw notFound("API key not found.");
    await revokeApiKey(db, { orgId: org.id, keyId: params.id, actorUserId: user?.id ?? null });
    return new Response(null, { status: 204 });
  },
);
