import type { MovementKind } from "@/db/schema";
import { type DashboardParams, dashboardQuery, withQuery } from "@/lib/arr/params";

/** What every dashboard section needs: the org, the view from the URL, and the links that keep it. */
export type ArrContext = {
  org: { id: string; slug: string; currency: string };
  view: DashboardParams;
  /** The view's query string (without `?`), kept by every link. */
  query: string;
};

export function arrContext(org: ArrContext["org"], view: DashboardParams): ArrContext {
  return { org, view, query: dashboardQuery(view) };
}

export const arrHref = (c: ArrContext) => withQuery(`/${c.org.slug}/arr`, c.query);

export const drillBase = (c: ArrContext) => `/${c.org.slug}/arr/movements`;

/** The customers behind one movement (MOV-1 kind) of one month, under the view's filters. */
export const drillHref = (c: ArrContext, month: string, kind: MovementKind) =>
  withQuery(`${drillBase(c)}/${month}/${kind}`, c.query);

/** The customers of one cohort (COH-1) with their MRR at the end of `month` (c+k), under the view's filters. */
export const cohortHref = (c: ArrContext, cohort: string, month: string) =>
  withQuery(`/${c.org.slug}/arr/cohorts/${cohort}/${month}`, c.query);

/** The customers with MRR at the end of the view's last month (MRR, ARR, ARPA, active customers). */
export const customersHref = (c: ArrContext) => withQuery(`/${c.org.slug}/arr/customers`, c.query);

export const customerHref = (c: ArrContext, customerId: string) => `/${c.org.slug}/customers/${customerId}`;

/** A table's CSV export for the view (the session authenticates it; `org` names the organisation). */
export function exportHref(c: ArrContext, table: string, extra: Record<string, string> = {}) {
  const q = new URLSearchParams(c.query);
  q.set("org", c.org.slug);
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  return `/api/v1/arr/export/${table}?${q}`;
}
