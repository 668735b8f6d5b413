import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { auditLogs, authAttempts, users } from "@/db/schema";
import { checkThrottle, recordSignInAttempt, THROTTLE, throttleMessage } from "@/lib/auth/throttle";
import { createUser, verifyCredentials } from "@/lib/auth/users";
import { createOrganization } from "@/lib/orgs/organizations";
import { createTestDb } from "./helpers/db";

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

describe("accounts", () => {
  it("stores a normalised email and an argon2id hash, never the password", async () => {
    const user = await createUser(h.db, {
      email: "  Ada@Example.COM ",
      password: "correct horse battery",
      name: "Ada",
    });
    expect(user.email).toBe("ada@example.com");
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
    expect(user.passwordHash).not.toContain("correct horse");
    expect((await verifyCredentials(h.db, "ADA@example.com", "correct horse battery"))?.id).toBe(user.id);
    expect(await verifyCredentials(h.db, "ada@example.com", "wrong password!")).toBeUndefined();
    expect(await verifyCredentials(h.db, "nobody@example.com", "correct horse battery")).toBeUndefined();
  });

  it("refuses short passwords, bad emails and duplicates with clear messages", async () => {
    await expect(createUser(h.db, { email: "b@example.com", password: "123456789" })).rejects.toThrow(
      /at least 10 characters/,
    );
    await expect(createUser(h.db, { email: "not-an-email", password: "long enough pw" })).rejects.toThrow(
      /valid email/,
    );
    await createUser(h.db, { email: "dup@example.com", password: "long enough pw" });
    await expect(
      createUser(h.db, { email: "DUP@example.com", password: "long enough pw" }),
    ).rejects.toMatchObject({ status: 409 });
    expect(await h.db.select().from(users).where(eq(users.email, "dup@example.com"))).toHaveLength(1);
  });
});

describe("sign-in throttling", () => {
  it(`locks an email after ${THROTTLE.maxFailuresPerEmail} failures in ${THROTTLE.windowMinutes} minutes, then lifts`, async () => {
    const email = "victim@example.com";
    for (let i = 0; i < THROTTLE.maxFailuresPerEmail - 1; i++) {
      await recordSignInAttempt(h.db, { email, ip: `10.0.0.${i}`, succeeded: false });
    }
    expect(await checkThrottle(h.db, { email, ip: "10.9.9.9" })).toEqual({ allowed: true });
    await recordSignInAttempt(h.db, { email, ip: "10.0.0.99", succeeded: false });
    const locked = await checkThrottle(h.db, { email, ip: "10.9.9.9" });
    expect(locked.allowed).toBe(false);
    if (locked.allowed) return;
    expect(locked.retryAfterMinutes).toBe(THROTTLE.windowMinutes);
    expect(throttleMessage(locked)).toMatch(/^Too many attempts .* Try again in 15 minutes\.$/);
    // Another email from the same IPs is not affected.
    expect((await checkThrottle(h.db, { email: "other@example.com", ip: "10.0.0.1" })).allowed).toBe(true);
    // Five minutes on, ten are left; fifteen minutes on, the lock has lifted.
    // Measured from the oldest failure as the database stamped it (its clock, not this process's).
    const [oldest] = await h.db
      .select({ at: authAttempts.createdAt })
      .from(authAttempts)
      .where(eq(authAttempts.email, email))
      .orderBy(authAttempts.createdAt)
      .limit(1);
    const t0 = oldest!.at;
    const later = await checkThrottle(h.db, { email, ip: "x", now: new Date(t0.getTime() + 5 * 60_000) });
    expect(later.allowed === false && later.retryAfterMinutes).toBe(10);
    expect(
      (await checkThrottle(h.db, { email, ip: "x", now: new Date(t0.getTime() + 15 * 60_000 + 1000) }))
        .allowed,
    ).toBe(true);
  });

  it(`locks an IP after ${THROTTLE.maxFailuresPerIp} failures across emails`, async () => {
    const ip = "192.0.2.7";
    for (let i = 0; i < THROTTLE.maxFailuresPerIp; i++) {
      await recordSignInAttempt(h.db, { email: `spray${i}@example.com`, ip, succeeded: false });
    }
    const state = await checkThrottle(h.db, { email: "fresh@example.com", ip });
    expect(state.allowed === false && state.reason).toMatch(/network/);
  });

  it("does not count successful sign-ins", async () => {
    for (let i = 0; i < 20; i++)
      await recordSignInAttempt(h.db, { email: "ok@example.com", ip: "198.51.100.1", succeeded: true });
    expect((await checkThrottle(h.db, { email: "ok@example.com", ip: "198.51.100.1" })).allowed).toBe(true);
    const rows = await h.db.select().from(authAttempts).where(eq(authAttempts.email, "ok@example.com"));
    expect(rows).toHaveLength(20);
  });

  it("audit-logs a failure in every org of the account, and unknown emails outside any org", async () => {
    const user = await createUser(h.db, { email: "member@example.com", password: "long enough pw" });
    const a = await createOrganization(h.db, { name: "Org A", slug: "throttle-a", ownerUserId: user.id });
    const b = await createOrganization(h.db, { name: "Org B", slug: "throttle-b", ownerUserId: user.id });
    await recordSignInAttempt(h.db, {
      email: user.email,
      ip: "203.0.113.5",
      succeeded: false,
      userId: user.id,
    });
    for (const org of [a, b]) {
      const rows = await h.db
        .select()
        .from(auditLogs)
        .where(and(eq(auditLogs.orgId, org.id), eq(auditLogs.action, "auth.sign_in_failed")));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ target: user.email, ip: "203.0.113.5" });
    }
    await recordSignInAttempt(h.db, { email: "ghost@example.com", ip: "203.0.113.6", succeeded: false });
    const ghost = await h.db.select().from(auditLogs).where(eq(auditLogs.target, "ghost@example.com"));
    expect(ghost).toHaveLength(1);
    expect(ghost[0]?.orgId).toBeNull();
  });
});
