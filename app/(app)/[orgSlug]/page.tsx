import type { Metadata } from "next";
import Link from "next/link";
import { Card, PageHeader } from "@/components/ui/card";
import { getDb } from "@/db/client";
import { countOrgData } from "@/db/queries/customers";
import { requireOrgPage } from "@/lib/auth/org-context";
import { plural } from "@/lib/format";
import { countMembers } from "@/lib/orgs/members";
import { hasRole } from "@/lib/orgs/roles";

export const metadata: Metadata = { title: "Home" };

type Step = { title: string; body: string; done?: boolean; links: { href: string; label: string }[] };

export default async function OrgHome({ params }: { params: Promise<{ orgSlug: string }> }) {
  const { orgSlug } = await params;
  const { org, role } = await requireOrgPage(orgSlug);
  const db = getDb();
  const [members, data] = await Promise.all([countMembers(db, org.id), countOrgData(db, org.id)]);
  const admin = hasRole(role, "admin");
  const member = hasRole(role, "member");
  const link = (href: string, label: string, allowed = true) => (allowed ? [{ href, label }] : []);
  const steps: Step[] = [
    data.items > 0
      ? {
          title: "Your customers and subscriptions are in",
          body: `${plural(data.customers, "customer")} and ${plural(data.items, "subscription item")}${
            data.uploads > 0 ? `, ${plural(data.uploads, "imported upload")}` : ""
          }. The dashboards read them: ARR and movements month by month, and the executive metrics.`,
          done: true,
          links: [
            ...link(`/${org.slug}/arr`, "Open the ARR dashboard"),
            ...link(`/${org.slug}/uploads`, "Import more", member),
          ],
        }
      : {
          title: "Add your customers and their subscriptions",
          body: "Upload your billing system's CSV export (Stripe, Chargebee, a spreadsheet: any headers, previewed before anything is written), or add them by hand. Each subscription item's MRR is its recurring price per month after discounts, in your currency, and every month-end figure follows from them.",
          links: [
            ...link(`/${org.slug}/uploads`, "Upload a CSV", member),
            ...link(`/${org.slug}/customers`, "Open customers", member),
          ],
        },
    {
      title: "Check your organisation's settings",
      body: `Figures are reported in ${org.currency} and days follow the ${org.timezone} time zone.`,
      links: link(`/${org.slug}/settings`, "Open settings", admin),
    },
    {
      title: "Invite your team",
      body: `${members} member${members === 1 ? "" : "s"} so far. Founders, finance and customer success each get a role: owner, admin, member or viewer.`,
      links: link(`/${org.slug}/settings/members`, "Invite members", admin),
    },
    {
      title: "Create an API key",
      body: "Keys let scripts and your product send data to Meridian's JSON API (Authorization: Bearer <key>).",
      links: link(`/${org.slug}/settings/api-keys`, "Manage API keys", admin),
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
                className={`flex h-7 w-7 shrink-0 items-center justify-center rounded-full text-sm font-semibold ${
                  s.done ? "bg-emerald-50 text-emerald-700" : "bg-indigo-50 text-indigo-700"
                }`}
                aria-hidden="true"
              >
                {s.done ? "✓" : i + 1}
              </span>
              <div>
                <p className="font-medium text-slate-900">
                  {s.title}
                  {s.done && <span className="sr-only"> (done)</span>}
                </p>
                <p className="text-sm text-slate-600">{s.body}</p>
                {s.links.length > 0 && (
                  <p className="mt-1 flex flex-wrap gap-x-4">
                    {s.links.map((l) => (
                      <Link
                        key={l.href}
                        href={l.href}
                        className="text-sm font-medium text-indigo-700 underline"
                      >
                        {l.label}
                      </Link>
                    ))}
                  </p>
                )}
              </div>
            </li>
          ))}
        </ol>
      </Card>
    </>
  );
}
