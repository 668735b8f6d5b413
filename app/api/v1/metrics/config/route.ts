// GET/PATCH /api/v1/metrics/config – alert thresholds, recipients, finance inputs, gross margin and activation events (owners and admins).
import { apiHandler } from "@/lib/api/handler";
import { forbidden } from "@/lib/errors";
import { configJson, getMetricsConfig, updateMetricsConfig, ZConfigPatch } from "@/lib/snapshots/config";

export const GET = apiHandler({ role: "admin" }, async ({ db, org }) =>
  configJson(await getMetricsConfig(db, org.id), org.currency),
);

export const PATCH = apiHandler({ role: "admin", body: ZConfigPatch }, async ({ db, org, user, body }) => {
  if (!user) throw forbidden("Changing the configuration needs a signed-in owner or admin.");
  return configJson(
    await updateMetricsConfig(db, { orgId: org.id, userId: user.id, patch: body }),
    org.currency,
  );
});
