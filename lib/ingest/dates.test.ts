import { describe, expect, it } from "vitest";
import { decideDateOrder, excelSerialToIso, isExcelSerialColumn, parseDate } from "./dates";

const value = (text: string, format?: Parameters<typeof parseDate>[1]) => {
  const r = parseDate(text, format);
  return r.ok ? r.value : `ERR ${r.reason}`;
};

describe("parseDate", () => {
  it.each([
    ["2024-03-05", "2024-03-05"],
    ["2024-3-5", "2024-03-05"],
    ["2024/03/05", "2024-03-05"],
    ["2024-03-05T10:00:00Z", "2024-03-05"],
    ["2024-03-05T10:00:00.123+02:00", "2024-03-05"],
    ["2024-03-05T23:30:00-05:00", "2024-03-05"],
    ["2024-03-05 10:00:00", "2024-03-05"],
    ["2024-03-05 10:00", "2024-03-05"],
    ["2024-03-05 10:00:00 +0000", "2024-03-05"],
    ["2023-07-28 3:00", "2023-07-28"],
    ["Mar 5, 2024", "2024-03-05"],
    ["March 5 2024", "2024-03-05"],
    ["march 5th, 2024", "2024-03-05"],
    ["Sept 30, 2023", "2023-09-30"],
    ["5 Mar 2024", "2024-03-05"],
    ["05-Mar-24", "2024-03-05"],
    ["5 March 2024 10:00", "2024-03-05"],
    ["Tue, 5 Mar 2024 10:00:00 GMT", "2024-03-05"],
    ["Tuesday, March 5, 2024", "2024-03-05"],
    ["  2024-02-29  ", "2024-02-29"],
  ])("%s → %s", (text, iso) => {
    expect(value(text)).toBe(iso);
  });

  it.each([
    ["5. März 2024", "2024-03-05"],
    ["5. Maerz 2024", "2024-03-05"],
    ["Dienstag, 5. März 2024", "2024-03-05"],
    ["31. Dez. 2023", "2023-12-31"],
    ["5 mars 2024", "2024-03-05"],
    ["1er février 2024", "2024-02-01"],
    ["15 août 2024", "2024-08-15"],
    ["5 de marzo de 2024", "2024-03-05"],
    ["12-dic-2023", "2023-12-12"],
    ["5 de março de 2024", "2024-03-05"],
    ["10 out 2024", "2024-10-10"],
    ["5 maart 2024", "2024-03-05"],
    ["17 mei 2024", "2024-05-17"],
    ["5 marzo 2024", "2024-03-05"],
    ["3 gen 2025", "2025-01-03"],
    ["05.03.2024", "2024-03-05"],
  ])("%s → %s (other languages, numeric day first)", (text, iso) => {
    expect(value(text, { order: "dmy" })).toBe(iso);
  });

  it("a word that is no month in any language is still not a date", () => {
    expect(value("5 Brumaire 2024")).toBe("ERR '5 Brumaire 2024' is not a date");
    expect(value("31. Februar 2024")).toBe("ERR '31. Februar 2024' is not a date");
  });

  it("reads numeric dates in the column's order, month first by default", () => {
    expect(value("03/05/2024")).toBe("2024-03-05");
    expect(value("03/05/2024", { order: "mdy" })).toBe("2024-03-05");
    expect(value("03/05/2024", { order: "dmy" })).toBe("2024-05-03");
    expect(value("13/02/2024", { order: "dmy" })).toBe("2024-02-13");
    expect(value("05.03.2024", { order: "dmy" })).toBe("2024-03-05");
    expect(value("05-03-2024", { order: "dmy" })).toBe("2024-03-05");
    expect(value("3/5/24", { order: "mdy" })).toBe("2024-03-05");
    expect(value("3/5/99", { order: "mdy" })).toBe("1999-03-05");
    expect(value("3/5/68", { order: "mdy" })).toBe("2068-03-05");
    expect(value("3/5/2024 10:15 PM", { order: "mdy" })).toBe("2024-03-05");
  });

  it("refuses impossible and malformed dates with the value in the reason", () => {
    expect(value("31/31/2024", { order: "dmy" })).toBe("ERR '31/31/2024' is not a date");
    expect(value("13/02/2024", { order: "mdy" })).toBe("ERR '13/02/2024' is not a date");
    expect(value("2023-02-29")).toBe("ERR '2023-02-29' is not a date");
    expect(value("2024-04-31")).toBe("ERR '2024-04-31' is not a date");
    expect(value("Foo 5, 2024")).toBe("ERR 'Foo 5, 2024' is not a date");
    expect(value("0001-01-01")).toBe("ERR '0001-01-01' is outside the years 1900–2199");
    expect(value("soon")).toBe("ERR 'soon' is not a date");
    expect(value("")).toBe("ERR is empty");
  });

  it("reads Excel serial days only when the column was judged to hold them", () => {
    expect(value("45356")).toBe("ERR '45356' is not a date");
    expect(value("45356", { excelSerial: true })).toBe("2024-03-05");
    expect(value("45292", { excelSerial: true })).toBe("2024-01-01");
    expect(value("45356.5", { excelSerial: true })).toBe("2024-03-05");
    expect(excelSerialToIso(19999)).toEqual({
      ok: false,
      reason: "'19999' is not an Excel date serial between 20000 and 80000",
    });
  });
});

describe("isExcelSerialColumn", () => {
  it("needs every filled value to be a serial in 20000..80000", () => {
    expect(isExcelSerialColumn(["45356", "", "45292"])).toBe(true);
    expect(isExcelSerialColumn(["45356", "12"])).toBe(false);
    expect(isExcelSerialColumn(["45356", "2024-03-05"])).toBe(false);
    expect(isExcelSerialColumn(["", " "])).toBe(false);
  });
});

describe("decideDateOrder", () => {
  it("one value with a first part over 12 decides day first", () => {
    const d = decideDateOrder(["01/02/2024", "13/02/2024", "03/04/2024"]);
    expect(d.order).toBe("dmy");
    expect(d.dmyVotes).toBe(1);
    expect(d.dmyExample).toBe("13/02/2024");
  });

  it("a single 13/02/2024 decides dmy", () => {
    expect(decideDateOrder(["13/02/2024"]).order).toBe("dmy");
  });

  it("a second part over 12 decides month first", () => {
    const d = decideDateOrder(["02/13/2024", "03/04/2024"]);
    expect(d).toMatchObject({ order: "mdy", mdyVotes: 1, dmyVotes: 0, undecided: 1 });
  });

  it("all parts ≤ 12 leave the column ambiguous; equal parts do not count", () => {
    const d = decideDateOrder(["01/02/2024", "05/05/2024", "2024-03-05", "12/11/23"]);
    expect(d).toMatchObject({ order: "ambiguous", undecided: 2, undecidedExample: "01/02/2024" });
  });

  it("the majority wins when values disagree", () => {
    const d = decideDateOrder(["13/01/2024", "14/01/2024", "01/13/2024"]);
    expect(d).toMatchObject({ order: "dmy", dmyVotes: 2, mdyVotes: 1 });
  });
});
