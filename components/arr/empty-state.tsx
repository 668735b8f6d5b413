import Link from "next/link";
import type { Role } from "@/db/schema";
import { hasRole } from "@/lib/orgs/roles";

/** What to do when the org has no revenue yet: bring data in (members and up) or wait for it. */
export function ArrEmptyState({ orgSlug, role }: { orgSlug: string; role: Role }) {
  const member = hasRole(role, "member");
  const admin = hasRole(role, "admin");
  return (
    <section
      aria-labelledby="arr-empty-title"
      className="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200"
      data-testid="arr-empty"
    >
      <h2 id="arr-empty-title" className="text-base font-semibold text-slate-900">
        No revenue data yet
      </h2>
      <p className="mt-1 text-sm text-slate-600">
        The dashboard fills in as soon as this organisation has subscriptions: every number is computed from
        them, the same way for every source.
      </p>
      {member ? (
        <ul className="mt-4 space-y-2 text-sm">
          <li>
            <Link href={`/${orgSlug}/uploads`} className="font-medium text-indigo-700 underline">
              Upload a subscriptions CSV
            </Link>{" "}
            — or use <strong>Load sample data</strong> on the Uploads page to try Meridian with a sample SaaS.
          </li>
          {admin && (
            <li>
              <Link href={`/${orgSlug}/settings/stripe`} className="font-medium text-indigo-700 underline">
                Connect Stripe
              </Link>{" "}
              to sync subscriptions as they change.
            </li>
          )}
          <li>
            <Link href={`/${orgSlug}/customers`} className="font-medium text-indigo-700 underline">
              Add customers by hand
            </Link>{" "}
            with their subscription items.
          </li>
        </ul>
      ) : (
        <p className="mt-4 text-sm text-slate-600">
          Members of this organisation bring data in (uploads or Stripe); it appears here when they do.
        </p>
      )}
    </section>
  );
}
