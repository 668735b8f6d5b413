import { describe, expect, it } from "vitest";
import { parseFinanceCsv } from "./config";

describe("parseFinanceCsv", () => {
  it("reads month, cash, burn and S&M spend with money in any usual shape, in major units", () => {
    const csv =
      '\uFEFFMonth,Cash Balance,Net Burn,Sales & Marketing\r\n2025-01,"$120,000.50",15000,\r\n2025-2-15,110000,"(2,000.00)",4000\r\n';
    expect(parseFinanceCsv(csv, "USD")).toEqual([
      { month: "2025-01", cash: 120000.5, net_burn: 15000, sales_marketing_spend: null },
      { month: "2025-02", cash: 110000, net_burn: -2000, sales_marketing_spend: 4000 },
    ]);
  });

  it("names the file, line and column of every bad cell and returns nothing", () => {
    const csv = "month,cash,burn\n2025-01,100,abc\n2025-13,100,10\n";
    expect(() => parseFinanceCsv(csv, "USD", "finance.csv")).toThrow(
      /^finance\.csv: line 2, column "burn": .+ line 3, column "month": "2025-13" is not a month \(use YYYY-MM\)\.$/,
    );
  });

  it("refuses a file without a month column, without a figure column, or without rows", () => {
    expect(() => parseFinanceCsv("date_of_thing,cash\n2025-01,1\n", "USD")).toThrow(/no month column/);
    expect(() => parseFinanceCsv("month,notes\n2025-01,hi\n", "USD")).toThrow(
      /no cash, burn or S&M spend column/,
    );
    expect(() => parseFinanceCsv("month,cash\n", "USD")).toThrow(
      /needs a header line and at least one month/,
    );
  });
});
