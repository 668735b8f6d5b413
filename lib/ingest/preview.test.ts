import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { normaliseRow, previewCsv, type TPreview } from "./preview";

const utf8 = (text: string) => new Uint8Array(Buffer.from(text, "utf8"));
const okPreview = (p: TPreview) => {
  if (!p.ok) throw new Error(p.error.message);
  return p;
};
const fieldsOf = (p: ReturnType<typeof okPreview>) =>
  Object.fromEntries(p.mapping.map((m) => [m.header, m.field]));

describe("previewCsv", () => {
  it("reads a UTF-8 file with a BOM, CRLF line ends and quoted delimiters and line breaks", () => {
    const text =
      "\ufeffSubscription ID,Customer Name,Email,Plan,Amount,Currency,Interval,Start Date,Notes\r\n" +
      'sub_1,"Acme, Inc.",ops@acme.io,Pro,"1,234.50",USD,monthly,2024-03-05,"first line\r\nsecond, line"\r\n' +
      "sub_2,Beta,team@beta.io,Basic,49.00,USD,annual,2024-04-01,\r\n";
    const p = okPreview(previewCsv(utf8(text)));
    expect(p.encoding).toEqual({ name: "utf-8", bom: true });
    expect(p.delimiter).toBe(",");
    expect(p.headerLine).toBe(1);
    expect(p.headers[0]).toBe("Subscription ID");
    expect(p.kind).toBe("subscriptions");
    expect(p.sample.map((s) => s.line)).toEqual([2, 4]);
    expect(p.sample[0]?.raw[8]).toBe("first line\r\nsecond, line");
    expect(p.sample[0]?.row).toMatchObject({
      subscription_id: "sub_1",
      customer_name: "Acme, Inc.",
      amount: "1234.50",
      currency: "USD",
      interval: { unit: "month", count: 1 },
      start_date: "2024-03-05",
    });
    expect(p.problems).toEqual([]);
    expect(p.canImport).toBe(true);
  });

  it("reads Windows-1252 bytes: é is 0xE9 and € is 0x80", () => {
    const bytes = new Uint8Array(
      Buffer.concat([
        Buffer.from("Customer;MRR;Start\n"),
        Buffer.from([0x52, 0x65, 0x6e, 0xe9]), // René
        Buffer.from(";"),
        Buffer.from([0x80]),
        Buffer.from("12,50;05.03.2024\n"),
      ]),
    );
    const p = okPreview(previewCsv(bytes));
    expect(p.encoding).toEqual({ name: "windows-1252", bom: false });
    expect(p.delimiter).toBe(";");
    expect(p.sample[0]?.raw).toEqual(["René", "€12,50", "05.03.2024"]);
    expect(p.sample[0]?.row).toMatchObject({ customer_name: "René", mrr: "12.50", currency: "EUR" });
  });

  it("reads a semicolon file with 1.234,50 amounts and day-first dates", () => {
    const text =
      "Kunde;E-Mail;Betrag;Währung;Intervall;Startdatum\n" +
      "Müller GmbH;info@mueller.de;1.234,50;EUR;monthly;05.03.2024\n" +
      "Schmidt AG;kontakt@schmidt.de;1.234;EUR;nach Verbrauch;13.03.2024\n" +
      "Lang KG;info@lang.de;1.234;EUR;jährlich;14.03.2024\n";
    const p = okPreview(
      previewCsv(utf8(text), {
        kind: "subscriptions",
        mapping: {
          Kunde: "customer_name",
          Betrag: "amount",
          Währung: "currency",
          Intervall: "interval",
          Startdatum: "start_date",
        },
      }),
    );
    expect(p.delimiter).toBe(";");
    expect(p.mapping.find((m) => m.header === "Betrag")?.format).toEqual({ decimal: "," });
    expect(p.mapping.find((m) => m.header === "Startdatum")?.format).toEqual({
      excelSerial: false,
      dateOrder: "dmy",
    });
    expect(p.sample[0]?.row).toMatchObject({ amount: "1234.50", start_date: "2024-03-05" });
    expect(p.sample[1]?.row).toBeNull();
    expect(p.sample[2]?.row).toMatchObject({ amount: "1234", start_date: "2024-03-14" });
    expect(p.sample[2]?.row?.interval).toEqual({ unit: "year", count: 1 }); // "jährlich"
    // Usage-based billing has no interval: that row is rejected with its line and column.
    expect(p.problems.map((x) => x.message)).toEqual([
      "row 3, column 'Intervall': 'nach Verbrauch' is not a billing interval",
    ]);
    expect(p.columns.find((c) => c.header === "Betrag")).toEqual({
      index: 2,
      header: "Betrag",
      field: "amount",
      filled: 1,
      distinct: 2, // 1.234,50 and 1.234
      min: "1234",
      max: "1234.50",
      parseFailures: 0,
    });
  });

  it("skips a title line before the header and reports the header's line", () => {
    const text =
      "Subscriptions export, generated 2024-03-31\n\n" +
      "Customer,Email,MRR,Start Date\n" +
      "Acme,ops@acme.io,100,2024-01-15\n";
    const p = okPreview(previewCsv(utf8(text)));
    expect(p.headerLine).toBe(3);
    expect(p.headers).toEqual(["Customer", "Email", "MRR", "Start Date"]);
    expect(p.sample[0]?.line).toBe(4);
  });

  it("a single 13/02/2024 makes the column day-first", () => {
    const text = "Customer,MRR,Start Date\nA,10,01/02/2024\nB,10,13/02/2024\nC,10,03/04/2024\n";
    const p = okPreview(previewCsv(utf8(text)));
    expect(p.mapping.find((m) => m.field === "start_date")?.format?.dateOrder).toBe("dmy");
    expect(p.sample.map((s) => s.row?.start_date)).toEqual(["2024-02-01", "2024-02-13", "2024-04-03"]);
    expect(p.problems).toEqual([]);
  });

  it("says when day and month cannot be told apart, and follows the user's choice", () => {
    const text = "Customer,MRR,Start Date\nA,10,01/02/2024\nB,10,03/04/2024\n";
    const p = okPreview(previewCsv(utf8(text)));
    expect(p.problems).toEqual([
      {
        code: "ambiguous_date_order",
        severity: "warning",
        column: "Start Date",
        message:
          "column 'Start Date': every date has day ≤ 12 (e.g. '01/02/2024'); reading as MM/DD/YYYY — choose DD/MM if that's wrong",
      },
    ]);
    expect(p.sample[0]?.row?.start_date).toBe("2024-01-02");
    const chosen = okPreview(previewCsv(utf8(text), { dateOrder: "dmy" }));
    expect(chosen.problems).toEqual([]);
    expect(chosen.sample[0]?.row?.start_date).toBe("2024-02-01");
  });

  it("lists unreadable values with line numbers, duplicate ids and missing columns", () => {
    const text =
      "ID,Customer,Amount,Start Date\n" +
      "s1,A,10.00,2024-01-01\n" +
      "s2,B,ten,2024-01-02\n" +
      "s1,C,12.00,31/31/2024\n";
    const p = okPreview(previewCsv(utf8(text), { kind: "subscriptions" }));
    expect(p.problems.map((x) => [x.code, x.message])).toEqual([
      ["missing_required", "Map either the amount and the billing interval, or a ready MRR column."],
      ["unparseable", "row 3, column 'Amount': 'ten' is not an amount"],
      ["unparseable", "row 4, column 'Start Date': '31/31/2024' is not a date"],
      [
        "duplicate_id",
        "subscription id 's1' appears on rows 2, 4: its rows name different plans or amounts; if the file has a row per subscription item, map the item's id column as the subscription item id",
      ],
    ]);
    expect(p.canImport).toBe(false);
    // Row 2 lacks an amount, but that is the mapping's problem, listed once above, not the row's.
    expect(p.rowsWithErrors).toBe(2);
    expect(p.columns.find((c) => c.header === "Start Date")).toMatchObject({
      parseFailures: 1,
      min: "2024-01-01",
      max: "2024-01-02",
    });
  });

  it("a subscription's items on rows of their own are not repeats; a repeated item id is", () => {
    const text =
      "Subscription ID,Subscription Item ID,Customer,Plan,Amount,Interval,Start Date\n" +
      "sub_1,si_1,Acme,Base,100.00,month,2024-01-01\n" +
      "sub_1,si_2,Acme,Add-on,20.00,month,2024-01-01\n" +
      "sub_2,si_3,Beta,Base,50.00,month,2024-02-01\n" +
      "sub_2,si_3,Beta,Base,50.00,month,2024-03-01\n";
    const p = okPreview(previewCsv(utf8(text), { kind: "subscriptions" }));
    expect(p.problems.map((x) => [x.code, x.message, x.column])).toEqual([
      ["duplicate_id", "item id 'si_3' appears on rows 4, 5", "Subscription Item ID"],
    ]);
    // Without the item's column the subscription's rows repeat it; rows naming the same plan and amount
    // are a plain repeat, rows naming different ones likely its items.
    const withoutItems = okPreview(
      previewCsv(utf8(text), { kind: "subscriptions", mapping: { "Subscription Item ID": null } }),
    );
    expect(withoutItems.problems.map((x) => x.message)).toEqual([
      "subscription id 'sub_1' appears on rows 2, 3: its rows name different plans or amounts; if the file has a row per subscription item, map the item's id column as the subscription item id",
      "subscription id 'sub_2' appears on rows 4, 5",
    ]);
  });

  it("reads Excel serial days in a date column", () => {
    const p = okPreview(previewCsv(utf8("Customer,MRR,Start Date\nA,10,45356\nB,10,45292\n")));
    expect(p.sample.map((s) => s.row?.start_date)).toEqual(["2024-03-05", "2024-01-01"]);
  });

  it("the user's mapping wins over the suggestion", () => {
    const text = "Customer,MRR,Created,Start\nA,10,2024-01-01,2024-02-01\n";
    const p = okPreview(previewCsv(utf8(text), { mapping: { Created: "start_date" } }));
    expect(fieldsOf(p)).toEqual({
      Customer: "customer_name",
      MRR: "mrr",
      Created: "start_date",
      Start: null,
    });
    expect(p.sample[0]?.row?.start_date).toBe("2024-01-01");
  });

  it("shows a country named in words as the code the import stores", () => {
    const p = okPreview(
      previewCsv(
        utf8(
          "Customer,Country,Amount,Interval,Start\nA,Deutschland,10,month,2024-01-01\nB,Atlantis,10,month,2024-01-01\n",
        ),
      ),
    );
    expect(p.sample.map((r) => r.row?.country)).toEqual(["DE", "Atlantis"]);
  });

  it("says when a mapped MRR column is not used because amount and interval are mapped too", () => {
    const p = okPreview(
      previewCsv(
        utf8("Customer,Amount,Interval,MRR,Start\nA,120.00,year,0.00,2024-01-01\nB,10,month,10,2024-01-01\n"),
      ),
    );
    expect(p.problems.filter((x) => x.code === "mrr_not_used").map((x) => x.message)).toEqual([
      "column 'MRR' (MRR) is used only on rows without an amount and interval: the others' MRR is computed from 'Amount' and 'Interval'. Leave one of them out if they disagree",
    ]);
  });

  it("maps and reads the Baremetrics template", () => {
    const bytes = readFileSync("tests/fixtures/ingest/baremetrics_manual_subscription_import_template.csv");
    const p = okPreview(previewCsv(new Uint8Array(bytes)));
    expect(p.kind).toBe("subscriptions");
    expect(p.sample[0]?.row).toMatchObject({
      subscription_id: "subscription_1",
      customer_id: "customer_1",
      plan: "SEO",
      amount: "5000",
      currency: "USD",
      interval: { unit: "month", count: 1 },
      start_date: "2020-03-31",
      end_date: "2020-05-04",
      quantity: 1,
    });
    // Its guide: "plan_amount - cents integer $1 = 100". Read as cents, and said so; a choice wins.
    expect(p.amountsIn).toBe("minor");
    expect(p.problems.map((x) => x.message)).toContain(
      "amounts are read as cents (5000 = 50.00), as Baremetrics' import template writes plan_amount — choose 'in currency units' if that's wrong",
    );
    expect(okPreview(previewCsv(new Uint8Array(bytes), { amountsIn: "units" })).amountsIn).toBe("units");
  });

  it("offers no column for the extra values of a few long rows, but does when most rows have one", () => {
    const few = okPreview(
      previewCsv(utf8("Customer,Amount,Start\nA,$1,000.00,2024-01-01\nB,10,2024-01-01\nC,10,2024-01-01\n")),
    );
    expect(few.headers).toEqual(["Customer", "Amount", "Start"]);
    const most = okPreview(
      previewCsv(utf8("Customer,Amount,Start\nA,10,2024-01-01,x\nB,10,2024-01-01,y\nC,10,2024-01-01\n")),
    );
    expect(most.headers).toEqual(["Customer", "Amount", "Start", "Column 4"]);
  });

  it("warns about ragged rows and an unterminated quote", () => {
    const p = okPreview(
      previewCsv(utf8('Customer,MRR,Start\nA,10,2024-01-01,extra\nB,10\nC,"10,2024-01-01\n')),
    );
    expect(p.problems.filter((x) => x.code === "csv_error").map((x) => x.message)).toEqual([
      "row 4: a quoted value is never closed, so the rest of the file reads as one value",
      "1 row has more values than the header's 3 columns (row 2): usually a value with a comma that is not in quotes (1,000.00 or Smith, John), which splits in two and moves the values after it into the wrong columns. Put such values in quotes; as the file is, the extra values are ignored",
      "2 rows have fewer values than the header's 3 columns (rows 3, 4); the missing values are read as empty",
    ]);
  });

  it("fails with one clear message on an empty, binary or header-only file", () => {
    expect(previewCsv(new Uint8Array())).toEqual({
      ok: false,
      error: { code: "empty", message: "The file is empty." },
    });
    expect(previewCsv(utf8("\n\n  \n"))).toEqual({
      ok: false,
      error: { code: "empty", message: "The file is empty." },
    });
    expect(previewCsv(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00]))).toEqual({
      ok: false,
      error: {
        code: "binary",
        message:
          "This is a spreadsheet workbook or a zip archive, not a CSV file: save it as CSV and upload that.",
      },
    });
    expect(previewCsv(utf8("Customer,MRR,Start Date\n"))).toEqual({
      ok: false,
      error: { code: "no_rows", message: "The file has a header row but no data rows." },
    });
  });

  it("leaves out a cut last line when given only the start of a file", () => {
    const p = okPreview(previewCsv(utf8("Customer,MRR,Start\nA,10,2024-01-01\nB,1"), { complete: false }));
    expect(p.rowsSampled).toBe(1);
    expect(p.truncated).toBe(true);
  });

  it("returns a mapping the import job can use row by row", () => {
    const text = "Customer,MRR,Start Date\nA,10,13/02/2024\n";
    const p = okPreview(previewCsv(utf8(text)));
    const result = normaliseRow(p.kind, p.mapping, {}, ["Z", "€7,50", "14/02/2024"], 900);
    expect(result.ok && [result.row.mrr, result.row.currency, result.row.start_date]).toEqual([
      "7.50",
      "EUR",
      "2024-02-14",
    ]);
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
  });
});
