import { describe, expect, it } from "vitest";
import { describeMetadata } from "./audit";

describe("describeMetadata", () => {
  it("reads changes as arrows and sorts keys", () => {
    expect(describeMetadata({ to: "member", from: "viewer" })).toBe("viewer → member");
    expect(
      describeMetadata({ name: { from: "Acme", to: "Acme SAS" }, currency: { to: "USD", from: "EUR" } }),
    ).toBe("currency: EUR → USD, name: Acme → Acme SAS");
    expect(describeMetadata({ role: "admin", count: 2 })).toBe("count: 2, role: admin");
    expect(describeMetadata({})).toBe("");
  });
});
