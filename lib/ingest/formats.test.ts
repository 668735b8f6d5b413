import { describe, expect, it } from "vitest";
import type { TMappedColumn } from "./formats";
import { decideFormats } from "./formats";

const column = (index: number, header: string, field: string): TMappedColumn => ({ index, header, field });

describe("decideFormats: date order", () => {
  const mapping = [column(0, "Start", "start_date"), column(1, "Ends", "end_date")];

  it("a column that cannot tell follows the file's column that can", () => {
    const rows = [
      ["15/01/2024", ""],
      ["03/02/2024", "01/03/2024"],
    ];
    const { mapping: decided, warnings } = decideFormats("subscriptions", mapping, rows);
    expect(decided.map((c) => c.format?.dateOrder)).toEqual(["dmy", "dmy"]);
    expect(warnings).toEqual([]);
  });

  it("with no column that can tell, reads month first and says so", () => {
    const rows = [["03/02/2024", "01/03/2024"]];
    const { mapping: decided, warnings } = decideFormats("subscriptions", mapping, rows);
    expect(decided.map((c) => c.format?.dateOrder)).toEqual(["mdy", "mdy"]);
    expect(warnings.map((w) => [w.code, w.column])).toEqual([
      ["ambiguous_date_order", "Start"],
      ["ambiguous_date_order", "Ends"],
    ]);
  });

  it("dates written with dots that cannot tell are read day first (DD.MM.YYYY), and it says so", () => {
    const rows = [
      ["01.02.2024", ""],
      ["03.05.2024", "11.04.2024"],
    ];
    const { mapping: decided, warnings } = decideFormats("subscriptions", mapping, rows);
    expect(decided.map((c) => c.format?.dateOrder)).toEqual(["dmy", "dmy"]);
    expect(warnings[0]?.message).toBe(
      "column 'Start': every date has day ≤ 12 (e.g. '01.02.2024'); reading as DD.MM.YYYY, as dates written with dots are — choose MM/DD if that's wrong",
    );
  });

  it("the user's choice wins over the data", () => {
    const rows = [["15/01/2024", "01/03/2024"]];
    const { mapping: decided } = decideFormats("subscriptions", mapping, rows, { dateOrder: "mdy" });
    expect(decided.map((c) => c.format?.dateOrder)).toEqual(["mdy", "mdy"]);
  });
});
