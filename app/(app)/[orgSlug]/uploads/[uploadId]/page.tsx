import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ActionForm, CheckboxField } from "@/components/ui/action-form";
import { Card, PageHeader } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { AutoRefresh } from "@/components/uploads/auto-refresh";
import { PreviewMapper } from "@/components/uploads/preview-mapper";
import { ProgressBar, progressPercent, progressStep, UploadStatusBadge } from "@/components/uploads/status";
import { getDb } from "@/db/client";
import { countRejectionProblems, countUploadChanges, getUpload, listRejections } from "@/db/queries/uploads";
import { deleteUploadAction } from "@/lib/actions/delete-upload";
import { requireOrgPage } from "@/lib/auth/org-context";
import { formatBytes, formatDateTime, plural } from "@/lib/format";
import { hasRole } from "@/lib/orgs/roles";
import { previewUpload } from "@/lib/uploads/plan";
import { uploadWasImported } from "@/lib/uploads/undo";

export const metadata: Metadata = { title: "Upload" };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const REJECTIONS_SHOWN = 50;
const number = (n: number) => n.toLocaleString("en-US");

function seconds(from: Date | null, to: Date | null): string | null {
  if (!from || !to) return null;
  return `${((to.getTime() - from.getTime()) / 1000).toFixed(1)} s`;
}

