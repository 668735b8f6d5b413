import type { Command } from "commander";
import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { toMajor } from "@/db/queries/revenue-json";
import { organizations } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { checkAlerts } from "@/lib/snapshots/alerts";
import { backfillDay, backfillDays, finishBackfillMonth, startBackfill } from "@/lib/snapshots/backfill";
import { computeSnapshot } from "@/lib/snapshots/compute";
import { isIsoDay, lastCompleteDay, monthsBetween } from "@/lib/snapshots/dates";
import type { CliContext } from "../context";
import { dbAction } from "../output";
import { findOrg } from "./metrics";

/*
 * `meridian snapshot` and `meridian backfill`: the executive metrics' daily snapshot jobs run in this
 * process with the very functions the jobs call (lib/snapshots), so they work with or without Inngest and
 * while the app is running.
 */

export type SnapshotOptions = { org: string; date?: string };
export type BackfillOptions = { org: string; from: string; to: string };

async function orgTimezone(db: Db, orgId: string): Promise<string> {
  const [org] = await db
    .select({ tz: organizations.timezone })
    .from(organizations)
    .where(eq(organizations.id, orgId));
  return org?.tz ?? "UTC";
}

export async function runSnapshot(db: Db, o: SnapshotOptions) {
  const org = await findOrg(db, o.org);
  const date = o.date ?? lastCompleteDay(await orgTimezone(db, org.id));
  if (!isIsoDay(date)) throw new AppError(422, `--date "${date}" is not a day; use YYYY-MM-DD.`);
  const s = await computeSnapshot(db, { orgId: org.id, date });
  const alerts = await checkAlerts(db, { orgId: org.id, date });
  return {
    org: org.slug,
    date: s.date,
    currency: s.currency,
    mrr: toMajor(s.mrr, s.currency),
    customers: s.customersTotal,
    dau: s.dau,
    mau: s.mau,
    activation_rate: s.activationRate,
    jobs_failed: s.jobsFailed,
    jobs_total: s.jobsTotal,
    runway_months: s.runwayMonths,
    alerts_opened: alerts.opened.length,
    alerts_mailed: alerts.mailed.length,
  };
}

export async function runBackfill(db: Db, o: BackfillOptions, progress?: (line: string) => void) {
  const org = await findOrg(db, o.org);
  const backfill = await startBackfill(db, { orgId: org.id, from: o.from, to: o.to });
  let done = backfill;
  for (const { month } of monthsBetween(backfill.fromDate, backfill.toDate)) {
    const days = backfillDays(backfill, month);
    for (const date of days) await backfillDay(db, { orgId: org.id, date });
    done = await finishBackfillMonth(db, {
      orgId: org.id,
      backfillId: backfill.id,
      month,
      days: days.length,
    });
    progress?.(
      `\rbackfill ${org.slug}: ${done.monthsDone}/${done.monthsTotal} months, ${done.daysDone} days (${month})`,
    );
  }
  return {
    backfill_id: done.id,
    org: org.slug,
    from: done.fromDate,
    to: done.toDate,
    status: done.status,
    months_done: done.monthsDone,
    months_total: done.monthsTotal,
    days_done: done.daysDone,
  };
}

const snapshotText = (r: Awaited<ReturnType<typeof runSnapshot>>) =>
  [
    `Snapshot of ${r.org} on ${r.date}: MRR ${r.mrr} ${r.currency}, ${r.customers} customers, DAU ${r.dau}, MAU ${r.mau}`,
    `import jobs ${r.jobs_failed}/${r.jobs_total} failed; runway ${r.runway_months === null ? "—" : `${r.runway_months.toFixed(1)} months`}`,
    `alerts opened ${r.alerts_opened}, mailed ${r.alerts_mailed}`,
  ].join("\n");

export function registerSnapshotCommands(program: Command, ctx: CliContext): void {
  program
    .command("snapshot")
    .description(
      "compute (or recompute) one day's executive metrics snapshot of an org, then check its alerts",
    )
    .usage("--org <slug> [--date YYYY-MM-DD]")
    .requiredOption("--org <slug>", "organisation slug")
    .option("--date <YYYY-MM-DD>", "the day (default: the last complete day in the org's timezone)")
    .addHelpText("after", "\nExample:\n  meridian snapshot --org acme --date 2025-06-30 --json")
    .action(dbAction(ctx, (h, o: SnapshotOptions) => runSnapshot(h.db, o), snapshotText));

  program
    .command("backfill")
    .description("compute the daily snapshots of a past range, month by month, with progress")
    .usage("--org <slug> --from YYYY-MM-DD --to YYYY-MM-DD")
    .requiredOption("--org <slug>", "organisation slug")
    .requiredOption("--from <YYYY-MM-DD>", "first day")
    .requiredOption("--to <YYYY-MM-DD>", "last day (at most the last complete day)")
    .addHelpText("after", "\nExample:\n  meridian backfill --org acme --from 2024-01-01 --to 2024-12-31")
    .action(async (o: BackfillOptions, command: Command) => {
      const { json } = command.optsWithGlobals<{ json?: boolean }>();
      const progress = json ? undefined : (line: string) => ctx.io.stderr(line);
      const result = await runBackfill(ctx.openDb().db, o, progress);
      if (progress) ctx.io.stderr("\n");
      ctx.io.stdout(
        `${json ? JSON.stringify(result) : `Backfill ${result.status}: ${result.days_done} days in ${result.months_done} months (${result.from} … ${result.to}).`}\n`,
      );
    });
}
