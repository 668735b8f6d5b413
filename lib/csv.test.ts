import { describe, expect, it } from "vitest";
import { csvResponse, toCsv } from "./csv";

describe("toCsv", () => {
  it("quotes separators and neutralises formula cells", () => {
    const csv = toCsv(
      ["name", "mrr"],
      [
        ['=HYPERLINK("x")', 12.5],
        ["+1", -3],
        ["-2", null],
        ["-2+3+cmd", null],
        ["@SUM(A1)", 0],
        ["\tTab", 1],
        ["\rCR", 1],
        ["Café, Olé", 228],
      ],
    );
    expect(csv.split("\r\n")).toEqual([
      "name,mrr",
      '"\'=HYPERLINK(""x"")",12.5',
      "'+1,-3",
      // A negative number is a value (written as is); a minus followed by anything else is defused.
      "-2,",
      "'-2+3+cmd,",
      "'@SUM(A1),0",
      "'\tTab,1",
      '"\'\rCR",1',
      '"Café, Olé",228',
      "",
    ]);
  });

  it("answers an attachment with a safe file name", () => {
    const res = csvResponse("a\r\n", 'arr "bridge"/2024.csv');
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="arr_bridge_2024.csv"');
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
  });
});
