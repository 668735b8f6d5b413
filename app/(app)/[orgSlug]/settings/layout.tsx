import type { ReactNode } from "react";
import { SETTINGS_PAGES } from "@/components/shell/nav";
import { NavLink } from "@/components/shell/nav-link";
import { PageHeader } from "@/components/ui/card";
import { requireOrgPage } from "@/lib/auth/org-context";

/** Settings are for owners and admins; everyone else gets the same 404 as a stranger. */
export default async function SettingsLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ orgSlug: string }>;
}) {
  const { orgSlug } = await params;
  const { org } = await requireOrgPage(orgSlug, "admin");
  return (
    <>
      <PageHeader title="Settings" description={`Organisation settings for ${org.name}.`} />
      <div className="flex flex-col gap-6 lg:flex-row">
        <nav aria-label="Settings" className="flex flex-wrap gap-1 lg:w-44 lg:flex-col">
          {SETTINGS_PAGES.map((p) => (
            <NavLink key={p.href} href={`/${org.slug}${p.href}`} exact>
              {p.label}
            </NavLink>
          ))}
        </nav>
        <div className="min-w-0 flex-1 space-y-6">{children}</div>
      </div>
    </>
  );
}
