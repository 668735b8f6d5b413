import { describe, expect, it } from "vitest";
import { detectDelimiter, detectDialect, scan, tokenize } from "./dialect";

describe("tokenize", () => {
  it("keeps delimiters, doubled quotes and line breaks inside quotes, with each record's first line", () => {
    const text = 'id,note,amount\r\n1,"a, b",5\r\n2,"line one\nline two ""quoted""",6\r\n\r\n3,plain,7';
    expect(tokenize(text, ",")).toEqual([
      { fields: ["id", "note", "amount"], line: 1 },
      { fields: ["1", "a, b", "5"], line: 2 },
      { fields: ["2", 'line one\nline two "quoted"', "6"], line: 3 },
      { fields: ["3", "plain", "7"], line: 6 },
    ]);
  });

  it("reports a quote that is never closed", () => {
    const s = scan('a,b\n1,"oops\n2,3\n', ",");
    expect(s.openQuoteLine).toBe(2);
    expect(s.records).toEqual([
      { fields: ["a", "b"], line: 1 },
      { fields: ["1", "oops\n2,3\n"], line: 2 },
    ]);
  });
});

describe("detectDelimiter", () => {
  it.each([
    ["a,b,c\n1,2,3\n4,5,6\n", ",", 3],
    ["a;b;c\n1;2;3\n", ";", 3],
    ["a\tb\n1\t2\n", "\t", 2],
    ["a|b|c|d\n1|2|3|4\n", "|", 4],
  ])("finds the delimiter of %j", (text, delimiter, fieldCount) => {
    expect(detectDelimiter(text)).toEqual({ delimiter, confidence: 1, fieldCount });
  });

  it("a semicolon file with 1.234,50 amounts is not a comma file", () => {
    const text =
      "Kunde;Betrag;Start\nMüller GmbH;1.234,50;05.03.2024\nSchmidt AG;99,00;06.03.2024\nLang KG;5,5;07.03.2024\n";
    expect(detectDelimiter(text)).toEqual({ delimiter: ";", confidence: 1, fieldCount: 3 });
  });

  it("commas inside quotes do not count", () => {
    const text = 'name;city\n"Acme, Inc.";"Paris, FR"\n"Beta, LLC";"Rome, IT"\n';
    expect(detectDelimiter(text).delimiter).toBe(";");
  });

  it("a single column has no delimiter", () => {
    expect(detectDelimiter("email\na@b.co\nc@d.co\n")).toEqual({
      delimiter: ",",
      confidence: 0,
      fieldCount: 1,
    });
  });
});

describe("detectDialect: the header row", () => {
  it("is the first line of a plain file", () => {
    const d = detectDialect("id,amount,start\nsub_1,10.00,2024-01-01\n");
    expect(d.header).toEqual({ index: 0, line: 1, found: true });
  });

  it("skips a title line and a blank line before the header", () => {
    const text =
      "Subscriptions export — March 2024\n\nid,customer,amount,start\nsub_1,Acme,10.00,2024-01-01\nsub_2,Beta,12.00,2024-01-02\n";
    const d = detectDialect(text);
    expect(d.delimiter).toBe(",");
    expect(d.header).toEqual({ index: 1, line: 3, found: true });
  });

  it("skips a title padded with delimiters by a spreadsheet", () => {
    const text = "Report generated 2024-03-05,,,\nid,customer,amount,start\nsub_1,Acme,10.00,2024-01-01\n";
    expect(detectDialect(text).header).toEqual({ index: 1, line: 2, found: true });
  });

  it("finds none in a file of data only", () => {
    const text = "sub_1,Acme,10.00,2024-01-01\nsub_2,Beta,12.00,2024-01-02\n";
    expect(detectDialect(text).header).toEqual({ index: 0, line: 1, found: false });
  });
});
