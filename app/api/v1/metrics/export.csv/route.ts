// GET /api/v1/metrics/export.csv?from&to – every daily snapshot metric of the range as CSV (formula-escaped).
import { z } from "zod";
import { snapshotsCsv } from "@/db/queries/snapshots";
import { apiHandler } from "@/lib/api/handler";
import { audit } from "@/lib/audit";
import { csvResponse, toCsv } from "@/lib/csv";
import { localDay } from "@/lib/snapshots/dates";
import { resolveRange, ZDay } from "@/lib/snapshots/range";

export const GET = apiHandler(
  { role: "admin", query: z.object({ from: ZDay.optional(), to: ZDay.optional() }) },
  async ({ db, org, query, user, apiKeyId, ip }) => {
    const { from, to } = resolveRange(query, localDay(org.timezone));
    const { header, rows } = await snapshotsCsv(db, { orgId: org.id, from, to });
    await audit(db, {
      orgId: org.id,
      actorUserId: user?.id ?? null,
      action: "metrics.exported",
      metadata: { from, to, rows: rows.length, ...(apiKeyId ? { apiKeyId } : {}) },
      ip,
    });
    return csvResponse(toCsv(header, rows), `${org.slug}-metrics-${from}-to-${to}.csv`);
  },
);
