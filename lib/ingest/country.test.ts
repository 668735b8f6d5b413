import { describe, expect, it } from "vitest";
import { countryCode } from "./country";

describe("countryCode", () => {
  it.each([
    ["DE", "DE"],
    ["de", "DE"],
    [" Germany ", "DE"],
    ["Deutschland", "DE"],
    ["Allemagne", "DE"],
    ["United States", "US"],
    ["USA", "US"],
    ["États-Unis", "US"],
    ["Estados Unidos", "US"],
    ["United Kingdom", "GB"],
    ["UK", "GB"],
    ["Países Bajos", "NL"],
    ["Svizzera", "CH"],
  ])("%s → %s", (value, code) => {
    expect(countryCode(value)).toBe(code);
  });

  it("keeps what names no country, and blanks are null", () => {
    expect(countryCode("Atlantis")).toBe("Atlantis");
    expect(countryCode("  ")).toBeNull();
    expect(countryCode(null)).toBeNull();
  });
});
