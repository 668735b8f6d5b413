import type { Metadata } from "next";
import Link from "next/link";
import { Card } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { getDb } from "@/db/client";
import { describeMetadata, listAuditLog } from "@/lib/audit";
import { requireOrgPage } from "@/lib/auth/org-context";
import { formatDateTime } from "@/lib/format";

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
      <Table
        columns={[
          { label: "When" },
          { label: "Who" },
          { label: "Action" },
          { label: "Target" },
          { label: "Details" },
        ]}
      >
        {rows.map((r) => (
          <tr key={r.id}>
            <td className="whitespace-nowrap py-2 pr-4">{formatDateTime(r.createdAt)}</td>
            <td className="py-2 pr-4">{r.actorEmail ?? "—"}</td>
            <td className="py-2 pr-4 font-mono text-xs">{r.action}</td>
            <td className="py-2 pr-4">{r.target ?? "—"}</td>
            <td className="py-2 font-mono text-xs text-slate-600">
              {describeMetadata(r.metadata)}
              {r.ip ? ` ip ${r.ip}` : ""}
            </td>
          </tr>
        ))}
      </Table>
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