export default async function UploadPage({
  params,
  searchParams,
}: {
  params: Promise<{ orgSlug: string; uploadId: string }>;
  searchParams: Promise<{ duplicate?: string }>;
}) {
  const { orgSlug, uploadId } = await params;
  const { duplicate } = await searchParams;
  const { org, role } = await requireOrgPage(orgSlug, "viewer", `/${orgSlug}/uploads/${uploadId}`);
  if (!UUID.test(uploadId)) notFound();
  const db = getDb();
  const upload = await getUpload(db, org.id, uploadId);
  if (!upload || upload.sha256 === null) notFound();
  const canWrite = hasRole(role, "member");
  const running = upload.status === "queued" || upload.status === "importing";
  const finished = upload.status === "complete" || upload.status === "failed";
  // Failed before anything was read: the file itself is unreadable (empty, binary, only a header).
  const imported = uploadWasImported(upload);
  const unreadable = upload.status === "failed" && !imported;
  const rejections = finished ? await listRejections(db, org.id, upload.id, { limit: REJECTIONS_SHOWN }) : [];
  const problems = upload.rowsRejected > 0 ? await countRejectionProblems(db, org.id, upload.id) : 0;
  const counted = imported ? await countUploadChanges(db, org.id, upload.id) : null;
  // The items it ended for leaving them out are among its changes; said on their own line.
  const ended = upload.itemsEnded ?? 0;
  const changed = counted && { ...counted, items: counted.items - ended };
  const changesFrom = upload.options.changesFrom;
  const preview =
    upload.status === "uploaded" && canWrite
      ? await previewUpload(db, {
          orgId: org.id,
          uploadId: upload.id,
          kind: upload.kind ?? undefined,
          mapping: upload.options.overrides,
        })
      : null;
  const csvHref = `/api/v1/uploads/${upload.id}/rejections.csv?org=${encodeURIComponent(org.slug)}`;
  const rowsHref = `/api/v1/uploads/${upload.id}/rejected-rows.csv?org=${encodeURIComponent(org.slug)}`;
  const took = seconds(upload.startedAt, upload.finishedAt);

  return (
    <div className="space-y-6">
      {running && <AutoRefresh />}
      <nav className="text-sm">
        <Link href={`/${org.slug}/uploads`} className="text-indigo-700 underline">
          ← Uploads
        </Link>
      </nav>
      <PageHeader
        title={upload.filename}
        description={
          <>
            {formatBytes(upload.sizeBytes)} · uploaded {formatDateTime(upload.createdAt)} UTC ·{" "}
            <UploadStatusBadge status={upload.status} />
          </>
        }
      />
      {duplicate === "1" && (
        <p role="status" className="rounded-md bg-amber-50 p-3 text-sm text-amber-900">
          You uploaded this exact file before: this is that upload, nothing was stored twice.
        </p>
      )}

      {upload.status === "uploaded" &&
        (preview ? (
          <PreviewMapper orgSlug={org.slug} uploadId={upload.id} initial={preview} />
        ) : (
          <Card>
            <p className="text-sm text-slate-600">This file has not been imported yet.</p>
          </Card>
        ))}

      {unreadable && (
        <Card title="This file could not be read">
          <p role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-800">
            {upload.error}
          </p>
          <p className="mt-3 text-sm text-slate-600">
            Nothing was imported from it. Export the data from your billing system or spreadsheet as CSV
            (values separated by commas, semicolons, tabs or pipes, one row per line, the column names in the
            first row) and upload that file.
          </p>
        </Card>
      )}

      {(running || (finished && !unreadable)) && (
        <Card title={running ? "Importing" : upload.status === "complete" ? "Imported" : "Import failed"}>
          {running && (
            <div className="mb-4 max-w-md">
              <ProgressBar
                percent={progressPercent(upload)}
                label={`Import of ${upload.filename}`}
                step={progressStep(upload)}
              />
            </div>
          )}
          {upload.status === "failed" && upload.error && (
            <p role="alert" className="mb-4 rounded-md bg-red-50 p-3 text-sm text-red-800">
              {upload.error}
            </p>
          )}
          <dl className="grid grid-cols-2 gap-4 text-sm sm:grid-cols-4">
            {[
              ["Rows read", upload.rowsRead],
              ["Imported", upload.rowsImported],
              ["Unchanged", upload.rowsUnchanged],
              ["Rejected", upload.rowsRejected],
            ].map(([label, value]) => (
              <div key={label} className="rounded-md bg-slate-50 p-3">
                <dt className="text-slate-600">{label}</dt>
                <dd
                  className="mt-1 text-xl font-semibold tabular-nums text-slate-900"
                  data-testid={`count-${label}`}
                >
                  {number(Number(value))}
                </dd>
              </div>
            ))}
          </dl>
          {changed && changed.items + changed.customers > 0 && (
            <p className="mt-3 text-sm text-slate-700" data-testid="changed-earlier">
              Changed{" "}
              {[
                changed.items > 0 ? plural(changed.items, "subscription item") : null,
                changed.customers > 0 ? plural(changed.customers, "customer") : null,
              ]
                .filter(Boolean)
                .join(" and ")}{" "}
              that earlier uploads imported
              {changed.split > 0 && changesFrom && changesFrom !== "start"
                ? `: ${plural(changed.split, "change")} took effect on ${changesFrom} (the months before keep the earlier terms)${changed.items > changed.split ? ", the others apply from each item's start" : ""}`
                : ""}
              . Deleting this upload puts them back as they were.
            </p>
          )}
          {upload.itemsEnded !== null && (
            <p className="mt-3 text-sm text-slate-700" data-testid="ended-missing">
              {ended > 0
                ? `Ended ${plural(ended, "subscription item")} that earlier uploads imported and this file no longer lists, on ${upload.options.endMissingOn}. Deleting this upload puts ${ended === 1 ? "it" : "them"} back.`
                : `Every live subscription imported before is in this file: nothing was ended.`}
            </p>
          )}
          <p className="mt-3 text-xs text-slate-500">
            {upload.kind ? `Kind: ${upload.kind}. ` : ""}
            {upload.options.rememberedFrom && (
              <>
                Read as your import of{" "}
                <Link
                  href={`/${org.slug}/uploads/${upload.options.rememberedFrom.uploadId}`}
                  className="text-indigo-700 underline"
                >
                  ‘{upload.options.rememberedFrom.filename}’
                </Link>
                , a file with the same columns.{" "}
              </>
            )}
            {took ? `Took ${took}. ` : ""}
            {upload.status === "complete" && (
              <>
                The revenue metrics include it now: see{" "}
                <Link href={`/${org.slug}/arr`} className="text-indigo-700 underline">
                  ARR
                </Link>
                ,{" "}
                <Link href={`/${org.slug}/metrics`} className="text-indigo-700 underline">
                  executive metrics
                </Link>{" "}
                and{" "}
                <Link href={`/${org.slug}/customers`} className="text-indigo-700 underline">
                  customers
                </Link>
                .
              </>
            )}
          </p>
        </Card>
      )}

      {finished && upload.rowsRejected > 0 && (
        <Card
          title={`Rejected rows (${number(upload.rowsRejected)})`}
          description={`These rows were not imported${problems > upload.rowsRejected ? `; they have ${number(problems)} problems between them, listed one per line below` : ""}. Fix them in the file and upload it again: rows already imported stay as they are.`}
        >
          <ul className="mb-3 space-y-1 text-sm">
            <li>
              <a href={rowsHref} download className="font-medium text-indigo-700 underline">
                Download the rows to fix (CSV)
              </a>
              <span className="text-slate-600">
                : the rejected rows as your file has them, with a last column saying what is wrong. Fix them
                and upload that file; the extra column is left out.
              </span>
            </li>
            <li>
              <a href={csvHref} download className="font-medium text-indigo-700 underline">
                Download all rejected rows (CSV)
              </a>
              <span className="text-slate-600">: one line per problem, with its line, column and value.</span>
            </li>
          </ul>
          <Table
            columns={[
              { label: "Line", className: "text-right" },
              { label: "Column" },
              { label: "Value", className: "hidden sm:table-cell" },
              { label: "Problem" },
            ]}
          >
            {rejections.map((r, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: rejections are listed in file order and never move
              <tr key={i}>
                <td className="py-2 pr-4 text-right tabular-nums">{r.line}</td>
                <td className="py-2 pr-4">{r.column ?? "—"}</td>
                <td className="hidden max-w-[12rem] truncate py-2 pr-4 font-mono text-xs sm:table-cell">
                  {r.value ?? ""}
                </td>
                <td className="py-2 pr-4 text-red-800">{r.message}</td>
              </tr>
            ))}
          </Table>
          {problems > rejections.length && (
            <p className="mt-2 text-xs text-slate-500">
              The first {rejections.length} problems are shown; the CSV has all {number(problems)}.
            </p>
          )}
        </Card>
      )}

      {canWrite && !running && (
        // Never imported (at its preview, or unreadable): discarded at once. Imported: undone, once confirmed.
        <Card
          title={imported ? "Delete this upload" : "Discard this upload"}
          description={
            imported
              ? "Removes the file and everything its import created (its subscription items, and customers nothing else refers to), puts back what it changed in items and customers an earlier upload created, and updates the metrics. Recorded in the audit log."
              : "Nothing from this file has been imported. Discarding removes the stored file; your data is not touched."
          }
        >
          <ActionForm
            action={deleteUploadAction}
            hidden={{ orgSlug: org.slug, uploadId: upload.id }}
            submitLabel={imported ? "Delete upload and undo its import" : "Discard upload"}
            pendingLabel={imported ? "Deleting…" : "Discarding…"}
            submitVariant={imported ? "danger" : "secondary"}
          >
            {imported && (
              <CheckboxField
                name="confirm"
                label={`Yes, remove what the import of ‘${upload.filename}’ created${changed && changed.items + changed.customers > 0 ? " and put back what it changed" : ""} (${number(upload.rowsImported)} ${upload.rowsImported === 1 ? "row" : "rows"} imported).`}
              />
            )}
          </ActionForm>
        </Card>
      )}
    </div>
  );
}
