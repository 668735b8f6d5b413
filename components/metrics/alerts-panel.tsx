import { ActionForm } from "@/components/ui/action-form";
import type { MetricAlert } from "@/db/schema";
import { acknowledgeAlertAction } from "@/lib/actions/executive-metrics";
import { alertTitle } from "@/lib/snapshots/alerts";

const STATUS_STYLE = {
  open: "bg-red-50 text-red-800 ring-red-200",
  acknowledged: "bg-amber-50 text-amber-900 ring-amber-200",
  resolved: "bg-slate-50 text-slate-600 ring-slate-200",
} as const;

/** Stored alerts: unresolved first (with "acknowledge"), then the latest resolved ones. */
export function AlertsPanel({ orgSlug, alerts }: { orgSlug: string; alerts: MetricAlert[] }) {
  const unresolved = alerts.filter((a) => a.status !== "resolved");
  return (
    <section
      id="alerts"
      aria-labelledby="alerts-title"
      className="rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200"
    >
      <h2 id="alerts-title" className="text-base font-semibold text-slate-900">
        Alerts{" "}
        {unresolved.length > 0 ? (
          <span className="ml-2 rounded-full bg-red-600 px-2 py-0.5 text-xs font-semibold text-white">
            {unresolved.length} open
          </span>
        ) : (
          <span className="ml-2 rounded-full bg-emerald-50 px-2 py-0.5 text-xs font-medium text-emerald-800">
            all clear
          </span>
        )}
      </h2>
      {alerts.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">
          No alerts yet. Thresholds are checked after every snapshot.
        </p>
      ) : (
        <ul className="mt-3 space-y-2">
          {alerts.map((a) => (
            <li
              key={a.id}
              className={`flex flex-wrap items-start justify-between gap-3 rounded-md p-3 text-sm ring-1 ${STATUS_STYLE[a.status]}`}
            >
              <div className="min-w-0 flex-1">
                <p className="font-semibold">
                  {alertTitle(a.kind)} <span className="font-normal">· {a.status}</span>
                </p>
                <p className="mt-0.5">{a.message}</p>
                <p className="mt-0.5 text-xs opacity-80">
                  Opened {a.openedOn}
                  {a.lastSeenOn !== a.openedOn ? `, last breached ${a.lastSeenOn}` : ""}
                  {a.resolvedOn ? `, resolved ${a.resolvedOn}` : ""}
                  {a.emailedAt ? " · emailed" : ""}
                </p>
              </div>
              {a.status === "open" && (
                <ActionForm
                  action={acknowledgeAlertAction}
                  hidden={{ orgSlug, alertId: a.id }}
                  submitLabel="Acknowledge"
                  submitVariant="secondary"
                />
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
