import Link from "next/link";
import type { ImportNotice } from "@/db/queries/revenue-dashboard";

/**
 * The org's latest import failed or rejected rows: the numbers may be missing that data, so the page says
 * so and links to the upload's report (its errors and the rejected rows).
 */
export function ImportNoticeBanner({ orgSlug, notice }: { orgSlug: string; notice: ImportNotice }) {
  const failed = notice.status === "failed";
  const rows = `${notice.rowsRejected.toLocaleString("en-US")} row${notice.rowsRejected === 1 ? "" : "s"}`;
  return (
    <aside
      aria-labelledby="import-notice-title"
      data-testid="import-notice"
      className={`rounded-lg p-4 text-sm ring-1 ${failed ? "bg-red-50 ring-red-200" : "bg-amber-50 ring-amber-200"}`}
    >
      <h2 id="import-notice-title" className={`font-semibold ${failed ? "text-red-900" : "text-amber-900"}`}>
        {failed ? "The latest import failed" : `The latest import rejected ${rows}`}
      </h2>
      <p className={`mt-1 ${failed ? "text-red-800" : "text-amber-900"}`}>
        {failed
          ? `${notice.filename} was not imported${notice.error ? `: ${notice.error}` : "."} `
          : `${notice.filename} was imported without them, so these numbers leave them out. `}
        <Link href={`/${orgSlug}/uploads/${notice.uploadId}`} className="font-medium underline">
          Open the import report
        </Link>
      </p>
    </aside>
  );
}
