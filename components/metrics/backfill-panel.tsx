import { ActionForm, Field } from "@/components/ui/action-form";
import type { SnapshotBackfill } from "@/db/schema";
import { startSnapshotBackfill } from "@/lib/actions/executive-metrics";

/** Start a backfill of past days, and the progress of the latest ones (the page refreshes itself). */
export function BackfillPanel({
  orgSlug,
  backfills,
  defaultFrom,
  defaultTo,
}: {
  orgSlug: string;
  backfills: SnapshotBackfill[];
  defaultFrom: string;
  defaultTo: string;
}) {
  return (
    <section
      aria-labelledby="backfill-title"
      className="rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200"
    >
      <h2 id="backfill-title" className="text-base font-semibold text-slate-900">
        Backfill snapshots
      </h2>
      <p className="mt-1 text-sm text-slate-600">
        Computes the daily snapshots of past days from the stored data, one job per month (at most 1,100
        days).
      </p>
      <ActionForm
        action={startSnapshotBackfill}
        hidden={{ orgSlug }}
        submitLabel="Start backfill"
        pendingLabel="Starting…"
      >
        <div className="grid grid-cols-2 gap-3 sm:max-w-md">
          <Field name="from" label="From" type="date" defaultValue={defaultFrom} required />
          <Field name="to" label="To" type="date" defaultValue={defaultTo} required />
        </div>
      </ActionForm>
      {backfills.length > 0 && (
        <ul className="mt-4 space-y-3">
          {backfills.map((b) => {
            const pct = b.monthsTotal ? Math.round((b.monthsDone / b.monthsTotal) * 100) : 100;
            return (
              <li key={b.id} className="text-sm">
                <div className="flex justify-between gap-2">
                  <span>
                    {b.fromDate} – {b.toDate}: <strong>{b.status}</strong>
                    {b.error ? <span className="text-red-700"> ({b.error})</span> : null}
                  </span>
                  <span className="tabular-nums text-slate-600">
                    {b.monthsDone}/{b.monthsTotal} months · {b.daysDone} days
                  </span>
                </div>
                <div
                  className="mt-1 h-2 rounded bg-slate-100"
                  role="progressbar"
                  aria-label={`Backfill ${b.fromDate} to ${b.toDate}`}
                  aria-valuemin={0}
                  aria-valuemax={100}
                  aria-valuenow={pct}
                >
                  <div
                    className={`h-2 rounded ${b.status === "failed" ? "bg-red-500" : "bg-indigo-600"}`}
                    style={{ width: `${pct}%` }}
                  />
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
