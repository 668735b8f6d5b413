import { createReadStream, statSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { listRejections } from "@/db/queries/uploads";
import { organizations, UPLOAD_KINDS, type Upload, type UploadKind } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { describeRowError } from "@/lib/ingest/normalise";
import { formatMoney } from "@/lib/money";
import { type ImportProgress, importUpload } from "@/lib/uploads/import";
import { leftOutItems, leftOutJson, type TLeftOutJson } from "@/lib/uploads/left-out";
import { previewUpload, queueImport, type TQueueImport } from "@/lib/uploads/plan";
import { maxUploadBytes, storeUpload } from "@/lib/uploads/store";
import { deleteUpload } from "@/lib/uploads/undo";
import type { CliContext } from "../context";

/*
 * `meridian import FILE --org S`: the same pipeline as an upload in the app (store → preview → import),
 * run in this process, so it works whether or not the app is running. The same file again is recognised
 * and not imported twice.
 */

export type ImportOptions = {
  org: string;
  kind?: string;
  map?: string[];
  /** dmy or mdy: how dates like 03/02/2024 are read when the file cannot tell. */
  dateOrder?: string;
  /** "." or ",": the decimal mark of amounts like 1.234 when the file cannot tell. */
  decimal?: string;
  /** Currency of amounts that name none (default: the organisation's). */
  currency?: string;
  /** "units" (49.00) or "cents" (4900); default: decided from the file (Baremetrics' template is cents). */
  amountsIn?: string;
  /** A day (YYYY-MM-DD) or "start": when changes to subscriptions imported before take effect. */
  changesFrom?: string;
  /** The file lists every live subscription: end those imported before that it leaves out. */
  endMissing?: boolean;
  /** Check only: the preview's warnings and, with endMissing, what it would end; nothing is kept. */
  dryRun?: boolean;
};

/** What `--dry-run` prints: nothing was imported, and the stored file was discarded again. */
export type DryRunSummary = {
  dry_run: true;
  /** The upload this file already was (duplicate), else null: the one stored for the check is gone. */
  upload_id: string | null;
  duplicate: boolean;
  kind: UploadKind | null;
  warnings: string[];
  /** With --end-missing, for subscriptions: leftOutItems (POST /api/v1/uploads/:id/left-out). */
  left_out: TLeftOutJson | null;
};

export type ImportSummary = {
  upload_id: string;
  status: Upload["status"];
  rows_read: number;
  rows_imported: number;
  rows_rejected: number;
  rows_unchanged: number;
  /** With --end-missing: subscriptions imported before that the file left out, ended; else null. */
  items_ended: number | null;
  duplicate: boolean;
  /** What the preview warned about before importing (a date order it had to guess, …). */
  warnings: string[];
  error: string | null;
  /** The earlier import of the same columns whose choices and formats this file was read with. */
  remembered_from?: { upload_id: string; filename: string };
  rejections: { line: number; column: string | null; value: string | null; message: string }[];
};

const collect = (value: string, previous: string[]) => [...previous, value];

/** "Header=field" pairs; "Header=" leaves the column out. */
export function parseMapOptions(pairs: readonly string[]): Record<string, string | null> {
  const mapping: Record<string, string | null> = {};
  for (const pair of pairs) {
    const at = pair.lastIndexOf("=");
    if (at <= 0) throw new AppError(422, `--map "${pair}": write it as "Header=field"`);
    const field = pair.slice(at + 1).trim();
    mapping[pair.slice(0, at)] = field === "" || field === "none" ? null : field;
  }
  return mapping;
}

function progressBar(p: ImportProgress): string {
  const share = p.sizeBytes ? Math.min(1, p.bytesProcessed / p.sizeBytes) : 0;
  const width = 30;
  const filled = Math.round(share * width);
  return `\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}%  ${p.rowsRead.toLocaleString("en")} rows`;
}

/** --date-order, --decimal and --currency, checked. */
function formatOptions(o: ImportOptions) {
  if (o.dateOrder !== undefined && o.dateOrder !== "dmy" && o.dateOrder !== "mdy") {
    throw new AppError(422, "--date-order: use dmy (31/01/2024) or mdy (01/31/2024)");
  }
  if (o.decimal !== undefined && o.decimal !== "." && o.decimal !== ",") {
    throw new AppError(422, '--decimal: use "." (1,234.50) or "," (1.234,50)');
  }
  const currency = o.currency?.trim().toUpperCase();
  if (currency !== undefined && !/^[A-Z]{3}$/.test(currency)) {
    throw new AppError(422, "--currency: use a three-letter code such as EUR");
  }
  if (o.amountsIn !== undefined && o.amountsIn !== "units" && o.amountsIn !== "cents") {
    throw new AppError(422, "--amounts-in: use units (49.00) or cents (4900)");
  }
  const changesFrom = o.changesFrom?.trim();
  if (changesFrom !== undefined && changesFrom !== "start" && !isDay(changesFrom)) {
    throw new AppError(422, "--changes-from: use a date (2024-11-01) or start");
  }
  return {
    ...(changesFrom ? { changesFrom } : {}),
    ...(o.endMissing ? { endMissing: true } : {}),
    ...(o.amountsIn ? { amountsIn: o.amountsIn === "cents" ? ("minor" as const) : ("units" as const) } : {}),
    ...(o.dateOrder ? { dateOrder: o.dateOrder as "dmy" | "mdy" } : {}),
    ...(o.decimal ? { decimal: o.decimal as "." | "," } : {}),
    ...(currency ? { defaultCurrency: currency } : {}),
  };
}

/** A real calendar day written YYYY-MM-DD. */
function isDay(v: string): boolean {
  const d = new Date(`${v}T00:00:00Z`);
  return /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

const isUploadKind = (k: string): k is UploadKind => (UPLOAD_KINDS as readonly string[]).includes(k);

export async function runImport(
  db: Db,
  file: string,
  o: ImportOptions,
  onProgress?: (p: ImportProgress) => void,
): Promise<ImportSummary | DryRunSummary> {
  const [org] = await db
    .select({ id: organizations.id })
    .from(organizations)
    .where(eq(organizations.slug, o.org.trim().toLowerCase()));
  if (!org) throw new AppError(404, `organisation "${o.org}" not found`);
  if (o.kind !== undefined && !isUploadKind(o.kind)) {
    throw new AppError(422, "--kind: use subscriptions, customers or events");
  }
  const formats = formatOptions(o);
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new AppError(404, `cannot read ${file}`);
  }
  const maxBytes = maxUploadBytes();
  if (size > maxBytes)
    throw new AppError(413, `The file is larger than the ${maxBytes / 1024 / 1024} MB limit`);
  const stored = await storeUpload(db, {
    orgId: org.id,
    userId: null,
    filename: path.basename(file),
    contentType: "text/csv",
    body: createReadStream(file),
    maxBytes,
  });
  let upload = stored.upload;
  const warnings: string[] = [];
  const plan = {
    orgId: org.id,
    uploadId: upload.id,
    kind: o.kind as UploadKind | undefined,
    mapping: o.map?.length ? parseMapOptions(o.map) : undefined,
    options: formats,
  };
  /** What the app's preview would show before the import button: said before importing. */
  const previewWarnings = async () => {
    const preview = await previewUpload(db, { ...plan, ...plan.options });
    if (!preview.ok) return preview;
    warnings.push(...preview.problems.filter((p) => p.severity === "warning").map((p) => p.message));
    if (preview.earlier?.changed) warnings.push(earlierWarning(preview.earlier.changed, formats.changesFrom));
    // Only for a file that repeats subscriptions imported before (a later export of the same system);
    // a file of new subscriptions only leaves out everything and says nothing about it.
    if (!formats.endMissing && preview.earlier?.matched && preview.earlier.missing)
      warnings.push(missingWarning(preview.earlier.missing));
    return preview;
  };
  if (o.dryRun) return dryRun(db, { stored, plan, warnings, previewWarnings });
  if (upload.status !== "complete") {
    if (upload.status !== "importing" && upload.status !== "queued") {
      await previewWarnings();
      upload = await queueImport(db, plan);
    }
    upload = (await importUpload(db, { orgId: org.id, uploadId: upload.id }, { onProgress })).upload;
  }
  const rejections = await listRejections(db, org.id, upload.id, { limit: 10 });
  return {
    upload_id: upload.id,
    status: upload.status,
    rows_read: upload.rowsRead,
    rows_imported: upload.rowsImported,
    rows_rejected: upload.rowsRejected,
    rows_unchanged: upload.rowsUnchanged,
    items_ended: upload.itemsEnded,
    duplicate: stored.duplicate,
    warnings,
    error: upload.error,
    ...(upload.options.rememberedFrom
      ? {
          remembered_from: {
            upload_id: upload.options.rememberedFrom.uploadId,
            filename: upload.options.rememberedFrom.filename,
          },
        }
      : {}),
    rejections: rejections.map(({ line, column, value, message }) => ({ line, column, value, message })),
  };
}

/**
 * --dry-run: the preview's warnings and, with --end-missing, what the import would end (read from the
 * whole file); then the stored file is discarded, unless it was an upload already.
 */
async function dryRun(
  db: Db,
  {
    stored,
    plan,
    warnings,
    previewWarnings,
  }: {
    stored: Awaited<ReturnType<typeof storeUpload>>;
    plan: TQueueImport;
    warnings: string[];
    previewWarnings: () => ReturnType<typeof previewUpload>;
  },
): Promise<DryRunSummary> {
  const { upload } = stored;
  try {
    if (upload.status !== "uploaded") {
      return {
        dry_run: true,
        upload_id: upload.id,
        duplicate: true,
        kind: upload.kind,
        warnings,
        left_out: null,
      };
    }
    const preview = await previewWarnings();
    // Unreadable: the import would fail with this one message.
    if (!preview.ok) throw new AppError(422, preview.error.message);
    const left =
      plan.options?.endMissing && preview.kind === "subscriptions" ? await leftOutItems(db, plan) : null;
    return {
      dry_run: true,
      upload_id: stored.duplicate ? upload.id : null,
      duplicate: stored.duplicate,
      kind: preview.kind,
      warnings,
      left_out: left && leftOutJson(left),
    };
  } finally {
    if (!stored.duplicate)
      await deleteUpload(db, { orgId: plan.orgId, uploadId: upload.id, actorUserId: null });
  }
}

function dryRunText(s: DryRunSummary): string {
  const n = (x: number) => x.toLocaleString("en");
  const lines = [
    s.duplicate && s.upload_id
      ? `Dry run: this file was uploaded before (upload ${s.upload_id}); nothing was changed.`
      : "Dry run: nothing was imported, and the file was not kept.",
  ];
  const l = s.left_out;
  if (l) {
    const rows = `${n(l.rows_read)} row${l.rows_read === 1 ? "" : "s"}`;
    const live = `${n(l.live)} subscription${l.live === 1 ? "" : "s"} live on ${l.day} that earlier uploads imported`;
    if (l.missing === 0)
      lines.push(`With --end-missing: the file (${rows}) lists all ${live}; nothing would end.`);
    else {
      lines.push(
        `With --end-missing: the file (${rows}) leaves out ${n(l.missing)} of the ${live}; they would end on ${l.day}, ${formatMoney(l.missing_mrr, l.currency)} of MRR. The largest:`,
      );
      for (const e of l.examples)
        lines.push(
          `  ${e.subscription_id}  ${e.customer}${e.plan ? ` (${e.plan})` : ""}  ${formatMoney(e.mrr, l.currency)}`,
        );
    }
  }
  if (s.warnings.length) {
    lines.push("Warnings:");
    for (const w of s.warnings) lines.push(`  ${w}`);
  }
  return lines.join("\n");
}

/** The warning for rows that change subscriptions an earlier upload imported. */
function earlierWarning(changed: number, changesFrom: string | undefined): string {
  const rows = `${changed.toLocaleString("en")} of the first rows change${changed === 1 ? "s" : ""} subscriptions imported before`;
  return changesFrom === "start"
    ? `${rows}: they are corrected from each subscription's start (--changes-from start).`
    : `${rows}: the changes take effect on ${changesFrom ?? new Date().toISOString().slice(0, 10)}, the months before keep their revenue (--changes-from DATE chooses the day, --changes-from start corrects them from each subscription's start instead).`;
}

function missingWarning(missing: number): string {
  const one = missing === 1;
  return `${missing.toLocaleString("en")} subscription${one ? "" : "s"} imported before and still live ${one ? "is" : "are"} not in this file and ${one ? "stays as it is" : "stay as they are"} (--end-missing ends ${one ? "it" : "them"}, when the file lists every live subscription).`;
}

function summaryText(s: ImportSummary): string {
  const n = (x: number) => x.toLocaleString("en");
  const lines = [
    s.duplicate ? `This file was uploaded before (upload ${s.upload_id}).` : `Upload ${s.upload_id}.`,
    ...(s.remembered_from
      ? [
          `Read as your import of ‘${s.remembered_from.filename}’ (upload ${s.remembered_from.upload_id}), a file with the same columns: its column choices and formats.`,
        ]
      : []),
    `${s.status}: ${n(s.rows_read)} rows read, ${n(s.rows_imported)} imported, ${n(s.rows_unchanged)} unchanged, ${n(s.rows_rejected)} rejected`,
    ...(s.items_ended !== null
      ? [
          `${n(s.items_ended)} subscription${s.items_ended === 1 ? "" : "s"} imported before and not in this file ended.`,
        ]
      : []),
  ];
  if (s.warnings.length) {
    lines.push("Warnings:");
    for (const w of s.warnings) lines.push(`  ${w}`);
  }
  if (s.error) lines.push(s.error);
  if (s.rejections.length) {
    lines.push("Rejected rows:");
    for (const r of s.rejections) {
      lines.push(`  ${describeRowError({ ...r, field: "", code: "rule" })}`);
    }
    if (s.rows_rejected > s.rejections.length) {
      lines.push(`  … all of them: GET /api/v1/uploads/${s.upload_id}/rejections.csv`);
    }
  }
  return lines.join("\n");
}

export function registerImportCommands(program: Command, ctx: CliContext): void {
  program
    .command("import")
    .description("import a CSV file of subscriptions, customers or product events into an organisation")
    .argument("<file>", "the CSV file")
    .usage(
      '<file> --org <slug> [--kind subscriptions|customers|events] [--map "Header=field" ...] [--date-order dmy|mdy] [--decimal .|,] [--currency CODE] [--amounts-in units|cents] [--changes-from DAY|start] [--end-missing] [--dry-run]',
    )
    .requiredOption("--org <slug>", "organisation slug")
    .option("--kind <kind>", "subscriptions, customers or events (default: detected from the columns)")
    .option(
      "--map <Header=field>",
      'map a column to a field ("Header=" leaves it out); repeatable',
      collect,
      [],
    )
    .option(
      "--date-order <order>",
      "dmy or mdy: how to read dates like 03/02/2024 (default: decided from the data)",
    )
    .option("--decimal <mark>", '"." or ",": the decimal mark of amounts (default: decided from the data)')
    .option("--currency <code>", "currency of amounts that name none (default: the organisation's)")
    .option("--amounts-in <unit>", "units (49.00) or cents (4900) (default: decided from the file)")
    .option(
      "--changes-from <day>",
      "the day changes to subscriptions imported before take effect (YYYY-MM-DD), or start to correct them from their start (default: today)",
    )
    .option(
      "--end-missing",
      "the file lists every live subscription: those imported before that it leaves out end on the --changes-from day (today with start)",
    )
    .option(
      "--dry-run",
      "check only: print the preview's warnings and, with --end-missing, what the import would end; import and keep nothing",
    )
    .addHelpText(
      "after",
      [
        "",
        "Fields: subscription_id, customer_id, customer_name, customer_email, company, country, industry,",
        "segment, plan, quantity, amount, currency, interval, interval_count, mrr, discount_percent,",
        "discount_amount, start_date, end_date, status (customers: the customer fields and created_at;",
        "events: id, user_id, name, timestamp, customer_id, properties).",
        "",
        "Example:",
        '  meridian import subs.csv --org acme --map "Started=start_date" --map "Notes=" --json',
      ].join("\n"),
    )
    .action(async (file: string, options: ImportOptions, command: Command) => {
      const { json } = command.optsWithGlobals<{ json?: boolean }>();
      const tty = !json && process.stderr.isTTY === true;
      const summary = await runImport(
        ctx.openDb().db,
        file,
        options,
        tty ? (p) => ctx.io.stderr(progressBar(p)) : undefined,
      );
      if (tty) ctx.io.stderr("\n");
      if ("dry_run" in summary) {
        ctx.io.stdout(json ? `${JSON.stringify(summary)}\n` : `${dryRunText(summary)}\n`);
        return;
      }
      if (json) {
        const { rejections: _r, duplicate: _d, error: _e, warnings: _w, ...counts } = summary;
        ctx.io.stdout(
          `${JSON.stringify({ ...counts, duplicate: summary.duplicate, warnings: summary.warnings, error: summary.error })}\n`,
        );
      } else ctx.io.stdout(`${summaryText(summary)}\n`);
      if (summary.status === "failed") throw new Error(`import failed: ${summary.error ?? "unknown error"}`);
    });
}
