import Link from "next/link";
import type { ReactNode } from "react";
import type { Role } from "@/db/schema";
import { signOutAction } from "@/lib/actions/sign-out";
import { hasRole } from "@/lib/orgs/roles";
import { MODULES } from "./nav";
import { NavLink } from "./nav-link";

type OrgRef = { slug: string; name: string; role: Role };

/** The signed-in frame: sidebar (a drawer on phones) with the org's modules, org switcher and user menu. */
export function AppShell({
  org,
  orgs,
  role,
  user,
  children,
}: {
  org: { slug: string; name: string };
  orgs: OrgRef[];
  role: Role;
  user: { email: string; name?: string | null };
  children: ReactNode;
}) {
  const modules = MODULES.filter((m) => hasRole(role, m.minRole));
  const nav = (
    <nav aria-label="Modules" className="space-y-1">
      {modules.map((m) => (
        <NavLink key={m.href} href={`/${org.slug}${m.href}`} exact={m.href === ""}>
          {m.label}
        </NavLink>
      ))}
    </nav>
  );
  return (
    <div className="min-h-screen bg-slate-50 md:flex">
      <aside className="hidden w-60 shrink-0 flex-col border-r border-slate-200 bg-white p-4 md:flex">
        <Link href={`/${org.slug}`} className="mb-4 text-lg font-bold tracking-tight text-indigo-700">
          Meridian
        </Link>
        <OrgSwitcher current={org} orgs={orgs} />
        <div className="mt-4 flex-1">{nav}</div>
        <UserMenu user={user} role={role} />
      </aside>
      <details className="group border-b border-slate-200 bg-white md:hidden">
        <summary className="flex cursor-pointer list-none items-center justify-between px-4 py-3">
          <span className="font-bold text-indigo-700">Meridian</span>
          <span className="truncate px-2 text-sm text-slate-700">{org.name}</span>
          <span className="rounded-md px-2 py-1 text-sm ring-1 ring-slate-300" aria-hidden="true">
            Menu
          </span>
          <span className="sr-only">Open the menu</span>
        </summary>
        <div className="space-y-4 px-4 pb-4">
          <OrgSwitcher current={org} orgs={orgs} />
          {nav}
          <UserMenu user={user} role={role} />
        </div>
      </details>
      <main className="min-w-0 flex-1 p-4 sm:p-6 lg:p-8">{children}</main>
    </div>
  );
}

function OrgSwitcher({ current, orgs }: { current: { slug: string; name: string }; orgs: OrgRef[] }) {
  return (
    <details className="relative rounded-md ring-1 ring-slate-200">
      <summary className="cursor-pointer list-none px-3 py-2 text-sm">
        <span className="block text-xs text-slate-500">Organisation</span>
        <span className="flex items-center justify-between gap-2 font-medium text-slate-900">
          <span className="truncate">{current.name}</span>
          <span aria-hidden="true" className="text-slate-500">
            ▾
          </span>
        </span>
      </summary>
      <ul className="border-t border-slate-200 py-1 text-sm">
        {orgs.map((o) => (
          <li key={o.slug}>
            <Link
              href={`/${o.slug}`}
              aria-current={o.slug === current.slug ? "true" : undefined}
              className="block truncate px-3 py-1.5 hover:bg-slate-100 aria-[current]:font-semibold"
            >
              {o.name} <span className="text-xs text-slate-500">({o.role})</span>
            </Link>
          </li>
        ))}
        <li>
          <Link href="/orgs/new" className="block px-3 py-1.5 text-indigo-700 hover:bg-slate-100">
            + New organisation
          </Link>
        </li>
      </ul>
    </details>
  );
}

function UserMenu({ user, role }: { user: { email: string; name?: string | null }; role: Role }) {
  return (
    <div className="border-t border-slate-200 pt-3 text-sm">
      <p className="truncate font-medium text-slate-900">{user.name || user.email}</p>
      <p className="truncate text-xs text-slate-500">
        {user.email} · {role}
      </p>
      <form action={signOutAction} className="mt-2">
        <button type="submit" className="text-sm text-slate-700 underline hover:text-slate-900">
          Sign out
        </button>
      </form>
    </div>
  );
}
