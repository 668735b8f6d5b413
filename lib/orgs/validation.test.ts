import { describe, expect, it } from "vitest";
import { canAssignRole, hasRole } from "./roles";
import { slugify, ZCurrency, ZSlug, ZTimeZone } from "./validation";

describe("org validation", () => {
  it("accepts good slugs and refuses bad or reserved ones", () => {
    expect(ZSlug.parse(" Acme-2 ")).toBe("acme-2");
    for (const bad of ["ab", "-acme", "acme-", "ac me", "api", "sign-in", "a".repeat(41)]) {
      expect(ZSlug.safeParse(bad).success, bad).toBe(false);
    }
  });

  it("makes slugs from names", () => {
    expect(slugify("Acme, Inc.")).toBe("acme-inc");
    expect(slugify("Café Zürich")).toBe("cafe-zurich");
  });

  it("checks ISO 4217 currencies and IANA time zones", () => {
    expect(ZCurrency.parse("eur")).toBe("EUR");
    expect(ZCurrency.safeParse("EURO").success).toBe(false);
    expect(ZTimeZone.safeParse("Europe/London").success).toBe(true);
    expect(ZTimeZone.safeParse("UTC").success).toBe(true);
    expect(ZTimeZone.safeParse("Mars/Olympus").success).toBe(false);
  });
});

describe("roles", () => {
  it("orders owner > admin > member > viewer", () => {
    expect(hasRole("owner", "admin")).toBe(true);
    expect(hasRole("admin", "admin")).toBe(true);
    expect(hasRole("member", "admin")).toBe(false);
    expect(hasRole("viewer", "member")).toBe(false);
  });

  it("lets admins manage everyone below owner, and only owners touch owners", () => {
    expect(canAssignRole("admin", "member", "admin")).toBe(true);
    expect(canAssignRole("admin", "member", "owner")).toBe(false);
    expect(canAssignRole("admin", "owner", "member")).toBe(false);
    expect(canAssignRole("owner", "owner", "member")).toBe(true);
    expect(canAssignRole("member", "viewer", "member")).toBe(false);
  });
});
