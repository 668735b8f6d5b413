import type { ReactNode } from "react";
import { AppShell } from "@/components/shell/app-shell";
import { getDb } from "@/db/client";
import { requireOrgPage } from "@/lib/auth/org-context";
import { listUserOrgs } from "@/lib/orgs/organizations";

export default async function OrgLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ orgSlug: string }>;
}) {
  const { orgSlug } = await params;
  const { org, role, user } = await requireOrgPage(orgSlug);
  const orgs = await listUserOrgs(getDb(), user.id);
  return (
    <AppShell org={org} orgs={orgs} role={role} user={user}>
      {children}
    </AppShell>
  );
}
