import type { Metadata } from "next";
import { Card } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { getDb } from "@/db/client";
import { listJobRuns } from "@/db/queries/jobs";
import { requireOrgPage } from "@/lib/auth/org-context";
import { env } from "@/lib/env";
import { formatDateTime } from "@/lib/format";

export const metadata: Metadata = { title: "Jobs" };

const STATUS_STYLE: Record<string, string> = {
  succeeded: "bg-emerald-50 text-emerald-800",
  failed: "bg-red-50 text-red-800",
  running: "bg-sky-50 text-sky-800",
  queued: "bg-slate-100 text-slate-700",
};

export default async function JobsPage({ params }: { params: Promise<{ orgSlug: string }> }) {
  const { orgSlug } = await params;
  const { org } = await requireOrgPage(orgSlug, "admin");
  const runs = await listJobRuns(getDb(), { orgId: org.id });
  return (
    <Card
      title="Background jobs"
      description={`Imports, snapshots and syncs run ${env().inngestConfigured ? "on Inngest" : "in the app's own process (no Inngest configured)"}. The last 50 runs for ${org.name}:`}
    >
      {runs.length === 0 ? (
        <p className="text-sm text-slate-600">No jobs have run for this organisation yet.</p>
      ) : (
        <Table
          columns={[
            { label: "Job" },
            { label: "Status" },
            { label: "Attempts" },
            { label: "Queued (UTC)" },
            { label: "Duration" },
            { label: "Error" },
          ]}
        >
          {runs.map((r) => (
            <tr key={r.id}>
              <td className="py-2 pr-4 font-mono text-xs">{r.functionId}</td>
              <td className="py-2 pr-4">
                <span className={`rounded px-2 py-0.5 text-xs font-medium ${STATUS_STYLE[r.status] ?? ""}`}>
                  {r.status}
                </span>
              </td>
              <td className="py-2 pr-4">{r.attempts}</td>
              <td className="whitespace-nowrap py-2 pr-4">{formatDateTime(r.queuedAt)}</td>
              <td className="py-2 pr-4">{r.durationMs == null ? "—" : `${r.durationMs} ms`}</td>
              <td className="max-w-xs truncate py-2 text-red-700" title={r.error ?? undefined}>
                {r.error ?? ""}
              </td>
            </tr>
          ))}
        </Table>
      )}
    </Card>
  );
}
