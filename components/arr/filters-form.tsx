import Link from "next/link";
import type { FilterOptions } from "@/db/queries/revenue-dashboard";
import { type DashboardParams, hasFilters, RANGE_LABELS, RANGE_PRESETS } from "@/lib/arr/params";

const field =
  "mt-1 block w-full rounded-md border-0 px-2 py-1.5 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:outline-none focus:ring-2 focus:ring-inset focus:ring-indigo-600";
const label = "block text-xs font-medium text-slate-700";

/**
 * The dashboard's view as a plain GET form: submitting it puts the range and filters in the URL (no
 * script needed, every control reachable with Tab). From/To apply with the "Custom" range.
 */
export function FiltersForm({
  action,
  view,
  options,
}: {
  action: string;
  view: DashboardParams;
  options: FilterOptions;
}) {
  const selects = [
    {
      name: "plan",
      label: "Plan",
      value: view.filters.plans[0] ?? "",
      choices: options.plans.map((p) => ({ value: p.externalId, label: p.name })),
    },
    {
      name: "country",
      label: "Country",
      value: view.filters.countries[0] ?? "",
      choices: options.countries.map((c) => ({ value: c, label: c })),
    },
    {
      name: "segment",
      label: "Segment",
      value: view.filters.segments[0] ?? "",
      choices: options.segments.map((c) => ({ value: c, label: c })),
    },
    {
      name: "industry",
      label: "Industry",
      value: view.filters.industries[0] ?? "",
      choices: options.industries.map((c) => ({ value: c, label: c })),
    },
  ];
  return (
    <search className="block rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200">
      <form
        method="get"
        action={action}
        aria-label="Dashboard filters"
        className="grid grid-cols-2 items-end gap-3 sm:grid-cols-4 2xl:grid-cols-8"
      >
        <div className="col-span-2 sm:col-span-1">
          <label htmlFor="arr-range" className={label}>
            Range
          </label>
          <select id="arr-range" name="range" defaultValue={view.range} className={field}>
            {RANGE_PRESETS.map((r) => (
              <option key={r} value={r}>
                {RANGE_LABELS[r]}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="arr-from" className={label}>
            From <span className="font-normal text-slate-500">(custom)</span>
          </label>
          <input id="arr-from" name="from" type="month" defaultValue={view.from} className={field} />
        </div>
        <div>
          <label htmlFor="arr-to" className={label}>
            To <span className="font-normal text-slate-500">(custom)</span>
          </label>
          <input id="arr-to" name="to" type="month" defaultValue={view.to} className={field} />
        </div>
        {selects.map((s) => (
          <div key={s.name}>
            <label htmlFor={`arr-${s.name}`} className={label}>
              {s.label}
            </label>
            <select id={`arr-${s.name}`} name={s.name} defaultValue={s.value} className={field}>
              <option value="">All</option>
              {s.choices.map((c) => (
                <option key={c.value} value={c.value}>
                  {c.label}
                </option>
              ))}
            </select>
          </div>
        ))}
        <div className="col-span-2 flex items-center gap-3 sm:col-span-1">
          <button
            type="submit"
            className="rounded-md bg-indigo-600 px-3 py-2 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
          >
            Apply
          </button>
          {(hasFilters(view) || view.range !== "12") && (
            <Link href={action} className="text-sm text-indigo-700 underline">
              Reset
            </Link>
          )}
        </div>
      </form>
    </search>
  );
}
