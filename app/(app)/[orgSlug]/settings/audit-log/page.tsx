import type { Metadata } from "next";
import Link from "next/link";
import { Card } from "@/components/ui/card";
import { getDb } from "@/db/client";
import { listAuditLog } from "@/lib/audit";
import { requireOrgPage } from "@/lib/auth/org-context";

export const metadata: Metadata = { title: "Audit log" };

const PAGE = 100;

export default async function AuditLogPage({
  params,
  searchParams,
}: {
  params: Promise<{ orgSlug: string }>;
  searchParams: Promise<{ before?: string }>;
}) {
  const { orgSlug } = await params;
  const { before } = await searchParams;
  const { org } = await requireOrgPage(orgSlug, "admin");
  const beforeId = Number(before);
  const rows = await listAuditLog(getDb(), {
    orgId: org.id,
    before: Number.isSafeInteger(beforeId) && beforeId > 0 ? beforeId : undefined,
    limit: PAGE,
  });
  return (
    <Card
      title="Audit log"
      description="Sign-in failures on members' accounts, role changes, removals, invitations, API keys and settings changes. Times are UTC."
    >
      <div className="overflow-x-auto">
        <table className="min-w-full text-sm">
          <thead className="text-left text-xs uppercase text-slate-500">
            <tr>
              <th className="py-2 pr-4">When</th>
              <th className="py-2 pr-4">Who</th>
              <th className="py-2 pr-4">Action</th>
              <th className="py-2 pr-4">Target</th>
              <th className="py-2">Details</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((r) => (
              <tr key={r.id}>
                <td className="whitespace-nowrap py-2 pr-4">
                  {r.createdAt.toISOString().slice(0, 19).replace("T", " ")}
                </td>
                <td className="py-2 pr-4">{r.actorEmail ?? "—"}</td>
                <td className="py-2 pr-4 font-mono text-xs">{r.action}</td>
                <td className="py-2 pr-4">{r.target ?? "—"}</td>
                <td className="py-2 font-mono text-xs text-slate-600">
                  {Object.keys(r.metadata).length ? JSON.stringify(r.metadata) : ""}
                  {r.ip ? ` ip ${r.ip}` : ""}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length === 0 && <p className="text-sm text-slate-600">Nothing recorded yet.</p>}
      {rows.length === PAGE && (
        <Link
          className="mt-3 inline-block text-sm text-indigo-700 underline"
          href={`/${org.slug}/settings/audit-log?before=${rows.at(-1)?.id}`}
        >
          Older entries
        </Link>
      )}
    </Card>
  );
}
