import { describe, expect, it } from "vitest";
import { csvField, toCsv } from "@/lib/csv";

// lib/csv.ts is the one cell encoder (dashboard exports and the rejected-rows report).
describe("csvField", () => {
  it("prefixes text a spreadsheet would run as a formula with an apostrophe", () => {
    expect(csvField("=SUM(A1:A2)")).toBe("'=SUM(A1:A2)");
    expect(csvField("+1")).toBe("'+1");
    expect(csvField("-2+3+cmd|' /C calc'!A0")).toBe("'-2+3+cmd|' /C calc'!A0");
    expect(csvField("-2-1")).toBe("'-2-1");
    expect(csvField("@cmd")).toBe("'@cmd");
    expect(csvField("\tx")).toBe("'\tx");
    expect(csvField("\rx")).toBe(`"'\rx"`);
    expect(csvField("a=b")).toBe("a=b");
  });

  it("keeps numbers as numbers, null empty, and quotes commas, quotes and line breaks", () => {
    expect(csvField(-12.5)).toBe("-12.5");
    // Text that is only a negative number (an uploaded "-50.00") is a value too, written as is.
    expect(csvField("-50.00")).toBe("-50.00");
    expect(csvField("-1,234.50")).toBe(`"-1,234.50"`);
    expect(csvField(0)).toBe("0");
    expect(csvField(null)).toBe("");
    expect(csvField("Café, Olé")).toBe(`"Café, Olé"`);
    expect(csvField('say "hi"')).toBe(`"say ""hi"""`);
    expect(csvField("two\nlines")).toBe(`"two\nlines"`);
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
  });

  it("writes a document with CRLF line ends", () => {
    expect(
      toCsv(
        ["a", "b"],
        [
          ["=1", -1],
          [null, "x,y"],
        ],
      ),
    ).toBe(`a,b\r\n'=1,-1\r\n,"x,y"\r\n`);
  });
});
