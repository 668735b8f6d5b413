import { beforeAll, describe, expect, it } from "vitest";
import { listCustomerMovements } from "@/db/queries/customers";
import {
  addMonths,
  getCohortCustomers,
  getCohorts,
  getTopCustomers,
  monthDiff,
  type RevenueFilters,
} from "@/db/queries/revenue";
import { getImportNotice } from "@/db/queries/revenue-dashboard";
import { uploads } from "@/db/schema";
import { upsertCustomer } from "@/lib/revenue/items";
import { setupRevenueFixtures } from "./helpers/revenue-fixtures";

/*
 * The ARR dashboard's drill-downs (COH-1 cohort cells, top customers' last movement, a customer's MOV-1
 * list) and its failed-import notice, on hand-computed data (rebuilt 2024-06-15, so through 2024-06):
 *   A (DE): pro $100 from 2024-01-10; basic $50 from 2024-03-02   → new 2024-01 ($100), expansion 2024-03 ($150)
 *   B (DE): pro $200 2024-01-20 .. 2024-03-15                      → new 2024-01 ($200), churn 2024-03
 *   C (FR): basic $40 2024-01-31 .. 2024-02-10; basic $60 from 2024-05-01
 *                                                  → new 2024-01 ($40), churn 2024-02, reactivation 2024-05 ($60)
 *   D (FR): pro $30 from 2024-02-01                                → new 2024-02 ($30)
 * Another org has X: $500 from 2024-01-01, also in cohort 2024-01.
 */
const { db, newOrg, customer, rebuild } = setupRevenueFixtures();
let orgId: string;
let otherOrgId: string;
const ids: Record<string, string> = {};

beforeAll(async () => {
  orgId = await newOrg("arr-drill");
  otherOrgId = await newOrg("arr-drill-other");
  ids.A = await customer(orgId, "A", [
    ["a1", 10_000, "2024-01-10", null, "pro"],
    ["a2", 5_000, "2024-03-02", null, "basic"],
  ]);
  ids.B = await customer(orgId, "B", [["b1", 20_000, "2024-01-20", "2024-03-15", "pro"]]);
  ids.C = await customer(orgId, "C", [
    ["c1", 4_000, "2024-01-31", "2024-02-10", "basic"],
    ["c2", 6_000, "2024-05-01", null, "basic"],
  ]);
  ids.D = await customer(orgId, "D", [["d1", 3_000, "2024-02-01", null, "pro"]]);
  for (const [externalId, country] of [
    ["A", "DE"],
    ["B", "DE"],
    ["C", "FR"],
    ["D", "FR"],
  ] as const) {
    await upsertCustomer(db(), orgId, { externalId, name: `Customer ${externalId}`, country });
  }
  ids.X = await customer(otherOrgId, "X", [["x1", 50_000, "2024-01-01", null, "pro"]]);
  await rebuild(orgId, "2024-06-15");
  await rebuild(otherOrgId, "2024-06-15");
});

const cell = (cohort: string, month: string, filters?: RevenueFilters) =>
  getCohortCustomers(db(), { orgId, cohort, month, filters });
const names = (rows: { externalId: string; startMrr: number; endMrr: number }[]) =>
  rows.map((r) => [r.externalId, r.startMrr, r.endMrr]);

