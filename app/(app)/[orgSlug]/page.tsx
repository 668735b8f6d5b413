import type { Metadata } from "next";
import Link from "next/link";
import { Card, PageHeader } from "@/components/ui/card";
import { getDb } from "@/db/client";
import { requireOrgPage } from "@/lib/auth/org-context";
import { countMembers } from "@/lib/orgs/members";
import { hasRole } from "@/lib/orgs/roles";

export const metadata: Metadata = { title: "Home" };

export default async function OrgHome({ params }: { params: Promise<{ orgSlug: string }> }) {
  const { orgSlug } = await params;
  const { org, role } = await requireOrgPage(orgSlug);
  const members = await countMembers(getDb(), org.id);
  const admin = hasRole(role, "admin");
  const steps = [
    {
      title: "Add your customers and their subscriptions",
      body: "Each subscription item's MRR is computed as METRICS.md defines it, and every month-end figure follows from them.",
      href: hasRole(role, "member") ? `/${org.slug}/customers` : undefined,
      cta: "Open customers",
    },
    {
      title: "Check your organisation's settings",
      body: `Figures are reported in ${org.currency} and days follow the ${org.timezone} time zone.`,
      href: admin ? `/${org.slug}/settings` : undefined,
      cta: "Open settings",
    },
    {
      title: "Invite your team",
      body: `${members} member${members === 1 ? "" : "s"} so far. Founders, finance and customer success each get a role: owner, admin, member or viewer.`,
      href: admin ? `/${org.slug}/settings/members` : undefined,
      cta: "Invite members",
    },
    {
      title: "Create an API key",
      body: "Keys let scripts and your product send data to Meridian's JSON API (Authorization: Bearer <key>).",
      href: admin ? `/${org.slug}/settings/api-keys` : undefined,
      cta: "Manage API keys",
    },
  ];
  return (
    <>
      <PageHeader
        title={org.name}
        description={`You are ${role === "owner" || role === "admin" ? "an" : "a"} ${role} of this organisation.`}
      />
      <Card
        title="What to do first"
        description={
          admin
            ? "A few steps get your organisation ready for its data."
            : "An admin of this organisation sets it up; here is where it stands."
        }
      >
        <ol className="space-y-4">
          {steps.map((s, i) => (
            <li key={s.title} className="flex gap-3">
              <span
                className="flex h-7 w-7 shrink-0 items-center justify-center rounded-full bg-indigo-50 text-sm font-semibold text-indigo-700"
                aria-hidden="true"
              >
                {i + 1}
              </span>
              <div>
                <p className="font-medium text-slate-900">{s.title}</p>
                <p className="text-sm text-slate-600">{s.body}</p>
                {s.href && (
                  <Link
                    href={s.href}
                    className="mt-1 inline-block text-sm font-medium text-indigo-700 underline"
                  >
                    {s.cta}
                  </Link>
                )}
              </div>
            </li>
          ))}
        </ol>
      </Card>
    </>
  );
}
