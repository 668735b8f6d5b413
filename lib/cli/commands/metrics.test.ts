import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { organizations } from "@/db/schema";
import { rebuildRevenue } from "@/lib/metrics/derive";
import { saveSubscriptionItem, upsertCustomer } from "@/lib/revenue/items";
import { runCliOn } from "@/tests/helpers/cli";
import { createTestDb } from "@/tests/helpers/db";

let handle: DbHandle;

beforeAll(async () => {
  handle = await createTestDb();
  const [org] = await handle.db
    .insert(organizations)
    .values({ slug: "acme", name: "Acme", currency: "EUR" })
    .returning();
  const orgId = org!.id;
  const add = async (
    externalId: string,
    country: string,
    items: [string, number, string, string | null][],
  ) => {
    const c = await upsertCustomer(handle.db, orgId, { externalId, name: externalId, country });
    for (const [id, cents, startDate, endDate] of items) {
      await saveSubscriptionItem(handle.db, orgId, {
        source: "manual",
        externalId: id,
        customerId: c.id,
        quantity: 1,
        unitAmount: cents,
        currency: "EUR",
        intervalUnit: "month",
        startDate,
        endDate,
      });
    }
  };
  await add("A", "FR", [["a", 10_000, "2024-01-01", null]]);
  await add("B", "DE", [
    ["b-1", 20_000, "2024-01-01", "2024-02-01"],
    ["b-2", 25_000, "2024-02-01", "2024-03-01"],
  ]); // expansion in Feb, churn in March
  await rebuildRevenue(handle.db, orgId, { asOf: new Date("2024-03-20") });
});
afterAll(() => handle.close());

const cli = (...argv: string[]) => runCliOn(handle, argv);

describe("meridian metrics | movements | cohorts", () => {
  it("metrics --json prints the API's summary object", async () => {
    const run = await cli("metrics", "--org", "acme", "--month", "2024-03", "--json");
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(run.stdout)).toEqual({
      month: "2024-03",
      currency: "EUR",
      mrr: 100,
      arr: 1200,
      nrr12: null,
      grr12: null,
      arpa: 100,
      active_customers: 1,
      customer_churn_rate: 0.5,
      gross_mrr_churn_rate: 250 / 350,
      net_mrr_churn_rate: 250 / 350,
      quick_ratio: 0,
      ltv: null,
      mrr_growth_rate: -250 / 350,
      previous: {
        month: "2024-02",
        currency: "EUR",
        mrr: 350,
        arr: 4200,
        nrr12: null,
        grr12: null,
        arpa: 175,
        active_customers: 2,
        customer_churn_rate: 0,
        gross_mrr_churn_rate: 0,
        net_mrr_churn_rate: -50 / 300,
        quick_ratio: null,
        ltv: null,
        mrr_growth_rate: 50 / 300,
      },
    });
    const filtered = await cli("metrics", "--org", "acme", "--month", "2024-02", "--country", "de", "--json");
    expect(JSON.parse(filtered.stdout)).toMatchObject({ mrr: 250, active_customers: 1 });
  });

  it("metrics prints a table of this month and the previous one", async () => {
    const run = await cli("metrics", "--org", "acme", "--month", "2024-03");
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      [
        "Metric (EUR)            2024-03    2024-02",
        "MRR                     €100.00    €350.00",
        "ARR                   €1,200.00  €4,200.00",
        "Active customers              1          2",
        "ARPA                    €100.00    €175.00",
        "NRR (12 months)               —          —",
        "GRR (12 months)               —          —",
        "Customer churn rate       50.0%       0.0%",
        "Gross MRR churn rate      71.4%       0.0%",
        "Net MRR churn rate        71.4%     -16.7%",
        "Quick ratio                0.00          —",
        "LTV                           —          —",
        "MRR growth rate          -71.4%      16.7%",
        "",
      ].join("\n"),
    );
  });

  it("movements --json prints the API's array; without --json a table", async () => {
    const json = await cli("movements", "--org", "acme", "--from", "2024-02", "--to", "2024-03", "--json");
    expect(JSON.parse(json.stdout)).toEqual([
      {
        month: "2024-02",
        currency: "EUR",
        start_mrr: 300,
        new: 0,
        expansion: 50,
        reactivation: 0,
        contraction: 0,
        churn: 0,
        end_mrr: 350,
        active_customers: 2,
        new_customers: 0,
        reactivated_customers: 0,
        churned_customers: 0,
      },
      {
        month: "2024-03",
        currency: "EUR",
        start_mrr: 350,
        new: 0,
        expansion: 0,
        reactivation: 0,
        contraction: 0,
        churn: 250,
        end_mrr: 100,
        active_customers: 1,
        new_customers: 0,
        reactivated_customers: 0,
        churned_customers: 1,
      },
    ]);
    const text = await cli("movements", "--org", "acme", "--from", "2024-02", "--to", "2024-03");
    expect(text.stdout).toBe(
      [
        "Month    Start MRR    New  Expansion  Reactivation  Contraction     Churn  End MRR  Active  +New  +React  −Churned",
        "2024-02    €300.00  €0.00     €50.00         €0.00        €0.00     €0.00  €350.00       2     0       0         0",
        "2024-03    €350.00  €0.00      €0.00         €0.00        €0.00  -€250.00  €100.00       1     0       0         1",
        "",
      ].join("\n"),
    );
  });

  it("cohorts --json prints counts by default; --kind revenue in major units; --format percent", async () => {
    const logo = await cli("cohorts", "--org", "acme", "--from", "2024-01", "--to", "2024-02", "--json");
    expect(JSON.parse(logo.stdout)).toEqual({ "2024-01": [2, 2, 1], "2024-02": [0, 0] });
    const revenue = await cli(
      "cohorts",
      "--org",
      "acme",
      "--from",
      "2024-01",
      "--to",
      "2024-01",
      "--kind",
      "revenue",
      "--json",
    );
    expect(JSON.parse(revenue.stdout)).toEqual({ "2024-01": [300, 350, 100] });
    const percent = await cli(
      "cohorts",
      "--org",
      "acme",
      "--from",
      "2024-01",
      "--to",
      "2024-01",
      "--format",
      "percent",
    );
    expect(percent.stdout).toBe(
      [
        "Share of the cohort's customers still paying at the end of month k (k=0: the cohort month)",
        "Cohort      k=0     k=1    k=2",
        "2024-01  100.0%  100.0%  50.0%",
        "",
      ].join("\n"),
    );
  });

  it("fails in one line on a bad month, kind or org", async () => {
    expect(await cli("metrics", "--org", "acme", "--month", "2024-3")).toEqual({
      code: 1,
      stdout: "",
      stderr: "meridian: --month: Use a month as YYYY-MM.\n",
    });
    expect((await cli("cohorts", "--org", "acme", "--kind", "people", "--json")).stderr).toBe(
      '{"error":"--kind: Invalid option: expected one of \\"logo\\"|\\"revenue\\""}\n',
    );
    expect((await cli("movements", "--org", "nope")).stderr).toBe(
      'meridian: organisation "nope" not found\n',
    );
    expect((await cli("metrics", "--org", "acme", "--month", "2024-04")).stderr).toBe(
      "meridian: The revenue data reaches 2024-03; 2024-04 is not known yet.\n",
    );
  });
});
