// GET /api/v1/org – the organisation the caller acts for (API key's org, or ?org= with a session) and the caller's role.
import { apiHandler } from "@/lib/api/handler";

export const GET = apiHandler({ role: "viewer" }, async ({ org, role, user }) => ({
  id: org.id,
  slug: org.slug,
  name: org.name,
  currency: org.currency,
  timezone: org.timezone,
  role,
  via: user ? "session" : "api_key",
}));
