import { describe, expect, it } from "vitest";
import { dashboardQuery, parseDashboardParams } from "./params";

describe("parseDashboardParams", () => {
  it("defaults to the 12 months ending at the report month, unfiltered", () => {
    expect(parseDashboardParams({}, "2024-12")).toEqual({
      range: "12",
      from: "2024-01",
      to: "2024-12",
      filters: { plans: [], countries: [], segments: [], industries: [] },
    });
  });

  it("reads presets and year to date", () => {
    expect(parseDashboardParams({ range: "6" }, "2024-03")).toMatchObject({ from: "2023-10", to: "2024-03" });
    expect(parseDashboardParams({ range: "24" }, "2024-03")).toMatchObject({ from: "2022-04" });
    expect(parseDashboardParams({ range: "ytd" }, "2024-03")).toMatchObject({ from: "2024-01" });
    expect(parseDashboardParams({ range: "bogus" }, "2024-03")).toMatchObject({ range: "12" });
  });

  it("cuts a custom end at the report month and swaps a reversed range", () => {
    expect(
      parseDashboardParams({ range: "custom", from: "2023-05", to: "2030-01" }, "2024-03"),
    ).toMatchObject({ range: "custom", from: "2023-05", to: "2024-03" });
    expect(
      parseDashboardParams({ range: "custom", from: "2024-02", to: "2023-11" }, "2024-03"),
    ).toMatchObject({ from: "2023-11", to: "2024-02" });
    expect(
      parseDashboardParams({ range: "custom", from: "1900-01", to: "2024-03" }, "2024-03"),
    ).toMatchObject({ from: "2014-04" });
    expect(parseDashboardParams({ range: "custom", from: "junk" }, "2024-03")).toMatchObject({ range: "12" });
  });

  it("reads repeated and comma-separated filters, dropping blanks", () => {
    const p = parseDashboardParams({ country: ["DE", "fr,"], plan: "", segment: "SMB" }, "2024-03");
    expect(p.filters).toEqual({ plans: [], countries: ["DE", "fr"], segments: ["SMB"], industries: [] });
  });
});

describe("dashboardQuery", () => {
  it("round-trips a view and leaves defaults out", () => {
    expect(dashboardQuery(parseDashboardParams({}, "2024-12"))).toBe("");
    const p = parseDashboardParams(
      { range: "custom", from: "2024-01", to: "2024-06", country: "DE" },
      "2024-12",
    );
    const q = dashboardQuery(p);
    expect(q).toBe("range=custom&from=2024-01&to=2024-06&country=DE");
    expect(parseDashboardParams(Object.fromEntries(new URLSearchParams(q)), "2024-12")).toEqual(p);
  });
});
