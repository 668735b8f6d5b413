import type { ReactNode } from "react";

/** A dashboard section: a card with a heading (its accessible name), a note, and actions such as exports. */
export function Section({
  id,
  title,
  description,
  actions,
  children,
}: {
  id: string;
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
}) {
  return (
    <section
      id={id}
      aria-labelledby={`${id}-title`}
      className="min-w-0 scroll-mt-4 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200 sm:p-5"
    >
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <h2 id={`${id}-title`} className="text-base font-semibold text-slate-900">
            {title}
          </h2>
          {description && <p className="mt-1 text-sm text-slate-600">{description}</p>}
        </div>
        {actions && <div className="flex flex-wrap gap-3 text-sm">{actions}</div>}
      </div>
      <div className="mt-4">{children}</div>
    </section>
  );
}

export function ExportLink({ href, label }: { href: string; label: string }) {
  return (
    <a href={href} download className="whitespace-nowrap text-indigo-700 underline">
      {label}
    </a>
  );
}

/** The placeholder a streamed section shows until its data arrives. */
export function SectionSkeleton({ title, height = "h-48" }: { title: string; height?: string }) {
  return (
    <div
      role="status"
      aria-label={`Loading ${title}`}
      className="rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200"
    >
      <p className="text-base font-semibold text-slate-900">{title}</p>
      <div className={`mt-4 animate-pulse rounded bg-slate-100 ${height}`} />
    </div>
  );
}
