"use client";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { groupThousands } from "@/lib/format";
import { formatMoney } from "@/lib/money";
import type { TEarlierItems, TUploadPreview } from "@/lib/uploads/plan";
import { LeftOutCheck } from "./left-out-check";

type Ok = Extract<TUploadPreview, { ok: true }>;
type Options = {
  kind: string;
  dateOrder: "" | "mdy" | "dmy";
  decimal: "" | "." | ",";
  amountsIn: "" | "units" | "minor";
};

const KIND_LABELS: Record<string, string> = {
  subscriptions: "Subscriptions",
  customers: "Customers",
  events: "Product events",
};
const DELIMITERS: Record<string, string> = { ",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe" };

/** A column's smallest or largest value: numbers grouped by thousands, dates and text as they are. */
const showStat = (value: unknown) =>
  /^-?\d+(\.\d+)?$/.test(String(value)) ? groupThousands(String(value)) : String(value);

/** Turns a canonical value (a date string, an interval object, …) into short text for the sample table. */
function show(value: unknown, type: string): string {
  if (value === null || value === undefined) return "";
  if (type === "money" && typeof value === "string") return groupThousands(value);
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "object") {
    const v = value as Record<string, unknown>;
    if ("unit" in v && "count" in v) return `${v.count} ${v.unit}${v.count === 1 ? "" : "s"}`;
    if ("decimal" in v) return `${v.currency ?? ""} ${groupThousands(String(v.decimal))}`.trim();
    return JSON.stringify(value);
  }
  return String(value);
}

/** What a remembered mapping brings: "Read as your import of ‘jan.csv’ (2026-11-02), … was: 2 column choices." */
function rememberedNote(r: NonNullable<Ok["remembered"]>): string {
  const n = Object.keys(r.overrides).length;
  const parts = [
    n ? `your ${n} column choice${n === 1 ? "" : "s"}` : null,
    r.dateOrder || r.decimal ? "the date order and decimal mark you chose" : null,
    "the way it read dates and amounts this file cannot decide",
  ].filter(Boolean);
  return `Read as your import of ‘${r.filename}’ (${r.importedAt.slice(0, 10)}), a file with the same columns: ${parts.join(", ")}.`;
}

/** What ticking "end those it leaves out" would end, as far as the preview can tell (LeftOutCheck says exactly). */
function missingText(e: TEarlierItems): string {
  const live = `${e.live.toLocaleString("en-US")} live subscription${e.live === 1 ? "" : "s"} imported before`;
  if (e.missing === null)
    return `The preview read the start of the file only; tick the box to read the whole file and see which of the ${live} it leaves out.`;
  if (e.missing === 0)
    return `${e.live === 1 ? "The" : "All"} ${live} ${e.live === 1 ? "is" : "are"} in this file: nothing would end.`;
  const missing = `${e.missing.toLocaleString("en-US")} of the ${live} ${e.missing === 1 ? "is" : "are"} not in this file`;
  return `${missing}. Left unticked, ${e.missing === 1 ? "it stays" : "they stay"} as ${e.missing === 1 ? "it is" : "they are"}.`;
}

/**
 * The preview step: what was detected (encoding, delimiter, header, kind), the column → field mapping
 * with confidences that the user can change, the problems found and 20 normalised sample rows. Every
 * change asks the server for a fresh preview; "Import" queues the import with the mapping shown.
 */
