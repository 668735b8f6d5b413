import { ActionForm } from "@/components/ui/action-form";
import { recomputeCohorts } from "@/lib/actions/executive-metrics";
import type { listEngagementCohorts } from "@/lib/snapshots/cohorts";

type Row = Awaited<ReturnType<typeof listEngagementCohorts>>["rows"][number];

const WEEKS = [1, 4, 12] as const;

/** Blue shades by retention (colour-blind safe, text stays readable); grey where the week has not elapsed. */
function shade(rate: number | null): string {
  if (rate === null) return "bg-slate-50 text-slate-400";
  if (rate >= 0.6) return "bg-[#0072B2] text-white";
  if (rate >= 0.4) return "bg-[#3d8fc4] text-white";
  if (rate >= 0.2) return "bg-[#8fbfdf] text-slate-900";
  if (rate > 0) return "bg-[#d3e6f3] text-slate-900";
  return "bg-white text-slate-700";
}

/** ENG-3 week-1/4/12 user retention by monthly signup cohort, as computed by compute-monthly-cohorts. */
export function RetentionHeatmap({
  orgSlug,
  rows,
  stored,
}: {
  orgSlug: string;
  rows: Row[];
  stored: boolean;
}) {
  const asOf = rows[0]?.asOf;
  return (
    <section
      aria-labelledby="retention-title"
      className="rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200"
    >
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h2 id="retention-title" className="text-base font-semibold text-slate-900">
            User retention by signup month (ENG-3)
          </h2>
          <p className="mt-1 text-sm text-slate-600">
            A user is retained in week k with an event on days f+7k … f+7k+6 after their first event f; a week
            counts once it has fully elapsed.{" "}
            {asOf
              ? stored
                ? `Computed as of ${asOf}; recomputed on the 1st of each month.`
                : `Computed now, as of ${asOf}; stored by the monthly run on the 1st.`
              : ""}
          </p>
        </div>
        <ActionForm
          action={recomputeCohorts}
          hidden={{ orgSlug }}
          submitLabel="Recompute now"
          submitVariant="secondary"
        />
      </div>
      {rows.length === 0 ? (
        <p className="mt-3 text-sm text-slate-600">
          No product events yet: send them to POST /api/v1/events.
        </p>
      ) : (
        <div className="mt-3 overflow-x-auto">
          <table className="min-w-full text-sm">
            <caption className="sr-only">
              Week-1, week-4 and week-12 retention by signup cohort: retained of eligible users
            </caption>
            <thead className="text-left text-xs uppercase text-slate-500">
              <tr>
                <th className="py-1 pr-4">Cohort</th>
                <th className="py-1 pr-4 text-right">Users</th>
                {WEEKS.map((w) => (
                  <th key={w} className="px-2 py-1 text-center">
                    Week {w}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => {
                const cells = {
                  1: [r.week1Retained, r.week1Eligible],
                  4: [r.week4Retained, r.week4Eligible],
                  12: [r.week12Retained, r.week12Eligible],
                } as const;
                return (
                  <tr key={r.cohort}>
                    <th scope="row" className="py-1 pr-4 text-left font-medium tabular-nums">
                      {r.cohort.slice(0, 7)}
                    </th>
                    <td className="py-1 pr-4 text-right tabular-nums">{r.users}</td>
                    {WEEKS.map((w) => {
                      const [retained, eligible] = cells[w];
                      const rate = eligible > 0 ? retained / eligible : null;
                      return (
                        <td
                          key={w}
                          className={`px-2 py-1 text-center tabular-nums ${shade(rate)}`}
                          title={
                            eligible > 0
                              ? `${retained} of ${eligible} users`
                              : "week not over for any user yet"
                          }
                        >
                          {rate === null ? "—" : `${Math.round(rate * 100)}%`}
                          <span className="sr-only">
                            {" "}
                            ({retained} of {eligible})
                          </span>
                        </td>
                      );
                    })}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