describe("cohort cell drill-down (COH-1)", () => {
  it("lists the cohort's customers with their new-business MRR and their MRR at the end of c+k", async () => {
    const jan = await cell("2024-01", "2024-01");
    expect(jan).toMatchObject({ customers: 3, retained: 3, startMrr: 34_000, endMrr: 34_000 });
    expect(names(jan.rows)).toEqual([
      ["B", 20_000, 20_000],
      ["A", 10_000, 10_000],
      ["C", 4_000, 4_000],
    ]);
    const mar = await cell("2024-01", "2024-03");
    expect(mar).toMatchObject({ customers: 3, retained: 1, startMrr: 34_000, endMrr: 15_000 });
    expect(names(mar.rows)).toEqual([
      ["B", 20_000, 0],
      ["A", 10_000, 15_000],
      ["C", 4_000, 0],
    ]);
    // The last derived month (read from the customers' last movements): C is back.
    const jun = await cell("2024-01", "2024-06");
    expect(jun).toMatchObject({ customers: 3, retained: 2, startMrr: 34_000, endMrr: 21_000 });
    expect((await cell("2024-02", "2024-04")).rows.map((r) => r.customerId)).toEqual([ids.D]);
    expect(await cell("2024-04", "2024-05")).toEqual({
      customers: 0,
      retained: 0,
      startMrr: 0,
      endMrr: 0,
      rows: [],
    });
  });

  it("honours the dashboard filters", async () => {
    const fr = await cell("2024-01", "2024-05", { countries: ["fr"] });
    expect(names(fr.rows)).toEqual([["C", 4_000, 6_000]]);
    // Under a plan filter MOV-1 is over that plan's MRR: A's basic item is its new business of 2024-03 there.
    const pro = await cell("2024-01", "2024-03", { plans: ["pro"] });
    expect(pro).toMatchObject({ customers: 2, retained: 1, startMrr: 30_000, endMrr: 10_000 });
    expect(names(pro.rows)).toEqual([
      ["B", 20_000, 0],
      ["A", 10_000, 10_000],
    ]);
    expect(names((await cell("2024-03", "2024-06", { plans: ["basic"] })).rows)).toEqual([
      ["A", 5_000, 5_000],
    ]);
  });

  it("pages the rows but keeps the whole cohort's totals", async () => {
    const first = await getCohortCustomers(db(), { orgId, cohort: "2024-01", month: "2024-05", limit: 1 });
    expect(first).toMatchObject({ customers: 3, retained: 2, startMrr: 34_000, endMrr: 21_000 });
    expect(names(first.rows)).toEqual([["B", 20_000, 0]]);
  });

  it("equals the heatmap's counts in every cell, with and without filters", async () => {
    const views: RevenueFilters[] = [{}, { countries: ["FR"] }, { countries: ["DE"] }, { plans: ["pro"] }];
    for (const filters of views) {
      const base = { orgId, from: "2024-01", to: "2024-06", filters, format: "counts" as const };
      const logos = await getCohorts(db(), { ...base, kind: "logo" });
      const revenue = await getCohorts(db(), { ...base, kind: "revenue" });
      for (const [cohort, row] of Object.entries(logos)) {
        for (let k = 0; k < row.length; k++) {
          const got = await cell(cohort, addMonths(cohort, k), filters);
          const where = `${JSON.stringify(filters)} ${cohort} M${k}`;
          expect(got.retained, where).toBe(row[k]);
          expect(got.endMrr, where).toBe(revenue[cohort]?.[k]);
          expect(got.customers, where).toBe(row[0]);
          expect(got.rows.filter((r) => r.endMrr > 0).length, where).toBe(row[k]);
        }
        expect(monthDiff(cohort, "2024-06") + 1).toBe(row.length);
      }
    }
  });

  it("never shows another org's customers", async () => {
    const other = await getCohortCustomers(db(), { orgId: otherOrgId, cohort: "2024-01", month: "2024-02" });
    expect(names(other.rows)).toEqual([["X", 50_000, 50_000]]);
    expect((await cell("2024-01", "2024-02")).rows.map((r) => r.externalId)).not.toContain("X");
  });
});