export function PreviewMapper({
  orgSlug,
  uploadId,
  initial,
}: {
  orgSlug: string;
  uploadId: string;
  initial: TUploadPreview;
}) {
  const router = useRouter();
  const [preview, setPreview] = useState<TUploadPreview>(initial);
  // A mapping remembered from an earlier import of the same columns starts as the user's own choices.
  const remembered = initial.ok ? initial.remembered : null;
  const [overrides, setOverrides] = useState<Record<string, string | null>>(remembered?.overrides ?? {});
  const [options, setOptions] = useState<Options>({
    kind: initial.ok ? initial.kind : "subscriptions",
    dateOrder: remembered?.dateOrder ?? "",
    decimal: remembered?.decimal ?? "",
    amountsIn: "",
  });
  // Changes to subscriptions an earlier upload imported: from a day (split there), or from their start.
  // …and whether the file lists every live subscription, so those it leaves out end on that day.
  const [changes, setChanges] = useState<{ mode: "day" | "start"; day: string; endMissing: boolean }>({
    mode: "day",
    day: new Date().toISOString().slice(0, 10),
    endMissing: false,
  });
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const [importing, setImporting] = useState(false);
  const api = (path: string) => `/api/v1/uploads${path}?org=${encodeURIComponent(orgSlug)}`;

  function body(nextOverrides: Record<string, string | null>, next: Options) {
    return {
      upload_id: uploadId,
      kind: next.kind,
      mapping: nextOverrides,
      ...(next.dateOrder ? { date_order: next.dateOrder } : {}),
      ...(next.decimal ? { decimal: next.decimal } : {}),
      ...(next.amountsIn ? { amounts_in: next.amountsIn } : {}),
    };
  }

  function refresh(nextOverrides: Record<string, string | null>, next: Options) {
    setOverrides(nextOverrides);
    setOptions(next);
    setError(null);
    startTransition(async () => {
      const response = await fetch(api("/preview"), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body(nextOverrides, next)),
      });
      const json = await response.json().catch(() => null);
      if (!response.ok) setError(json?.error ?? `The preview failed (HTTP ${response.status}).`);
      else setPreview(json as TUploadPreview);
    });
  }

  /** The body of POST /api/v1/uploads/:id/import (and /left-out): the preview's format choices under `options`. */
  function importBody(): string {
    const { upload_id: _, kind, mapping, ...formats } = body(overrides, options);
    const changesFrom = changes.mode === "start" ? "start" : changes.day;
    return JSON.stringify({
      kind,
      mapping,
      options: {
        ...formats,
        ...(kind === "subscriptions"
          ? { changes_from: changesFrom, ...(changes.endMissing ? { end_missing: changes.day } : {}) }
          : {}),
      },
    });
  }

  async function startImport() {
    setImporting(true);
    setError(null);
    const response = await fetch(api(`/${uploadId}/import`), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: importBody(),
    });
    if (!response.ok) {
      const json = await response.json().catch(() => null);
      setError(json?.error ?? `The import could not start (HTTP ${response.status}).`);
      setImporting(false);
      return;
    }
    router.refresh();
  }

  if (!preview.ok) {
    return (
      <p role="alert" className="rounded-md bg-red-50 p-4 text-sm text-red-800">
        {preview.error.message}
      </p>
    );
  }
  const p: Ok = preview;
  const errors = p.problems.filter((x) => x.severity === "error");
  const warnings = p.problems.filter((x) => x.severity === "warning");
  // Problems with the file's structure (an unquoted comma shifting values) first: they cause the cell errors.
  const structural = p.problems.filter((x) => x.code === "csv_error");
  const ordered = [...structural, ...[...errors, ...warnings].filter((x) => x.code !== "csv_error")];
  const mappedFields = p.mapping.filter((m) => m.field).map((m) => m.field as string);
  // Every row of a whole file fails: importing it would only fill the rejected rows.
  const noneImportable = !p.truncated && p.rowsSampled > 0 && p.rowsWithErrors === p.rowsSampled;
  // MRR-1 of each sample row as the import will store it (rows it would reject show a dash).
  const showMrr = p.sample.some((r) => r.mrr);
  const needsRates = p.problems.some((x) => x.message.includes("Settings → Exchange rates"));
  const select =
    "block w-full rounded-md border-0 py-1.5 pl-2 pr-8 text-sm text-slate-900 ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600";

  return (
    <div className="space-y-6" aria-busy={pending}>
      <section aria-labelledby="detected" className="rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200">
        <h2 id="detected" className="text-base font-semibold text-slate-900">
          What we found
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          {p.encoding.name.toUpperCase()}
          {p.encoding.bom ? " with BOM" : ""}, {DELIMITERS[p.delimiter] ?? p.delimiter}-separated,{" "}
          {p.headerLine ? `header on line ${p.headerLine}` : "no header row"}; {p.rowsSampled} rows checked
          {p.truncated ? " (the first ones; the import reads them all)" : ""}. Kind: {p.kindReason}.
        </p>
        {p.remembered && (
          <p role="status" className="mt-2 rounded-md bg-indigo-50 p-2 text-sm text-indigo-900">
            {rememberedNote(p.remembered)} Change anything below.
          </p>
        )}
        <div className="mt-4 grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
          <label className="text-sm font-medium text-slate-800">
            The file holds
            <select
              className={`mt-1 ${select}`}
              value={options.kind}
              onChange={(e) => refresh({}, { ...options, kind: e.target.value })}
            >
              {Object.entries(KIND_LABELS).map(([k, label]) => (
                <option key={k} value={k}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          <label className="text-sm font-medium text-slate-800">
            Dates are written
            <select
              className={`mt-1 ${select}`}
              value={options.dateOrder}
              onChange={(e) =>
                refresh(overrides, { ...options, dateOrder: e.target.value as Options["dateOrder"] })
              }
            >
              <option value="">as detected</option>
              <option value="mdy">month first (MM/DD/YYYY)</option>
              <option value="dmy">day first (DD/MM/YYYY)</option>
            </select>
          </label>
          <label className="text-sm font-medium text-slate-800">
            Decimal mark
            <select
              className={`mt-1 ${select}`}
              value={options.decimal}
              onChange={(e) =>
                refresh(overrides, { ...options, decimal: e.target.value as Options["decimal"] })
              }
            >
              <option value="">as detected</option>
              <option value=".">point (1,234.50)</option>
              <option value=",">comma (1.234,50)</option>
            </select>
          </label>
          <label className="text-sm font-medium text-slate-800">
            Amounts are
            <select
              className={`mt-1 ${select}`}
              value={options.amountsIn}
              onChange={(e) =>
                refresh(overrides, { ...options, amountsIn: e.target.value as Options["amountsIn"] })
              }
            >
              <option value="">as detected ({p.amountsIn === "minor" ? "cents" : "units"})</option>
              <option value="units">in currency units (49.00)</option>
              <option value="minor">in cents (4900)</option>
            </select>
          </label>
        </div>
      </section>

      {p.kind === "subscriptions" && p.earlier && (p.earlier.matched > 0 || p.earlier.live > 0) && (
        <section
          aria-labelledby="earlier"
          className="rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200"
        >
          <h2 id="earlier" className="text-base font-semibold text-slate-900">
            Subscriptions imported before
          </h2>
          <p className="mt-1 text-sm text-slate-600" data-testid="earlier">
            {p.earlier.matched.toLocaleString("en-US")} of the {p.rowsSampled.toLocaleString("en-US")} rows
            checked {p.earlier.matched === 1 ? "is a subscription" : "are subscriptions"} an earlier upload
            imported
            {p.earlier.changed > 0
              ? `; ${p.earlier.changed.toLocaleString("en-US")} of them ${p.earlier.changed === 1 ? "changes its" : "change their"} amount, plan, quantity or status, or ${p.earlier.changed === 1 ? "comes" : "come"} back after ending.`
              : ", unchanged."}{" "}
            A change that takes effect on a day shows as expansion, contraction or reactivation then, and the
            months before keep their revenue; a correction rewrites the subscription from its start.
          </p>
          <div className="mt-3 grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
            <label className="text-sm font-medium text-slate-800">
              Changes
              <select
                className={`mt-1 ${select}`}
                value={changes.mode}
                onChange={(e) => setChanges({ ...changes, mode: e.target.value as "day" | "start" })}
              >
                <option value="day">take effect on a day</option>
                <option value="start">are corrections, from the start</option>
              </select>
            </label>
            {(changes.mode === "day" || changes.endMissing) && (
              <label className="text-sm font-medium text-slate-800">
                {changes.mode === "day" ? "Take effect on" : "End those left out on"}
                <input
                  type="date"
                  required
                  className={`mt-1 ${select}`}
                  value={changes.day}
                  onChange={(e) => setChanges({ ...changes, day: e.target.value })}
                />
              </label>
            )}
          </div>
          <label className="mt-4 flex items-start gap-2 text-sm text-slate-800">
            <input
              type="checkbox"
              className="mt-0.5 rounded border-slate-300"
              checked={changes.endMissing}
              onChange={(e) => setChanges({ ...changes, endMissing: e.target.checked })}
            />
            <span>
              <span className="font-medium">
                This file lists every live subscription: end those it leaves out on {changes.day}
              </span>
              {changes.endMissing && changes.day ? (
                <LeftOutCheck url={api(`/${uploadId}/left-out`)} body={importBody()} />
              ) : (
                <span className="block text-slate-600" data-testid="earlier-missing">
                  {missingText(p.earlier)}
                </span>
              )}
            </span>
          </label>
        </section>
      )}

      <section aria-labelledby="mapping" className="rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200">
        <h2 id="mapping" className="text-base font-semibold text-slate-900">
          Columns
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          Each column feeds one field. Change any that is wrong; “Leave out” skips a column.
        </p>
        <div className="mt-3 overflow-x-auto">
          <table className="min-w-full text-left text-sm">
            <thead className="text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="py-2 pr-4">
                  Column
                </th>
                <th scope="col" className="py-2 pr-4">
                  Field
                </th>
                <th scope="col" className="hidden py-2 pr-4 sm:table-cell">
                  Confidence
                </th>
                <th scope="col" className="hidden py-2 pr-4 md:table-cell">
                  Filled
                </th>
                <th scope="col" className="hidden py-2 pr-4 md:table-cell">
                  Range
                </th>
                <th scope="col" className="py-2 pr-4">
                  <span className="hidden sm:inline">Unreadable</span>
                  <span className="sm:hidden">Bad</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {p.mapping.map((m) => {
                const stats = p.columns.find((c) => c.index === m.index);
                return (
                  <tr key={m.index} data-testid={`column-${m.header}`}>
                    <th scope="row" className="py-2 pr-4 font-medium text-slate-900">
                      {m.header}
                    </th>
                    <td className="py-2 pr-4">
                      <select
                        aria-label={`Field for column ${m.header}`}
                        className={`${select} min-w-[11rem]`}
                        value={m.field ?? ""}
                        onChange={(e) =>
                          refresh({ ...overrides, [`#${m.index + 1}`]: e.target.value || null }, options)
                        }
                      >
                        <option value="">Leave out</option>
                        {p.fields.map((f) => (
                          <option key={f.key} value={f.key}>
                            {f.label}
                            {f.key !== m.field && mappedFields.includes(f.key) ? " (in use)" : ""}
                          </option>
                        ))}
                      </select>
                      {/* On a phone the confidence goes under the field, not in a column of its own. */}
                      <span className="mt-1 block max-w-[14rem] text-xs text-slate-500 sm:hidden">
                        {m.field ? `${Math.round(m.confidence * 100)}% · ` : ""}
                        {m.reason}
                      </span>
                    </td>
                    <td className="hidden py-2 pr-4 text-slate-600 sm:table-cell">
                      {m.field ? `${Math.round(m.confidence * 100)}%` : "—"}
                      <span className="block text-xs text-slate-500">{m.reason}</span>
                    </td>
                    <td className="hidden py-2 pr-4 tabular-nums md:table-cell">
                      {stats ? `${Math.round(stats.filled * 100)}% · ${stats.distinct} distinct` : ""}
                    </td>
                    <td className="hidden py-2 pr-4 text-xs text-slate-600 md:table-cell">
                      {stats?.min != null ? `${showStat(stats.min)} … ${showStat(stats.max)}` : ""}
                    </td>
                    <td className={`py-2 pr-4 tabular-nums ${stats?.parseFailures ? "text-red-700" : ""}`}>
                      {stats?.parseFailures ?? 0}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="problems" className="rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200">
        <h2 id="problems" className="text-base font-semibold text-slate-900">
          Problems{" "}
          {p.problems.length
            ? `(${errors.length} ${errors.length === 1 ? "error" : "errors"}, ${warnings.length} ${warnings.length === 1 ? "warning" : "warnings"})`
            : ""}
        </h2>
        {p.problems.length === 0 ? (
          <p className="mt-1 text-sm text-emerald-700">None in the rows checked.</p>
        ) : (
          <ul className="mt-2 max-h-72 space-y-1 overflow-y-auto text-sm">
            {ordered.map((x, i) => (
              <li
                // biome-ignore lint/suspicious/noArrayIndexKey: problems have no id and never reorder
                key={i}
                className={x.severity === "error" ? "text-red-800" : "text-amber-800"}
              >
                {x.severity === "error" ? "Error: " : "Warning: "}
                {x.message}
              </li>
            ))}
          </ul>
        )}
        <p className="mt-2 text-xs text-slate-500">
          Rows with errors are not imported; they are listed, with the reason, in the upload's rejected rows.
        </p>
      </section>

      <section aria-labelledby="sample" className="rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200">
        <h2 id="sample" className="text-base font-semibold text-slate-900">
          The first {p.sample.length} rows, as they will be imported
        </h2>
        {mappedFields.length > 7 && (
          <p className="mt-1 text-xs text-slate-500">
            {mappedFields.length} columns: scroll the table sideways to see them all.
          </p>
        )}
        <div className="mt-3 overflow-x-auto">
          <table className="min-w-full text-left text-xs">
            <thead className="uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="py-2 pr-3">
                  Line
                </th>
                {showMrr && (
                  <th scope="col" className="whitespace-nowrap py-2 pr-3 text-right">
                    MRR
                  </th>
                )}
                {p.fields
                  .filter((f) => mappedFields.includes(f.key))
                  .map((f) => (
                    <th key={f.key} scope="col" className="whitespace-nowrap py-2 pr-3">
                      {f.label}
                    </th>
                  ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {p.sample.map((r) => (
                <tr key={r.line} className={r.errors.length ? "bg-red-50" : ""}>
                  <td className="py-1.5 pr-3 tabular-nums text-slate-500">{r.line}</td>
                  {showMrr && (
                    <td className="whitespace-nowrap py-1.5 pr-3 text-right font-medium tabular-nums">
                      {r.mrr ? formatMoney(r.mrr.minor, r.mrr.currency) : "—"}
                    </td>
                  )}
                  {p.fields
                    .filter((f) => mappedFields.includes(f.key))
                    .map((f) => {
                      // A row that will be rejected shows what the file says, in red, with the reason on hover.
                      const index = p.mapping.find((m) => m.field === f.key)?.index ?? -1;
                      const error = r.errors.find((e) => e.field === f.key);
                      return (
                        <td
                          key={f.key}
                          title={error?.message}
                          className={`max-w-[14rem] truncate whitespace-nowrap py-1.5 pr-3 ${error ? "font-medium text-red-800" : ""}`}
                        >
                          {r.row
                            ? show((r.row as Record<string, unknown>)[f.key], f.type)
                            : (r.raw[index] ?? "")}
                        </td>
                      );
                    })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <div className="flex flex-wrap items-center gap-3">
        <button
          type="button"
          onClick={startImport}
          disabled={!p.canImport || noneImportable || pending || importing}
          className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 disabled:opacity-60"
        >
          {importing ? "Starting…" : `Import ${KIND_LABELS[p.kind]?.toLowerCase() ?? p.kind}`}
        </button>
        {!p.canImport ? (
          <span className="text-sm text-red-800">Fix the errors in the mapping above to import.</span>
        ) : (
          <span
            className={`text-sm ${noneImportable ? "text-red-800" : "text-slate-600"}`}
            data-testid="importable"
          >
            {noneImportable
              ? `None of the ${p.rowsSampled.toLocaleString("en")} rows can be imported: fix the problems above first.`
              : `${(p.rowsSampled - p.rowsWithErrors).toLocaleString("en")} of the ${p.truncated ? "first " : ""}${p.rowsSampled.toLocaleString("en")} rows ${p.truncated ? "checked " : ""}will be imported${p.rowsWithErrors ? `, ${p.rowsWithErrors.toLocaleString("en")} rejected` : ""}.`}
          </span>
        )}
        {needsRates && (
          <a
            href={`/${orgSlug}/settings/exchange-rates`}
            className="basis-full text-sm text-indigo-700 underline"
          >
            Add exchange rates in Settings
          </a>
        )}
        {pending && <span className="text-sm text-slate-500">Updating the preview…</span>}
        <p role="alert" className="basis-full text-sm text-red-700 empty:hidden">
          {error ?? ""}
        </p>
      </div>
    </div>
  );
}
