import type { ReactNode } from "react";

export type Column = { label: string; srOnly?: boolean; className?: string };

/** A plain data table that scrolls sideways inside its box (never the page) on narrow screens. */
export function Table({ columns, children }: { columns: Column[]; children: ReactNode }) {
  return (
    // `relative`: keeps sr-only header cells (absolutely positioned) inside the scroll box.
    <div className="relative overflow-x-auto">
      <table className="min-w-full text-sm">
        <thead className="text-left text-xs uppercase text-slate-500">
          <tr>
            {columns.map((c) => (
              <th key={c.label} className={`py-2 pr-4 ${c.className ?? ""}`}>
                {c.srOnly ? <span className="sr-only">{c.label}</span> : c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">{children}</tbody>
      </table>
    </div>
  );
}
