import { addMonths, monthDiff, type RevenueFilters, ZMonth } from "@/db/queries/revenue-filters";
import { parseFilters } from "@/db/queries/revenue-json";

/*
 * The ARR dashboard's view lives in its URL (so a view can be bookmarked and shared): a month range
 * (preset 6/12/24 months or year to date, ending at the report month, or a custom from/to) and the revenue
 * filters (`plan`, `country`, `segment`, `industry`, as the metrics API names them). The KPIs are those of
 * the range's last month.
 */

export const RANGE_PRESETS = ["6", "12", "24", "ytd", "custom"] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];
export const RANGE_LABELS: Record<RangePreset, string> = {
  "6": "Last 6 months",
  "12": "Last 12 months",
  "24": "Last 24 months",
  ytd: "Year to date",
  custom: "Custom",
};

/** A custom range longer than this is cut at its start: a wider chart would not be readable. */
export const MAX_RANGE_MONTHS = 120;

export type DashboardParams = {
  range: RangePreset;
  from: string;
  to: string;
  filters: Required<RevenueFilters>;
};

export type SearchParams = Record<string, string | string[] | undefined>;

const all = (sp: SearchParams, name: string): string[] => {
  const v = sp[name];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
};
const one = (sp: SearchParams, name: string) => all(sp, name)[0]?.trim() ?? "";

/**
 * The view from the query string. `reportMonth` is the last month with data (the default end); a custom
 * `to` after it is cut to it, a reversed custom range is swapped, and anything unreadable falls back to
 * the 12-month preset rather than failing the page.
 */
export function parseDashboardParams(sp: SearchParams, reportMonth: string): DashboardParams {
  const f = parseFilters((name) => all(sp, name));
  const filters = {
    plans: f.plans ?? [],
    countries: f.countries ?? [],
    segments: f.segments ?? [],
    industries: f.industries ?? [],
  };
  const asked = one(sp, "range");
  const range: RangePreset = (RANGE_PRESETS as readonly string[]).includes(asked)
    ? (asked as RangePreset)
    : "12";
  if (range === "custom") {
    const from = ZMonth.safeParse(one(sp, "from"));
    const to = ZMonth.safeParse(one(sp, "to"));
    if (from.success || to.success) {
      let end = to.success && to.data < reportMonth ? to.data : reportMonth;
      let start = from.success ? from.data : addMonths(end, -11);
      if (start > end) [start, end] = [end, start];
      if (monthDiff(start, end) >= MAX_RANGE_MONTHS) start = addMonths(end, -(MAX_RANGE_MONTHS - 1));
      return { range, from: start, to: end, filters };
    }
    return { range: "12", from: addMonths(reportMonth, -11), to: reportMonth, filters };
  }
  if (range === "ytd") return { range, from: `${reportMonth.slice(0, 4)}-01`, to: reportMonth, filters };
  return { range, from: addMonths(reportMonth, -(Number(range) - 1)), to: reportMonth, filters };
}

/** The query string of a view (without `?`), leaving out defaults; `month` etc. can be added by callers. */
export function dashboardQuery(p: DashboardParams): string {
  const q = new URLSearchParams();
  if (p.range !== "12") q.set("range", p.range);
  if (p.range === "custom") {
    q.set("from", p.from);
    q.set("to", p.to);
  }
  const names = [
    ["plan", p.filters.plans],
    ["country", p.filters.countries],
    ["segment", p.filters.segments],
    ["industry", p.filters.industries],
  ] as const;
  for (const [name, values] of names) if (values.length) q.set(name, values.join(","));
  return q.toString();
}

/** `path?query`, or just `path` when the query is empty. */
export const withQuery = (path: string, query: string) => (query ? `${path}?${query}` : path);

export const hasFilters = (p: DashboardParams) => Object.values(p.filters).some((v) => v.length > 0);
