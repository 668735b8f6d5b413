import { dashboardDefinitions } from "@/lib/snapshots/metrics";

/** The METRICS.md definitions behind this page's numbers, generated from the ids the metrics cite. */
export function Definitions() {
  const defs = dashboardDefinitions();
  return (
    <section
      aria-labelledby="definitions-title"
      className="rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200"
    >
      <h2 id="definitions-title" className="text-base font-semibold text-slate-900">
        Definitions
      </h2>
      <p className="mt-1 text-sm text-slate-600">
        How each number is computed, by the id the code and its tests cite. Revenue on a day follows MRR-2;
        rates and new/churned counts are the day’s month to date; import jobs are the day’s runs; Stripe
        subscription counts are recorded for the latest day only.
      </p>
      <dl className="mt-3 grid gap-x-6 gap-y-2 text-sm md:grid-cols-2">
        {defs.map((d) => (
          <div key={d.id}>
            <dt className="font-mono text-xs font-semibold text-slate-800">{d.id}</dt>
            <dd className="text-slate-700">{d.text}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
