import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "./env";

const tmp = () => mkdtempSync(path.join(tmpdir(), "meridian-env-"));

describe("parseEnv", () => {
  it("generates AUTH_SECRET once in embedded mode and keeps it", () => {
    const dir = tmp();
    const a = parseEnv({ MERIDIAN_DATA_DIR: dir });
    const b = parseEnv({ MERIDIAN_DATA_DIR: dir });
    expect(a.embedded).toBe(true);
    expect(a.AUTH_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(b.AUTH_SECRET).toBe(a.AUTH_SECRET);
    const file = path.join(dir, "auth-secret");
    expect(readFileSync(file, "utf8").trim()).toBe(a.AUTH_SECRET);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it("requires AUTH_SECRET with DATABASE_URL and names it", () => {
    expect(() => parseEnv({ DATABASE_URL: "postgres://u@db.example.com/x" })).toThrow(
      /AUTH_SECRET: is required/,
    );
  });

  it("names every bad variable", () => {
    let message = "";
    try {
      parseEnv({ PORT: "abc", DATABASE_URL: "mysql://x", AUTH_SECRET: "short", MERIDIAN_DATA_DIR: tmp() });
    } catch (error) {
      expect(error).toBeInstanceOf(EnvError);
      message = (error as Error).message;
    }
    expect(message).toMatch(/PORT/);
    expect(message).toMatch(/DATABASE_URL/);
    expect(message).toMatch(/AUTH_SECRET: must be at least 32 characters/);
  });

  it("needs both Inngest keys together and detects configuration", () => {
    expect(() => parseEnv({ INNGEST_EVENT_KEY: "k", MERIDIAN_DATA_DIR: tmp() })).toThrow(
      /INNGEST_SIGNING_KEY/,
    );
    expect(parseEnv({ INNGEST_DEV: "1", MERIDIAN_DATA_DIR: tmp() }).inngestConfigured).toBe(true);
    expect(parseEnv({ MERIDIAN_DATA_DIR: tmp() }).inngestConfigured).toBe(false);
  });

  it("treats empty strings as unset and derives the app URL from PORT", () => {
    const env = parseEnv({ DATABASE_URL: "", SMTP_URL: "", PORT: "4321", MERIDIAN_DATA_DIR: tmp() });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.appUrl).toBe("http://localhost:4321");
  });
});
