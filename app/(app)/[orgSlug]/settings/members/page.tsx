import type { Metadata } from "next";
import { ActionForm, Field, SelectField } from "@/components/ui/action-form";
import { Card } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { getDb } from "@/db/client";
import { ROLES } from "@/db/schema";
import { changeMemberRoleAction } from "@/lib/actions/change-member-role";
import { inviteMemberAction } from "@/lib/actions/invite-member";
import { removeMemberAction } from "@/lib/actions/remove-member";
import { revokeInvitationAction } from "@/lib/actions/revoke-invitation";
import { requireOrgPage } from "@/lib/auth/org-context";
import { formatDate } from "@/lib/format";
import { INVITATION_TTL_DAYS, listPendingInvitations } from "@/lib/orgs/invitations";
import { listMembers } from "@/lib/orgs/members";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage({ params }: { params: Promise<{ orgSlug: string }> }) {
  const { orgSlug } = await params;
  const { org, role, user } = await requireOrgPage(orgSlug, "admin");
  const db = getDb();
  const [members, invitations] = await Promise.all([
    listMembers(db, org.id),
    listPendingInvitations(db, org.id),
  ]);
  const assignable = role === "owner" ? ROLES : ROLES.filter((r) => r !== "owner");
  return (
    <>
      <Card
        title="Invite a member"
        description={`They get an email with a link that works once and expires in ${INVITATION_TTL_DAYS} days.`}
      >
        <ActionForm
          action={inviteMemberAction}
          submitLabel="Send invitation"
          hidden={{ orgSlug: org.slug }}
          resetOnSuccess
          className="grid gap-4 sm:grid-cols-[1fr_10rem_auto] sm:items-end"
        >
          <Field name="email" label="Email" type="email" required placeholder="colleague@company.com" />
          <SelectField name="role" label="Role" options={assignable} defaultValue="member" />
        </ActionForm>
        <p className="mt-3 text-xs text-slate-500">
          Viewers read dashboards; members also bring data in; admins also manage members, API keys and
          settings; owners also manage owners.
        </p>
      </Card>
      <Card title={`Members (${members.length})`}>
        <Table
          columns={[
            { label: "Member" },
            { label: "Role" },
            { label: "Since", className: "hidden sm:table-cell" },
            { label: "Actions", srOnly: true },
          ]}
        >
          {members.map((m) => {
            const editable = role === "owner" || m.role !== "owner";
            return (
              <tr key={m.userId} data-testid={`member-${m.email}`}>
                <td className="py-2 pr-4">
                  <p className="font-medium">{m.name || m.email}</p>
                  {m.name && <p className="text-xs text-slate-500">{m.email}</p>}
                </td>
                <td className="py-2 pr-4">
                  {editable ? (
                    <ActionForm
                      action={changeMemberRoleAction}
                      submitLabel="Change"
                      submitVariant="secondary"
                      hidden={{ orgSlug: org.slug, userId: m.userId }}
                      className="flex items-center gap-2"
                    >
                      <SelectField
                        name="role"
                        label={`Role of ${m.email}`}
                        options={assignable}
                        defaultValue={m.role}
                        hideLabel
                      />
                    </ActionForm>
                  ) : (
                    m.role
                  )}
                </td>
                <td className="hidden py-2 pr-4 text-slate-600 sm:table-cell">{formatDate(m.since)}</td>
                <td className="py-2">
                  {editable && m.userId !== user.id && (
                    <ActionForm
                      action={removeMemberAction}
                      submitLabel="Remove"
                      submitVariant="danger"
                      hidden={{ orgSlug: org.slug, userId: m.userId }}
                    />
                  )}
                </td>
              </tr>
            );
          })}
        </Table>
      </Card>
      {invitations.length > 0 && (
        <Card title={`Pending invitations (${invitations.length})`}>
          <ul className="divide-y divide-slate-100 text-sm">
            {invitations.map((i) => (
              <li key={i.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                <span>
                  <b>{i.email}</b> as {i.role} · expires {formatDate(i.expiresAt)}
                </span>
                <ActionForm
                  action={revokeInvitationAction}
                  submitLabel="Revoke"
                  submitVariant="danger"
                  hidden={{ orgSlug: org.slug, invitationId: i.id }}
                />
              </li>
            ))}
          </ul>
        </Card>
      )}
    </>
  );
}
