import type { Metadata } from "next";
import { Suspense } from "react";
import { BridgeSection } from "@/components/arr/bridge-section";
import { CohortsSection } from "@/components/arr/cohorts-section";
import { arrHref } from "@/components/arr/context";
import { ArrEmptyState } from "@/components/arr/empty-state";
import { FiltersForm } from "@/components/arr/filters-form";
import { ImportNoticeBanner } from "@/components/arr/import-notice";
import { KpiCards } from "@/components/arr/kpi-cards";
import { SectionSkeleton } from "@/components/arr/section";
import { TopCustomersSection } from "@/components/arr/top-customers";
import { TrendSection } from "@/components/arr/trend-section";
import { loadArrView } from "@/components/arr/view";
import { PageHeader } from "@/components/ui/card";
import { getDb } from "@/db/client";
import { getFilterOptions, getImportNotice } from "@/db/queries/revenue-dashboard";
import { formatMonthLabel } from "@/lib/arr/format";
import { RANGE_LABELS, type SearchParams } from "@/lib/arr/params";

export const metadata: Metadata = { title: "ARR" };

export default async function ArrPage({
  params,
  searchParams,
}: {
  params: Promise<{ orgSlug: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { orgSlug } = await params;
  const { ctx, role, empty } = await loadArrView(orgSlug, await searchParams, `/${orgSlug}/arr`);
  const { org, view } = ctx;
  const db = getDb();
  const [notice, options] = await Promise.all([
    getImportNotice(db, { orgId: org.id }),
    empty ? null : getFilterOptions(db, { orgId: org.id }),
  ]);
  const banner = notice && <ImportNoticeBanner orgSlug={org.slug} notice={notice} />;
  if (!options) {
    return (
      <div className="space-y-6">
        <PageHeader title="ARR" />
        {banner}
        <ArrEmptyState orgSlug={org.slug} role={role} />
      </div>
    );
  }
  // Keys by view: Suspense shows its fallbacks again when the view changes, instead of stale numbers.
  const key = ctx.query;
  return (
    <div className="space-y-6">
      <PageHeader
        title="ARR"
        description={`${RANGE_LABELS[view.range]}: ${formatMonthLabel(view.from)} – ${formatMonthLabel(view.to)}, in ${org.currency}.`}
      />
      {banner}
      {/* Keyed by the view: uncontrolled fields would keep the previous view's values after a client navigation. */}
      <FiltersForm key={key} action={arrHref({ ...ctx, query: "" })} view={view} options={options} />
      <Suspense key={`kpis-${key}`} fallback={<SectionSkeleton title="Key metrics" height="h-40" />}>
        <KpiCards ctx={ctx} />
      </Suspense>
      {/* Side by side only when the top customers' five columns fit beside the chart. */}
      <div className="grid gap-6 2xl:grid-cols-2">
        <Suspense key={`trend-${key}`} fallback={<SectionSkeleton title="MRR trend" height="h-64" />}>
          <TrendSection ctx={ctx} />
        </Suspense>
        <Suspense key={`top-${key}`} fallback={<SectionSkeleton title="Top customers" height="h-64" />}>
          <TopCustomersSection ctx={ctx} />
        </Suspense>
      </div>
      <Suspense
        key={`bridge-${key}`}
        fallback={<SectionSkeleton title="MRR movements and bridge" height="h-72" />}
      >
        <BridgeSection ctx={ctx} />
      </Suspense>
      <Suspense key={`cohorts-${key}`} fallback={<SectionSkeleton title="Cohort retention" />}>
        <CohortsSection ctx={ctx} />
      </Suspense>
    </div>
  );
}
