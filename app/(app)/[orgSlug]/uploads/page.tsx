import type { Metadata } from "next";
import Link from "next/link";
import { ActionForm } from "@/components/ui/action-form";
import { Card, PageHeader } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { AutoRefresh } from "@/components/uploads/auto-refresh";
import { ProgressBar, progressPercent, UploadStatusBadge } from "@/components/uploads/status";
import { UploadForm } from "@/components/uploads/upload-form";
import { getDb } from "@/db/client";
import { listUploads } from "@/db/queries/uploads";
import { loadSampleData } from "@/lib/actions/load-sample-data";
import { requireOrgPage } from "@/lib/auth/org-context";
import { formatBytes, formatDateTime } from "@/lib/format";
import { hasRole } from "@/lib/orgs/roles";
import { maxUploadBytes } from "@/lib/uploads/store";

export const metadata: Metadata = { title: "Uploads" };

const number = (n: number) => n.toLocaleString("en-US");

export default async function UploadsPage({
  params,
  searchParams,
}: {
  params: Promise<{ orgSlug: string }>;
  searchParams: Promise<{
    deleted?: string | string[];
    restored?: string | string[];
    kept?: string | string[];
    discarded?: string | string[];
  }>;
}) {
  const { orgSlug } = await params;
  const { deleted, restored, kept, discarded } = await searchParams;
  const { org, role } = await requireOrgPage(orgSlug, "viewer", `/${orgSlug}/uploads`);
  const uploads = await listUploads(getDb(), org.id);
  const canWrite = hasRole(role, "member");
  const running = uploads.some((u) => u.status === "queued" || u.status === "importing");
  const base = `/${org.slug}/uploads`;

  return (
    <div className="space-y-6">
      {running && <AutoRefresh />}
      <PageHeader
        title="Uploads"
        description="Bring subscriptions and customers in from any billing system's CSV export, and product events from your analytics tool's: preview, map the columns, import."
      />
      {typeof deleted === "string" && (
        <p role="status" className="rounded-md bg-emerald-50 p-3 text-sm text-emerald-900">
          Upload deleted: {deleted.slice(0, 200)} removed
          {typeof restored === "string" &&
            `; ${restored.slice(0, 200)} it had changed put back as they were before it`}
          {typeof kept === "string" &&
            `; ${kept.slice(0, 20)} it had changed left as they are, because they were changed by hand since`}
          , and the metrics updated.
        </p>
      )}
      {typeof discarded === "string" && (
        <p role="status" className="rounded-md bg-emerald-50 p-3 text-sm text-emerald-900">
          Discarded ‘{discarded.slice(0, 200)}’: nothing had been imported from it.
        </p>
      )}
      {canWrite && (
        <Card title="Upload a CSV file">
          <UploadForm orgSlug={org.slug} maxMb={Math.round(maxUploadBytes() / 1024 / 1024)} />
          <div className="mt-5 space-y-2 border-t border-slate-100 pt-4 text-sm text-slate-600">
            <p>
              <strong className="font-medium text-slate-800">Subscriptions</strong>: one row per subscription
              (or subscription item) with a customer id or name, a start date, and either an amount with its
              billing interval (“49.00”, “Monthly”) or a ready MRR column. Plan, quantity, currency,
              discounts, end date, status and a trial flag (“is_trial”: yes/no) are read when present.{" "}
              <a href="/templates/subscriptions.csv" download className="text-indigo-700 underline">
                Subscriptions template (CSV)
              </a>
            </p>
            <p>
              <strong className="font-medium text-slate-800">Customers</strong>: one row per customer with an
              id or a name, plus email, company, country, industry and segment.{" "}
              <a href="/templates/customers.csv" download className="text-indigo-700 underline">
                Customers template (CSV)
              </a>
            </p>
            <p>
              <strong className="font-medium text-slate-800">Product events</strong>: one row per event with a
              user id, the event name and its time (“2024-05-01T14:30:00Z”, or UTC without an offset), plus an
              event id, a customer id and properties as JSON when present, as Segment, Mixpanel or Amplitude
              export them. Importing the same events again stores them once.{" "}
              <a href="/templates/events.csv" download className="text-indigo-700 underline">
                Events template (CSV)
              </a>
            </p>
            <p>
              Headers may be in any order and spelt as Stripe, Chargebee, HubSpot or a spreadsheet spells
              them, in English, German, French, Spanish, Portuguese, Dutch or Italian; dates and amounts in
              any common format. Nothing is written until you confirm the preview.
            </p>
          </div>
        </Card>
      )}
      <Card title="Your uploads">
        {uploads.length === 0 ? (
          <div className="space-y-3 text-sm text-slate-600">
            <p>No files uploaded yet.</p>
            {canWrite && (
              <>
                <p>
                  No export at hand? Load the sample data: 5,000 subscriptions of 500 companies (a public SaaS
                  dataset), imported through this same pipeline.
                </p>
                <ActionForm
                  action={loadSampleData}
                  hidden={{ orgSlug: org.slug }}
                  submitLabel="Load sample data"
                  pendingLabel="Loading…"
                  submitVariant="secondary"
                />
              </>
            )}
          </div>
        ) : (
          <Table
            columns={[
              { label: "File" },
              { label: "Status" },
              { label: "Rows read", className: "hidden text-right sm:table-cell" },
              { label: "Imported", className: "text-right" },
              { label: "Rejected", className: "text-right" },
              { label: "Unchanged", className: "hidden text-right md:table-cell" },
              { label: "Uploaded (UTC)", className: "hidden md:table-cell" },
            ]}
          >
            {uploads.map((u) => (
              <tr key={u.id} data-testid={`upload-${u.filename}`}>
                <td className="max-w-[16rem] py-2 pr-4">
                  <Link
                    href={`${base}/${u.id}`}
                    className="block truncate font-medium text-indigo-700 hover:underline"
                  >
                    {u.filename}
                  </Link>
                  <span className="text-xs text-slate-500">
                    {formatBytes(u.sizeBytes)}
                    {u.kind ? ` · ${u.kind}` : ""}
                  </span>
                </td>
                <td className="py-2 pr-4">
                  <UploadStatusBadge status={u.status} />
                  {u.status === "failed" && u.error && (
                    <p className="mt-1 max-w-[16rem] text-xs text-red-700">{u.error}</p>
                  )}
                  {(u.status === "queued" || u.status === "importing") && (
                    <div className="mt-1 w-28">
                      <ProgressBar percent={progressPercent(u)} label={`Import of ${u.filename}`} />
                    </div>
                  )}
                </td>
                <td className="hidden py-2 pr-4 text-right tabular-nums sm:table-cell">
                  {number(u.rowsRead)}
                </td>
                <td className="py-2 pr-4 text-right tabular-nums">{number(u.rowsImported)}</td>
                <td className={`py-2 pr-4 text-right tabular-nums ${u.rowsRejected ? "text-red-700" : ""}`}>
                  {number(u.rowsRejected)}
                </td>
                <td className="hidden py-2 pr-4 text-right tabular-nums md:table-cell">
                  {number(u.rowsUnchanged)}
                </td>
                <td className="hidden whitespace-nowrap py-2 pr-4 md:table-cell">
                  {formatDateTime(u.createdAt)}
                </td>
              </tr>
            ))}
          </Table>
        )}
      </Card>
    </div>
  );
}