describe("top customers", () => {
  const last = async (month: string, filters?: RevenueFilters) =>
    (await getTopCustomers(db(), { orgId, month, limit: 10, filters })).map((c) => [
      c.externalId,
      c.mrr,
      c.customerSince,
      c.lastMovement,
    ]);

  it("carry the cohort month and the last movement at or before the month", async () => {
    expect(await last("2024-06")).toEqual([
      ["A", 15_000, "2024-01", { kind: "expansion", month: "2024-03" }],
      ["C", 6_000, "2024-01", { kind: "reactivation", month: "2024-05" }],
      ["D", 3_000, "2024-02", { kind: "new", month: "2024-02" }],
    ]);
    expect(await last("2024-02")).toEqual([
      ["B", 20_000, "2024-01", { kind: "new", month: "2024-01" }],
      ["A", 10_000, "2024-01", { kind: "new", month: "2024-01" }],
      ["D", 3_000, "2024-02", { kind: "new", month: "2024-02" }],
    ]);
  });

  it("read the last movement under a plan filter from that plan's MRR", async () => {
    expect(await last("2024-06", { plans: ["pro"] })).toEqual([
      ["A", 10_000, "2024-01", { kind: "new", month: "2024-01" }],
      ["D", 3_000, "2024-02", { kind: "new", month: "2024-02" }],
    ]);
    expect(await last("2024-06", { plans: ["basic"] })).toEqual([
      ["C", 6_000, "2024-01", { kind: "reactivation", month: "2024-05" }],
      ["A", 5_000, "2024-01", { kind: "new", month: "2024-03" }],
    ]);
  });
});

describe("a customer's movements", () => {
  it("lists every MOV-1 movement newest first, with MRR before and after", async () => {
    expect(await listCustomerMovements(db(), { orgId, customerId: ids.C! })).toEqual([
      { month: "2024-05", kind: "reactivation", mrrBefore: 0, mrrAfter: 6_000 },
      { month: "2024-02", kind: "churn", mrrBefore: 4_000, mrrAfter: 0 },
      { month: "2024-01", kind: "new", mrrBefore: 0, mrrAfter: 4_000 },
    ]);
    expect(await listCustomerMovements(db(), { orgId, customerId: ids.A! })).toEqual([
      { month: "2024-03", kind: "expansion", mrrBefore: 10_000, mrrAfter: 15_000 },
      { month: "2024-01", kind: "new", mrrBefore: 0, mrrAfter: 10_000 },
    ]);
  });

  it("finds nothing for another org's customer", async () => {
    expect(await listCustomerMovements(db(), { orgId: otherOrgId, customerId: ids.C! })).toEqual([]);
  });
});

describe("import notice", () => {
  let n = 0;
  const upload = async (
    org: string,
    values: {
      status: "uploaded" | "importing" | "complete" | "failed";
      rowsRejected?: number;
      error?: string;
    },
  ) => {
    n += 1;
    const [u] = await db()
      .insert(uploads)
      .values({
        orgId: org,
        filename: `file-${n}.csv`,
        sha256: `sha-${n}`,
        kind: "subscriptions",
        status: values.status,
        rowsRejected: values.rowsRejected ?? 0,
        error: values.error ?? null,
        createdAt: new Date(Date.UTC(2024, 5, 1, 0, n)),
      })
      .returning();
    return u!.id;
  };

  it("names the latest finished import when it failed or rejected rows", async () => {
    const org = await newOrg("arr-notice");
    expect(await getImportNotice(db(), { orgId: org })).toBeNull();
    await upload(org, { status: "failed", error: "old failure" });
    await upload(org, { status: "complete" });
    expect(await getImportNotice(db(), { orgId: org })).toBeNull();
    const rejected = await upload(org, { status: "complete", rowsRejected: 2 });
    expect(await getImportNotice(db(), { orgId: org })).toEqual({
      uploadId: rejected,
      filename: `file-${n}.csv`,
      status: "complete",
      rowsRejected: 2,
      error: null,
    });
    const failed = await upload(org, { status: "failed", rowsRejected: 1, error: "No currency rate" });
    // An import still running or waiting for its mapping has no outcome yet: the failed one stays named.
    await upload(org, { status: "importing" });
    await upload(org, { status: "uploaded" });
    expect(await getImportNotice(db(), { orgId: org })).toMatchObject({
      uploadId: failed,
      status: "failed",
      rowsRejected: 1,
      error: "No currency rate",
    });
    // Another org's failures are not this org's.
    await upload(otherOrgId, { status: "complete" });
    await upload(org, { status: "complete" });
    expect(await getImportNotice(db(), { orgId: org })).toBeNull();
    await upload(org, { status: "failed", error: "later" });
    expect(await getImportNotice(db(), { orgId: otherOrgId })).toBeNull();
  });
});
