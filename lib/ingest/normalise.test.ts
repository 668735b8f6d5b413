import { describe, expect, it } from "vitest";
import type { TMappedColumn } from "./formats";
import { createRowNormaliser, describeRowError, normaliseRow } from "./normalise";

const mapping: TMappedColumn[] = [
  { index: 0, header: "ID", field: "subscription_id" },
  { index: 1, header: "Customer", field: "customer_name" },
  { index: 2, header: "Email", field: "customer_email" },
  { index: 3, header: "Amount", field: "amount", format: { decimal: "," } },
  { index: 4, header: "Every", field: "interval" },
  { index: 5, header: "Count", field: "interval_count" },
  { index: 6, header: "Start Date", field: "start_date", format: { dateOrder: "dmy" } },
  { index: 7, header: "End", field: "end_date", format: { dateOrder: "dmy" } },
  { index: 8, header: "Status", field: "status" },
  { index: 9, header: "Discount", field: "discount_percent", format: { percentScale: "fraction" } },
  { index: 10, header: "Notes", field: null },
];

describe("normaliseRow", () => {
  it("turns a messy record into a canonical row", () => {
    const record = [
      "sub_1",
      " Müller GmbH ",
      "Ops@Muller.de",
      "1.234,50 €",
      "Quarterly",
      "2",
      "13/02/2024",
      "",
      "Past Due",
      "0.1",
      "x",
    ];
    expect(normaliseRow("subscriptions", mapping, {}, record, 7)).toEqual({
      ok: true,
      row: {
        subscription_id: "sub_1",
        item_id: null,
        customer_id: null,
        customer_name: "Müller GmbH",
        customer_email: "ops@muller.de",
        company: null,
        country: null,
        industry: null,
        segment: null,
        plan: null,
        quantity: null,
        amount: "1234.50",
        currency: "EUR",
        interval: { unit: "month", count: 6 },
        interval_count: 6,
        mrr: null,
        discount_percent: "10",
        discount_amount: null,
        start_date: "2024-02-13",
        end_date: null,
        status: "past_due",
        trial: null,
      },
    });
  });

  it("lists every unreadable cell with its line, column and value", () => {
    const record = ["sub_2", "Acme", "not-an-email", "abc", "sometimes", "", "31/31/2024", "", "", "", ""];
    const result = normaliseRow("subscriptions", mapping, {}, record, 14);
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          line: 14,
          column: "Email",
          field: "customer_email",
          value: "not-an-email",
          message: "'not-an-email' is not an email address",
          code: "parse",
        },
        {
          line: 14,
          column: "Amount",
          field: "amount",
          value: "abc",
          message: "'abc' is not an amount",
          code: "parse",
        },
        {
          line: 14,
          column: "Every",
          field: "interval",
          value: "sometimes",
          message: "'sometimes' is not a billing interval",
          code: "parse",
        },
        {
          line: 14,
          column: "Start Date",
          field: "start_date",
          value: "31/31/2024",
          message: "'31/31/2024' is not a date",
          code: "parse",
        },
      ],
      // What did parse: the rejected row still names its subscription and customer.
      row: expect.objectContaining({
        subscription_id: "sub_2",
        customer_name: "Acme",
        customer_email: null,
        amount: null,
        start_date: null,
      }),
    });
    if (!result.ok) {
      expect(describeRowError(result.errors[3]!)).toBe(
        "row 14, column 'Start Date': '31/31/2024' is not a date",
      );
    }
  });

  it("applies the row rules: required values, end after start, no negative amounts", () => {
    const record = ["sub_3", "", "", "-5,00", "monthly", "", "01/03/2024", "01/02/2024", "", "", ""];
    const result = normaliseRow("subscriptions", mapping, {}, record, 3);
    expect(result.ok ? [] : result.errors.map((e) => [e.field, e.column, e.message, e.code])).toEqual([
      ["amount", "Amount", "cannot be negative", "rule"],
      ["end_date", "End", "ends (2024-02-01) before it starts (2024-03-01)", "rule"],
      ["customer_name", null, "has no customer name, nor customer email", "rule"],
    ]);
  });

  it("takes the currency from the amount, the column, or the default, and refuses a conflict", () => {
    const m: TMappedColumn[] = [
      { index: 0, header: "Name", field: "customer_name" },
      { index: 1, header: "MRR", field: "mrr" },
      { index: 2, header: "Currency", field: "currency" },
      { index: 3, header: "Start", field: "start_date" },
    ];
    const normalise = createRowNormaliser("subscriptions", m, { defaultCurrency: "gbp" });
    const row = (cells: string[]) => {
      const r = normalise(cells, 2);
      return r.ok ? [r.row.mrr, r.row.currency] : r.errors.map((e) => e.message);
    };
    expect(row(["A", "$10", "usd", "2024-01-01"])).toEqual(["10", "USD"]);
    expect(row(["A", "€10", "", "2024-01-01"])).toEqual(["10", "EUR"]);
    expect(row(["A", "10", "", "2024-01-01"])).toEqual(["10", "GBP"]);
    expect(row(["A", "€10", "USD", "2024-01-01"])).toEqual(["is in EUR but the row's currency is USD"]);
    expect(row(["A", "", "", "2024-01-01"])).toEqual(["is empty"]);
  });

  it("reuses one normaliser per mapping", () => {
    const m: TMappedColumn[] = [{ index: 0, header: "Email", field: "customer_email" }];
    const a = normaliseRow("customers", m, {}, ["A@B.CO"], 2);
    const b = normaliseRow("customers", m, {}, ["c@d.co"], 3);
    expect(a.ok && a.row.customer_email).toBe("a@b.co");
    expect(b.ok && b.row.customer_email).toBe("c@d.co");
  });
});
