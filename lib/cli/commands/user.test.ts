import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { verifyCredentials } from "@/lib/auth/users";
import { AppError } from "@/lib/errors";
import { createTestDb } from "@/tests/helpers/db";
import { generatePassword, userCreate, userCreateText } from "./user";

let handle: DbHandle;
beforeAll(async () => {
  handle = await createTestDb();
});
afterAll(() => handle.close());

describe("userCreate", () => {
  it("stores the given password and does not echo it", async () => {
    const result = await userCreate(handle.db, {
      email: " Ada@Acme.COM ",
      password: "correct horse",
      name: "Ada",
    });
    expect(result.user).toMatchObject({ email: "ada@acme.com", name: "Ada" });
    expect(result).not.toHaveProperty("generatedPassword");
    expect(userCreateText(result)).not.toContain("correct horse");
    expect((await verifyCredentials(handle.db, "ada@acme.com", "correct horse"))?.id).toBe(result.user.id);
  });

  it("generates a strong password when none is given and prints it once", async () => {
    const result = await userCreate(handle.db, { email: "bob@acme.com" });
    const password = result.generatedPassword ?? "";
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(userCreateText(result).split("\n").at(-1)).toBe(password);
    expect((await verifyCredentials(handle.db, "bob@acme.com", password))?.id).toBe(result.user.id);
  });

  it("never generates the same password twice", () => {
    expect(new Set(Array.from({ length: 50 }, generatePassword)).size).toBe(50);
  });

  it("names the field when the password is too short", async () => {
    await expect(userCreate(handle.db, { email: "short@acme.com", password: "123456789" })).rejects.toThrow(
      "password: Use at least 10 characters.",
    );
  });

  it("rejects an invalid email", async () => {
    await expect(userCreate(handle.db, { email: "not-an-email", password: "0123456789" })).rejects.toThrow(
      "Enter a valid email address.",
    );
  });

  it("reports an existing email in CLI words", async () => {
    const error = await userCreate(handle.db, { email: "ADA@acme.com" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(409);
    expect((error as AppError).message).toBe('a user with email "ada@acme.com" already exists');
  });
});
