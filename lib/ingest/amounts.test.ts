import { describe, expect, it } from "vitest";
import { compareDecimal, decideDecimalMark, parseAmount, parseCurrency, toMinorUnits } from "./amounts";

const amount = (text: string, decimal?: "." | ",") => {
  const r = parseAmount(text, decimal);
  return r.ok ? r.value : `ERR ${r.reason}`;
};

describe("parseAmount", () => {
  it.each([
    ["1234.50", "1234.50", null, null],
    ["1,234.50", "1234.50", null, null],
    ["1.234,50", "1234.50", null, null],
    ["1 234,50", "1234.50", null, null],
    ["1\u00a0234,50", "1234.50", null, null],
    ["1'234.50", "1234.50", null, null],
    ["1,234,567", "1234567", null, null],
    ["1.234.567,89", "1234567.89", null, null],
    ["12,5", "12.5", null, null],
    ["0.125", "0.125", null, null],
    ["0,125", "0.125", null, null],
    ["007", "7", null, null],
    ["$1,234.50", "1234.50", null, "$"],
    ["US$ 49", "49", "USD", "US$"],
    ["€12", "12", "EUR", "€"],
    ["1.234,50 €", "1234.50", "EUR", "€"],
    ["£9.99", "9.99", "GBP", "£"],
    ["¥1,235", "1235", null, "¥"],
    ["USD 1,234.50", "1234.50", "USD", null],
    ["1,234.50 usd", "1234.50", "USD", null],
    ["EUR1.234,50", "1234.50", "EUR", null],
    ["(12.00)", "-12.00", null, null],
    ["($12.00)", "-12.00", null, "$"],
    ["$(12.00)", "-12.00", null, "$"],
    ["-12.00", "-12.00", null, null],
    ["−12.00", "-12.00", null, null],
    ["-$12.00", "-12.00", null, "$"],
    ["$-12.00", "-12.00", null, "$"],
    ["12.00-", "-12.00", null, null],
    ["-0.00", "0.00", null, null],
    ["+5", "5", null, null],
    ["12,34,567.00", "1234567.00", null, null],
  ])("%s → %s %s %s", (text, decimal, currency, symbol) => {
    expect(amount(text)).toEqual({ decimal, currency, symbol });
  });

  it("reads a lone separator before three digits by the column's decimal mark, '.' by default", () => {
    expect(amount("1,234")).toEqual({ decimal: "1234", currency: null, symbol: null });
    expect(amount("1.234")).toEqual({ decimal: "1.234", currency: null, symbol: null });
    expect(amount("1,234", ",")).toEqual({ decimal: "1.234", currency: null, symbol: null });
    expect(amount("1.234", ",")).toEqual({ decimal: "1234", currency: null, symbol: null });
    // A value that proves its own mark ignores the column's.
    expect(amount("1.234,50", ".")).toEqual({ decimal: "1234.50", currency: null, symbol: null });
  });

  it("refuses what is not an amount", () => {
    expect(amount("")).toBe("ERR is empty");
    expect(amount("abc")).toBe("ERR 'abc' is not an amount");
    expect(amount("1.2E+3")).toBe("ERR '1.2E+3' is not an amount");
    expect(amount("12.34.56,7")).toBe("ERR '12.34.56,7' has misplaced thousands separators");
    expect(amount("1,23")).toEqual({ decimal: "1.23", currency: null, symbol: null });
    expect(amount("12,3456.00")).toBe("ERR '12,3456.00' has misplaced thousands separators");
    expect(amount("1.234,5,6")).toBe("ERR '1.234,5,6' is not an amount");
    expect(amount("XYZ 12")).toBe("ERR 'XYZ 12' is not an amount");
  });
});

describe("decideDecimalMark", () => {
  it("a comma decimal anywhere in the column decides ','", () => {
    expect(decideDecimalMark(["1.234", "12,50", "99"])).toEqual({
      decimal: ",",
      dot: 0,
      comma: 1,
      undecided: 1,
    });
  });
  it("a dot decimal decides '.'", () => {
    expect(decideDecimalMark(["1,234", "1,234.50"])).toEqual({
      decimal: ".",
      dot: 1,
      comma: 0,
      undecided: 1,
    });
  });
  it("thousands groups of a kind prove the other mark", () => {
    expect(decideDecimalMark(["1.234.567", "2.345"]).decimal).toBe(",");
  });
  it("only 1,234-like values leave it ambiguous", () => {
    expect(decideDecimalMark(["1,234", "2,500", "7"])).toEqual({
      decimal: "ambiguous",
      dot: 0,
      comma: 0,
      undecided: 2,
    });
  });
});

