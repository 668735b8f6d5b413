import type { Metadata } from "next";
import Link from "next/link";
import { AddCustomerForm } from "@/components/customers/customer-form";
import { formatMonth } from "@/components/customers/describe";
import { Card, PageHeader } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { getDb } from "@/db/client";
import { CUSTOMERS_PAGE_SIZE, listCustomers, monthOf } from "@/db/queries/customers";
import { requireOrgPage } from "@/lib/auth/org-context";
import { formatMoney } from "@/lib/money";
import { hasRole } from "@/lib/orgs/roles";

export const metadata: Metadata = { title: "Customers" };

export default async function CustomersPage({
  params,
  searchParams,
}: {
  params: Promise<{ orgSlug: string }>;
  searchParams: Promise<{ q?: string | string[]; page?: string | string[] }>;
}) {
  const { orgSlug } = await params;
  const sp = await searchParams;
  const { org, role } = await requireOrgPage(orgSlug, "viewer", `/${orgSlug}/customers`);
  const q = (typeof sp.q === "string" ? sp.q : "").trim().slice(0, 200);
  const requested = Number(typeof sp.page === "string" ? sp.page : 1);
  const page = Number.isSafeInteger(requested) && requested > 0 ? requested : 1;
  const { rows, total } = await listCustomers(getDb(), { orgId: org.id, q, page });
  const canWrite = hasRole(role, "member");
  const empty = total === 0 && !q;
  const pages = Math.max(1, Math.ceil(total / CUSTOMERS_PAGE_SIZE));
  const base = `/${org.slug}/customers`;
  const pageHref = (n: number) => {
    const query = new URLSearchParams({ ...(q ? { q } : {}), ...(n > 1 ? { page: String(n) } : {}) });
    return query.size ? `${base}?${query}` : base;
  };
  const first = (page - 1) * CUSTOMERS_PAGE_SIZE + 1;

  return (
    <div className="space-y-6">
      <PageHeader
        title="Customers"
        description={`MRR is each customer's MRR at the end of ${formatMonth(monthOf(new Date()))}, in ${org.currency}.`}
      />
      {canWrite && (
        <details
          open={empty}
          className="group rounded-lg bg-white shadow-sm ring-1 ring-slate-200 [&_summary::-webkit-details-marker]:hidden"
        >
          <summary className="flex cursor-pointer list-none items-center justify-between px-5 py-4 text-base font-semibold text-slate-900">
            Add a customer
            <span aria-hidden="true" className="text-slate-500 group-open:rotate-180">
              ▾
            </span>
          </summary>
          <div className="border-t border-slate-100 px-5 pb-5 pt-4">
            <AddCustomerForm orgSlug={org.slug} />
          </div>
        </details>
      )}
      <Card>
        <search className="mb-4 block">
          <form method="get" action={base} className="flex flex-wrap items-end gap-2">
            <div className="min-w-0 flex-1 sm:max-w-sm">
              <label htmlFor="customer-search" className="block text-sm font-medium text-slate-800">
                Search by name
              </label>
              <input
                id="customer-search"
                name="q"
                type="search"
                defaultValue={q}
                className="mt-1 block w-full rounded-md border-0 px-3 py-2 text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:outline-none focus:ring-2 focus:ring-inset focus:ring-indigo-600 sm:text-sm"
              />
            </div>
            <button
              type="submit"
              className="rounded-md bg-white px-3 py-2 text-sm font-semibold text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50"
            >
              Search
            </button>
            {q && (
              <Link href={base} className="px-2 py-2 text-sm text-indigo-700 underline">
                Clear
              </Link>
            )}
          </form>
        </search>
        {empty ? (
          <p className="text-sm text-slate-600">
            No customers yet.{" "}
            {canWrite
              ? "Add your first customer with the form above, then give it its subscription items on its page: its MRR appears here."
              : "Members of this organisation add customers here; they appear in this list with their MRR."}
          </p>
        ) : total === 0 ? (
          <p className="text-sm text-slate-600">No customer's name contains “{q}”.</p>
        ) : (
          <>
            <Table
              columns={[
                { label: "Name" },
                { label: "Customer id", className: "hidden sm:table-cell" },
                { label: "Country", className: "hidden md:table-cell" },
                { label: "Segment", className: "hidden md:table-cell" },
                { label: "MRR", className: "text-right" },
                { label: "Active items", className: "text-right" },
              ]}
            >
              {rows.map((c) => (
                <tr key={c.id} data-testid={`customer-${c.externalId}`}>
                  <td className="py-2 pr-4">
                    <Link href={`${base}/${c.id}`} className="font-medium text-indigo-700 hover:underline">
                      {c.name}
                    </Link>
                  </td>
                  <td className="hidden max-w-[12rem] truncate py-2 pr-4 font-mono text-xs text-slate-600 sm:table-cell">
                    {c.externalId}
                  </td>
                  <td className="hidden py-2 pr-4 md:table-cell">{c.country ?? "—"}</td>
                  <td className="hidden py-2 pr-4 md:table-cell">{c.segment ?? "—"}</td>
                  <td className="whitespace-nowrap py-2 pr-4 text-right tabular-nums">
                    {formatMoney(c.mrr, org.currency)}
                  </td>
                  <td className="py-2 pr-4 text-right tabular-nums">{c.activeItems}</td>
                </tr>
              ))}
            </Table>
            {rows.length === 0 && <p className="mt-3 text-sm text-slate-600">No customers on this page.</p>}
            <nav
              aria-label="Pages"
              className="mt-4 flex flex-wrap items-center justify-between gap-2 text-sm text-slate-600"
            >
              <span>
                {rows.length > 0
                  ? `${first}–${first + rows.length - 1} of ${total}`
                  : `${total} customer${total === 1 ? "" : "s"}`}
              </span>
              <span className="flex gap-3">
                {page > 1 && (
                  <Link href={pageHref(Math.min(page - 1, pages))} className="text-indigo-700 underline">
                    Previous
                  </Link>
                )}
                {page < pages && (
                  <Link href={pageHref(page + 1)} className="text-indigo-700 underline">
                    Next
                  </Link>
                )}
              </span>
            </nav>
          </>
        )}
      </Card>
    </div>
  );
}
