import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { decryptSecret, encryptionKey, encryptSecret, maskSecret } from "@/lib/stripe/crypto";

const dir = mkdtempSync(path.join(tmpdir(), "meridian-stripe-key-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("Stripe secrets at rest", () => {
  const key = Buffer.alloc(32, 1);
  const org = "6f1c1f5e-5d2e-4c55-9f3e-6c1d2b3a4f50";

  it("round-trips, never stores the plain text, and is bound to the org", () => {
    const stored = encryptSecret("rk_live_abcdef1234", org, key);
    expect(stored).toMatch(/^v1\./);
    expect(stored).not.toContain("abcdef");
    expect(encryptSecret("rk_live_abcdef1234", org, key)).not.toBe(stored); // fresh IV each time
    expect(decryptSecret(stored, org, key)).toBe("rk_live_abcdef1234");
    expect(() => decryptSecret(stored, "00000000-0000-0000-0000-000000000000", key)).toThrow();
    expect(() => decryptSecret(stored, org, Buffer.alloc(32, 2))).toThrow();
  });

  it("masks keys", () => {
    expect(maskSecret("rk_live_51Habcdefgh4f2a")).toBe("rk_live_…4f2a");
    expect(maskSecret("whsec_abcdefgh9876")).toBe("whsec_…9876");
  });

  it("takes STRIPE_ENCRYPTION_KEY, generates one once in embedded mode, and refuses a server without one", () => {
    const hex = "ab".repeat(32);
    expect(encryptionKey({ STRIPE_ENCRYPTION_KEY: hex, embedded: false, dataDir: dir })).toEqual(
      Buffer.from(hex, "hex"),
    );
    const generated = encryptionKey({ STRIPE_ENCRYPTION_KEY: undefined, embedded: true, dataDir: dir });
    expect(generated).toHaveLength(32);
    expect(encryptionKey({ STRIPE_ENCRYPTION_KEY: undefined, embedded: true, dataDir: dir })).toEqual(
      generated,
    );
    const file = path.join(dir, "stripe-encryption-key");
    expect(Buffer.from(readFileSync(file, "utf8").trim(), "base64")).toEqual(generated);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(() => encryptionKey({ STRIPE_ENCRYPTION_KEY: undefined, embedded: false, dataDir: dir })).toThrow(
      /STRIPE_ENCRYPTION_KEY/,
    );
  });
});
