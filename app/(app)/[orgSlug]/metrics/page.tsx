import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { AlertsPanel } from "@/components/metrics/alerts-panel";
import { BackfillPanel } from "@/components/metrics/backfill-panel";
import { Definitions } from "@/components/metrics/definitions";
import { RetentionHeatmap } from "@/components/metrics/retention-heatmap";
import { SeriesSection } from "@/components/metrics/series-section";
import { SummaryTiles } from "@/components/metrics/summary-tiles";
import { ActionForm } from "@/components/ui/action-form";
import { PageHeader } from "@/components/ui/card";
import { AutoRefresh } from "@/components/uploads/auto-refresh";
import { getDb } from "@/db/client";
import { getLatestSnapshots } from "@/db/queries/snapshots";
import { computeSnapshotNow } from "@/lib/actions/executive-metrics";
import { clientIp } from "@/lib/auth/auth";
import { requireOrgPage } from "@/lib/auth/org-context";
import { formatDateTime } from "@/lib/format";
import { listAlerts } from "@/lib/snapshots/alerts";
import { listBackfills } from "@/lib/snapshots/backfill";
import { listEngagementCohorts } from "@/lib/snapshots/cohorts";
import { addDays, lastCompleteDay } from "@/lib/snapshots/dates";
import { parseMetricsView } from "@/lib/snapshots/view";
import { auditMetricsView } from "@/lib/snapshots/view-audit";

export const metadata: Metadata = { title: "Executive metrics" };

/** Re-renders every 30 s (router.refresh): new snapshots, alerts and backfill progress without a reload. */
const REFRESH_MS = 30_000;

export default async function MetricsPage({
  params,
  searchParams,
}: {
  params: Promise<{ orgSlug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { orgSlug } = await params;
  // Owners and admins only; anyone else gets the same 404 as a page that does not exist.
  const { org, user } = await requireOrgPage(orgSlug, "admin", `/${orgSlug}/metrics`);
  const db = getDb();
  const [[latest, previous], alerts, backfills, cohorts] = await Promise.all([
    getLatestSnapshots(db, { orgId: org.id, limit: 2 }),
    listAlerts(db, { orgId: org.id }),
    listBackfills(db, { orgId: org.id }),
    listEngagementCohorts(db, { orgId: org.id }),
    auditMetricsView(db, { orgId: org.id, userId: user.id, ip: clientIp(await headers()) }),
  ]);
  const lastDay = lastCompleteDay(org.timezone);
  const view = parseMetricsView(await searchParams, latest?.date ?? lastDay);
  const running = backfills.some((b) => b.status === "running");
  return (
    <div className="space-y-6">
      <AutoRefresh ms={running ? 3_000 : REFRESH_MS} />
      <div className="flex flex-wrap items-start justify-between gap-4">
        <PageHeader
          title="Executive metrics"
          description={
            latest ? (
              <>
                Last updated: snapshot of <strong>{latest.date}</strong> ({org.timezone}), computed{" "}
                {formatDateTime(latest.computedAt)}. Snapshots are taken nightly at 01:00 UTC.
              </>
            ) : (
              "No snapshot yet: compute one now, or backfill past days below. Snapshots are taken nightly at 01:00 UTC."
            )
          }
        />
        <div className="flex flex-wrap items-center gap-3">
          <ActionForm
            action={computeSnapshotNow}
            hidden={{ orgSlug: org.slug }}
            submitLabel="Compute today’s snapshot now"
            pendingLabel="Queuing…"
          />
          <Link
            href={`/${org.slug}/metrics/settings`}
            className="text-sm font-medium text-indigo-700 hover:underline"
          >
            Thresholds and finance inputs
          </Link>
        </div>
      </div>
      <AlertsPanel orgSlug={org.slug} alerts={alerts} />
      {latest && <SummaryTiles latest={latest} previous={previous} />}
      <SeriesSection org={org} view={view} />
      <RetentionHeatmap orgSlug={org.slug} rows={cohorts.rows} stored={cohorts.stored} />
      <BackfillPanel
        orgSlug={org.slug}
        backfills={backfills}
        defaultFrom={addDays(lastDay, -89)}
        defaultTo={lastDay}
      />
      <Definitions />
    </div>
  );
}
