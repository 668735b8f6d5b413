import type { Metadata } from "next";
import { NewApiKeyForm } from "@/components/settings/new-api-key";
import { ActionForm } from "@/components/ui/action-form";
import { Card } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { getDb } from "@/db/client";
import { revokeApiKeyAction } from "@/lib/actions/revoke-api-key";
import { listApiKeys } from "@/lib/api-keys";
import { requireOrgPage } from "@/lib/auth/org-context";
import { formatDateTime } from "@/lib/format";

export const metadata: Metadata = { title: "API keys" };

export default async function ApiKeysPage({ params }: { params: Promise<{ orgSlug: string }> }) {
  const { orgSlug } = await params;
  const { org } = await requireOrgPage(orgSlug, "admin");
  const keys = await listApiKeys(getDb(), org.id);
  return (
    <>
      <Card
        title="Create an API key"
        description={
          <>
            Send it as <code className="rounded bg-slate-100 px-1">Authorization: Bearer &lt;key&gt;</code> to{" "}
            <code className="rounded bg-slate-100 px-1">/api/v1/*</code>. A key acts as a member of {org.name}
            : it can send and read data, not manage the organisation. Only a hash is stored, so the key is
            shown once.
          </>
        }
      >
        <NewApiKeyForm orgSlug={org.slug} />
      </Card>
      <Card title={`Keys (${keys.length})`}>
        {keys.length === 0 ? (
          <p className="text-sm text-slate-600">No keys yet.</p>
        ) : (
          <Table
            columns={[
              { label: "Name" },
              { label: "Key" },
              { label: "Created (UTC)" },
              { label: "Last used" },
              { label: "Status" },
            ]}
          >
            {keys.map((k) => (
              <tr key={k.id}>
                <td className="py-2 pr-4 font-medium">{k.name}</td>
                <td className="py-2 pr-4 font-mono text-xs">{k.prefix}…</td>
                <td className="py-2 pr-4">{formatDateTime(k.createdAt)}</td>
                <td className="py-2 pr-4">{formatDateTime(k.lastUsedAt)}</td>
                <td className="py-2">
                  {k.revokedAt ? (
                    <span className="text-slate-500">revoked {formatDateTime(k.revokedAt)}</span>
                  ) : (
                    <ActionForm
                      action={revokeApiKeyAction}
                      submitLabel="Revoke"
                      submitVariant="danger"
                      hidden={{ orgSlug: org.slug, keyId: k.id }}
                    />
                  )}
                </td>
              </tr>
            ))}
          </Table>
        )}
      </Card>
    </>
  );
}
