import type { UploadStatus } from "@/db/schema";

const STYLE: Record<UploadStatus, string> = {
  uploaded: "bg-slate-100 text-slate-700",
  queued: "bg-sky-50 text-sky-800",
  importing: "bg-sky-50 text-sky-800",
  complete: "bg-emerald-50 text-emerald-800",
  failed: "bg-red-50 text-red-800",
};

const LABEL: Record<UploadStatus, string> = {
  uploaded: "Waiting for mapping",
  queued: "Queued",
  importing: "Importing",
  complete: "Complete",
  failed: "Failed",
};

export function UploadStatusBadge({ status }: { status: UploadStatus }) {
  return (
    <span className={`whitespace-nowrap rounded px-2 py-0.5 text-xs font-medium ${STYLE[status]}`}>
      {LABEL[status]}
    </span>
  );
}

/** Share of the file read, 0..100: bytes processed over size, 100 once complete. */
export function progressPercent(u: { status: UploadStatus; bytesProcessed: number; sizeBytes: number }) {
  if (u.status === "complete") return 100;
  if (!u.sizeBytes) return 0;
  return Math.min(99, Math.floor((100 * u.bytesProcessed) / u.sizeBytes));
}

/** What a running import is doing: reading rows, or (every row written) updating the metrics. */
export function progressStep(u: { status: UploadStatus; readComplete: boolean }): string | null {
  if (u.status === "queued") return "waiting to start";
  if (u.status !== "importing") return null;
  return u.readComplete ? "rows written, updating the metrics" : "reading rows";
}

export function ProgressBar({
  percent,
  label,
  step,
}: {
  percent: number;
  label: string;
  step?: string | null;
}) {
  return (
    <div>
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        className="h-2.5 w-full overflow-hidden rounded-full bg-slate-200"
      >
        <div className="h-full rounded-full bg-indigo-600 transition-all" style={{ width: `${percent}%` }} />
      </div>
      <p className="mt-1 text-xs tabular-nums text-slate-600">
        {percent}%{step ? ` · ${step}` : ""}
      </p>
    </div>
  );
}