describe("parseAmount: whole units written with a dash", () => {
  it.each([
    ["49,-", "49"],
    ["49,– €", "49"],
    ["EUR 1.200,-", "1200"],
    ["CHF 120.-", "120"],
    ["-49,-", "-49"],
  ])("%s → %s", (text, decimal) => {
    const r = parseAmount(text, ",");
    expect(r.ok && r.value.decimal).toBe(decimal);
  });

  it("takes a currency's name before or after the digits", () => {
    expect(parseAmount("49,00 Euro", ",")).toMatchObject({
      ok: true,
      value: { decimal: "49.00", currency: "EUR" },
    });
    expect(parseAmount("Euro 1.200,-", ",")).toMatchObject({
      ok: true,
      value: { decimal: "1200", currency: "EUR" },
    });
    expect(parseAmount("12 Zloty")).toMatchObject({ ok: true, value: { decimal: "12", currency: "PLN" } });
    expect(parseAmount("49,00 Dollar").ok).toBe(false); // which dollar?
  });

  it("a dash alone after the digits is still a minus sign", () => {
    expect(parseAmount("49-")).toMatchObject({ ok: true, value: { decimal: "-49" } });
  });
});

describe("parseCurrency", () => {
  it("takes ISO codes in any case and unambiguous symbols", () => {
    expect(parseCurrency("usd")).toEqual({ ok: true, value: "USD" });
    expect(parseCurrency(" EUR ")).toEqual({ ok: true, value: "EUR" });
    expect(parseCurrency("€")).toEqual({ ok: true, value: "EUR" });
    expect(parseCurrency("JPY")).toEqual({ ok: true, value: "JPY" });
    expect(parseCurrency("$")).toEqual({ ok: false, reason: "'$' is not an ISO 4217 currency code" });
    expect(parseCurrency("XYZ")).toEqual({ ok: false, reason: "'XYZ' is not an ISO 4217 currency code" });
    expect(parseCurrency("dollars").ok).toBe(false);
  });

  it("takes currency names in English and the languages of languages.ts, not names several share", () => {
    for (const [name, code] of [
      ["Euro", "EUR"],
      ["euros", "EUR"],
      ["Schweizer Franken", "CHF"],
      ["Livre sterling", "GBP"],
      ["Pound Sterling", "GBP"],
      ["Złoty", "PLN"],
      ["US-Dollar", "USD"],
      ["Real", "BRL"],
    ]) {
      expect(parseCurrency(name as string), name).toEqual({ ok: true, value: code });
    }
    for (const shared of ["Dollar", "Krone", "Franc", "Peso"])
      expect(parseCurrency(shared).ok, shared).toBe(false);
  });
});

describe("toMinorUnits (lib/money's parseMoney)", () => {
  it("converts exactly, with sign, per the currency's exponent", () => {
    expect(toMinorUnits("1234.50", "USD")).toEqual({ ok: true, value: 123450 });
    expect(toMinorUnits("-12.5", "EUR")).toEqual({ ok: true, value: -1250 });
    expect(toMinorUnits("1235", "JPY")).toEqual({ ok: true, value: 1235 });
    expect(toMinorUnits("0.1", "JPY")).toEqual({
      ok: false,
      reason: "JPY has no minor unit: enter a whole amount.",
    });
    expect(toMinorUnits("19.999", "USD")).toEqual({ ok: false, reason: "USD has 2 decimal places at most." });
  });
});

describe("compareDecimal", () => {
  it("orders exact decimals", () => {
    expect(compareDecimal("9.99", "10")).toBe(-1);
    expect(compareDecimal("10.50", "10.5")).toBe(0);
    expect(compareDecimal("-3", "-12")).toBe(1);
    expect(compareDecimal("-0.5", "0.1")).toBe(-1);
    expect(compareDecimal("100", "99.999")).toBe(1);
  });
});
