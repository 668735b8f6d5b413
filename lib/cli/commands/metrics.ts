import type { Command } from "commander";
import { eq } from "drizzle-orm";
import type { z } from "zod";
import type { Db } from "@/db/client";
import {
  defaultReportMonth,
  getCohorts,
  getMovements,
  getSummary,
  type RevenueFilters,
  ZMonth,
} from "@/db/queries/revenue";
import {
  cohortsJson,
  movementsJson,
  parseFilters,
  rangeOrDefault,
  summaryJson,
  ZCohortFormat,
  ZCohortKind,
} from "@/db/queries/revenue-json";
import { organizations } from "@/db/schema";
import { AppError } from "@/lib/errors";
import type { CliContext } from "../context";
import { dbAction } from "../output";
import { cohortsText, movementsText, summaryText } from "./metrics-text";

/*
 * `meridian metrics | movements | cohorts`: the revenue reads of /api/v1/metrics from the command line.
 * --json prints exactly the API's JSON; without it, readable tables.
 */

type FilterOptions = { plan?: string; country?: string; segment?: string; industry?: string };
export type MetricsOptions = FilterOptions & { org: string; month?: string };
export type MovementsOptions = FilterOptions & { org: string; from?: string; to?: string };
export type CohortsOptions = MovementsOptions & { kind?: string; format?: string };

type Org = { id: string; slug: string; name: string; currency: string };

// The CLI acts outside any membership, so it looks the org up by slug alone (the app never should).
export async function findOrg(db: Db, slug: string): Promise<Org> {
  const [org] = await db
    .select({
      id: organizations.id,
      slug: organizations.slug,
      name: organizations.name,
      currency: organizations.currency,
    })
    .from(organizations)
    .where(eq(organizations.slug, slug.trim().toLowerCase()))
    .limit(1);
  if (!org) throw new AppError(404, `organisation "${slug}" not found`);
  return org;
}

function option<T extends z.ZodType>(schema: T, value: unknown, flag: string): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new AppError(422, `${flag}: ${parsed.error.issues[0]?.message ?? "invalid value"}`);
  }
  return parsed.data;
}

const month = (value: string | undefined, flag: string) =>
  value === undefined ? undefined : option(ZMonth, value, flag);

const filtersOf = (o: FilterOptions): RevenueFilters =>
  parseFilters((name) => (o[name] === undefined ? [] : [o[name]]));

async function rangeOf(db: Db, org: Org, o: MovementsOptions) {
  const to = month(o.to, "--to");
  return rangeOrDefault({ from: month(o.from, "--from"), to }, to ?? (await defaultReportMonth(db, org.id)));
}

export async function metricsSummary(db: Db, o: MetricsOptions) {
  const org = await findOrg(db, o.org);
  const m = month(o.month, "--month") ?? (await defaultReportMonth(db, org.id));
  return summaryJson(await getSummary(db, { orgId: org.id, month: m, filters: filtersOf(o) }));
}

export async function metricsMovements(db: Db, o: MovementsOptions) {
  const org = await findOrg(db, o.org);
  const rows = await getMovements(db, {
    orgId: org.id,
    ...(await rangeOf(db, org, o)),
    filters: filtersOf(o),
  });
  return movementsJson(rows, org.currency);
}

export async function metricsCohorts(db: Db, o: CohortsOptions) {
  const org = await findOrg(db, o.org);
  const kind = option(ZCohortKind, o.kind ?? "logo", "--kind");
  const format = option(ZCohortFormat, o.format ?? "counts", "--format");
  const range = await rangeOf(db, org, o);
  const matrix = await getCohorts(db, { orgId: org.id, ...range, kind, format, filters: filtersOf(o) });
  return cohortsJson(matrix, { kind, format, currency: org.currency });
}

function withFilters(command: Command): Command {
  return command
    .option("--plan <ids>", "only these plans (external ids, comma-separated)")
    .option("--country <codes>", "only customers in these countries (comma-separated)")
    .option("--segment <names>", "only these segments (comma-separated)")
    .option("--industry <names>", "only these industries (comma-separated)");
}

const DATA_HELP =
  "\nMoney is in the org's reporting currency; months run month end to month end (METRICS.md MRR-3).";

export function registerMetricsCommands(program: Command, ctx: CliContext): void {
  withFilters(
    program
      .command("metrics")
      .description(
        "headline revenue metrics of a month and the month before (MRR, ARR, NRR, churn, ARPA, LTV)",
      )
      .usage("--org <slug> [--month YYYY-MM] [filters]")
      .requiredOption("--org <slug>", "organisation slug")
      .option("--month <YYYY-MM>", "the month (default: the current month, or the last month with data)"),
  )
    .addHelpText("after", `${DATA_HELP}\n\nExample:\n  meridian metrics --org acme --month 2024-06 --json`)
    .action(dbAction(ctx, (h, o: MetricsOptions) => metricsSummary(h.db, o), summaryText));

  withFilters(
    program
      .command("movements")
      .description("the MRR bridge per month: new, expansion, reactivation, contraction, churn")
      .usage("--org <slug> [--from YYYY-MM] [--to YYYY-MM] [filters]")
      .requiredOption("--org <slug>", "organisation slug")
      .option("--from <YYYY-MM>", "first month (default: 11 months before --to)")
      .option("--to <YYYY-MM>", "last month (default: the current month, or the last month with data)"),
  )
    .addHelpText(
      "after",
      `${DATA_HELP}\n\nExample:\n  meridian movements --org acme --from 2024-01 --to 2024-06`,
    )
    .action(dbAction(ctx, (h, o: MovementsOptions) => metricsMovements(h.db, o), movementsText));

  const cohorts = withFilters(
    program
      .command("cohorts")
      .description("retention by cohort month (COH-1): customers or MRR still there k months later")
      .usage("--org <slug> [--from YYYY-MM] [--to YYYY-MM] [--kind logo|revenue] [--format counts|percent]")
      .requiredOption("--org <slug>", "organisation slug")
      .option("--from <YYYY-MM>", "first cohort month (default: 11 months before --to)")
      .option("--to <YYYY-MM>", "last cohort month (default: the current month, or the last month with data)")
      .option("--kind <kind>", "logo (customers) or revenue (MRR)", "logo")
      .option("--format <format>", "counts, or percent (fractions of the cohort's start)", "counts"),
  ).addHelpText(
    "after",
    `${DATA_HELP}\n\nExample:\n  meridian cohorts --org acme --from 2024-01 --to 2024-06 --kind revenue`,
  );
  cohorts.action((o: CohortsOptions, command: Command) =>
    dbAction(
      ctx,
      (h, options: CohortsOptions) => metricsCohorts(h.db, options),
      (matrix) => cohortsText(matrix, { kind: o.kind ?? "logo", format: o.format ?? "counts" }),
    )(o, command),
  );
}
