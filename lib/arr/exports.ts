import { z } from "zod";
import type { Db } from "@/db/client";
import {
  getCohorts,
  getMovementCustomers,
  getMovements,
  getSummary,
  getTopCustomers,
  type RevenueFilters,
} from "@/db/queries/revenue";
import { toMajor, ZMovementKind } from "@/db/queries/revenue-json";
import type { MovementKind } from "@/db/schema";
import type { CsvCell } from "@/lib/csv";
import type { DashboardParams } from "./params";

/*
 * Every table of the ARR dashboard as rows for CSV: the same reads as the page, money as numbers in major
 * units of the org currency (a number is never mistaken for a formula), rates as fractions, empty where
 * undefined.
 */

export const EXPORT_TABLES = [
  "kpis",
  "mrr",
  "bridge",
  "cohorts-logo",
  "cohorts-revenue",
  "top-customers",
  "customers",
  "movement",
] as const;
export const ZExportTable = z.enum(EXPORT_TABLES);
export type ExportTable = (typeof EXPORT_TABLES)[number];

/** How many customers the top-customers table shows, and the most the customer list holds. */
export const TOP_CUSTOMERS = 10;
export const CUSTOMER_LIST_LIMIT = 5_000;

export type ExportResult = { filename: string; header: string[]; rows: CsvCell[][] };

type Org = { id: string; slug: string; currency: string };

export async function exportTable(
  db: Db,
  {
    org,
    table,
    view,
    kind,
    month,
  }: { org: Org; table: ExportTable; view: DashboardParams; kind?: MovementKind; month?: string },
): Promise<ExportResult> {
  const filters: RevenueFilters = view.filters;
  const base = { orgId: org.id, filters };
  const money = (cents: number | null) => (cents === null ? null : toMajor(cents, org.currency));
  const name = (what: string) => `${org.slug}-${what}-${view.from}-${view.to}.csv`;
  switch (table) {
    case "kpis": {
      const s = await getSummary(db, { ...base, month: view.to });
      const kpis: [string, string, number | null, number | null][] = [
        ["MRR", "MRR-3", money(s.mrr), money(s.previous.mrr)],
        ["ARR", "ARR-1", money(s.arr), money(s.previous.arr)],
        ["NRR (12 months)", "RATE-6", s.nrr12, s.previous.nrr12],
        ["GRR (12 months)", "RATE-7", s.grr12, s.previous.grr12],
        ["ARPA", "ARPA-1", money(s.arpa), money(s.previous.arpa)],
        ["Active customers", "CUS-1", s.activeCustomers, s.previous.activeCustomers],
        ["Customer churn rate", "RATE-1", s.customerChurnRate, s.previous.customerChurnRate],
        ["Quick ratio", "QR-1", s.quickRatio, s.previous.quickRatio],
        ["LTV", "LTV-1", money(s.ltv), money(s.previous.ltv)],
      ];
      return {
        filename: `${org.slug}-kpis-${view.to}.csv`,
        header: ["metric", "definition", "month", "value", "previous_month", "previous_value", "currency"],
        rows: kpis.map(([label, id, value, previous]) => [
          label,
          id,
          s.month,
          value,
          s.previous.month,
          previous,
          org.currency,
        ]),
      };
    }
    case "mrr":
    case "bridge": {
      const rows = await getMovements(db, { ...base, from: view.from, to: view.to });
      if (table === "mrr") {
        return {
          filename: name("mrr"),
          header: ["month", "mrr", "arr", "active_customers", "currency"],
          rows: rows.map((r) => [
            r.month,
            money(r.endMrr),
            money(12 * r.endMrr),
            r.activeCustomers,
            org.currency,
          ]),
        };
      }
      return {
        filename: name("bridge"),
        header: [
          "month",
          "start_mrr",
          "new",
          "expansion",
          "reactivation",
          "contraction",
          "churn",
          "net",
          "end_mrr",
          "new_customers",
          "reactivated_customers",
          "churned_customers",
          "active_customers",
          "currency",
        ],
        rows: rows.map((r) => [
          r.month,
          money(r.startMrr),
          money(r.new),
          money(r.expansion),
          money(r.reactivation),
          money(r.contraction),
          money(r.churn),
          money(r.endMrr - r.startMrr),
          money(r.endMrr),
          r.newCustomers,
          r.reactivatedCustomers,
          r.churnedCustomers,
          r.activeCustomers,
          org.currency,
        ]),
      };
    }
    case "cohorts-logo":
    case "cohorts-revenue": {
      const kind = table === "cohorts-logo" ? "logo" : "revenue";
      const matrix = await getCohorts(db, { ...base, from: view.from, to: view.to, kind, format: "counts" });
      const width = Math.max(0, ...Object.values(matrix).map((r) => r.length));
      return {
        filename: name(table),
        header: ["cohort", ...Array.from({ length: width }, (_, k) => `month_${k}`)],
        rows: Object.entries(matrix).map(([cohort, row]) => [
          cohort,
          ...row.map((x) => (kind === "logo" ? x : money(x))),
        ]),
      };
    }
    case "top-customers":
    case "customers": {
      const limit = table === "top-customers" ? TOP_CUSTOMERS : CUSTOMER_LIST_LIMIT;
      const rows = await getTopCustomers(db, { ...base, month: view.to, limit });
      return {
        filename: `${org.slug}-${table}-${view.to}.csv`,
        header: [
          "customer_id",
          "name",
          "mrr",
          "arr",
          "plans",
          "customer_since",
          "last_movement",
          "last_movement_month",
          "currency",
        ],
        rows: rows.map((c) => [
          c.externalId,
          c.name,
          money(c.mrr),
          money(12 * c.mrr),
          c.plans.join("; "),
          c.customerSince,
          c.lastMovement?.kind ?? null,
          c.lastMovement?.month ?? null,
          org.currency,
        ]),
      };
    }
    case "movement": {
      const k = ZMovementKind.parse(kind);
      const m = month ?? view.to;
      const customers = await getMovementCustomers(db, { ...base, month: m, kind: k });
      return {
        filename: `${org.slug}-${k}-${m}.csv`,
        header: [
          "customer_id",
          "name",
          "mrr_before",
          "mrr_after",
          "change",
          "item",
          "plan",
          "item_mrr_before",
          "item_mrr_after",
          "item_change",
          "currency",
        ],
        // One line per changed item (a customer without a changed item still gets its line).
        rows: customers.flatMap((c) => {
          const head: CsvCell[] = [
            c.externalId,
            c.name,
            money(c.mrrBefore),
            money(c.mrrAfter),
            money(c.mrrAfter - c.mrrBefore),
          ];
          if (!c.items.length) return [[...head, null, null, null, null, null, org.currency]];
          return c.items.map((i) => [
            ...head,
            i.externalId,
            i.planName ?? i.planExternalId,
            money(i.mrrBefore),
            money(i.mrrAfter),
            i.change,
            org.currency,
          ]);
        }),
      };
    }
  }
}
