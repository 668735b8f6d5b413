import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { auditLogs, memberships } from "@/db/schema";
import { createUser } from "@/lib/auth/users";
import { createTestDb } from "@/tests/helpers/db";
import { orgCreate, orgCreateText } from "./org";

let handle: DbHandle;
let ownerId: string;
beforeAll(async () => {
  handle = await createTestDb();
  ownerId = (await createUser(handle.db, { email: "owner@acme.com", password: "0123456789" })).id;
});
afterAll(() => handle.close());

describe("orgCreate", () => {
  it("creates the org with the user as its only owner, audit-logged", async () => {
    const result = await orgCreate(handle.db, { slug: "Acme", name: " Acme Inc. ", owner: "OWNER@acme.com" });
    expect(result.org).toMatchObject({ slug: "acme", name: "Acme Inc.", currency: "USD", timezone: "UTC" });
    expect(result.owner).toEqual({ id: ownerId, email: "owner@acme.com" });
    const members = await handle.db.select().from(memberships).where(eq(memberships.orgId, result.org.id));
    expect(members.map((m) => [m.userId, m.role])).toEqual([[ownerId, "owner"]]);
    const log = await handle.db.select().from(auditLogs).where(eq(auditLogs.orgId, result.org.id));
    expect(log.map((l) => l.action)).toEqual(["org.created"]);
    expect(orgCreateText(result)).toBe(
      `Created organisation "Acme Inc." (acme, ${result.org.id}).\nReporting currency USD, timezone UTC; owner owner@acme.com.`,
    );
  });

  it("takes a currency and a timezone", async () => {
    const result = await orgCreate(handle.db, {
      slug: "acme-eu",
      name: "Acme EU",
      owner: "owner@acme.com",
      currency: "eur",
      timezone: "Europe/Paris",
    });
    expect(result.org).toMatchObject({ currency: "EUR", timezone: "Europe/Paris" });
  });

  it("tells how to create a missing owner", async () => {
    await expect(
      orgCreate(handle.db, { slug: "ghost", name: "Ghost", owner: "nobody@acme.com" }),
    ).rejects.toThrow(
      'no user with email "nobody@acme.com"; create it first with `meridian user create --email nobody@acme.com`',
    );
  });

  it("reports a taken slug in CLI words", async () => {
    await expect(
      orgCreate(handle.db, { slug: "ACME", name: "Other", owner: "owner@acme.com" }),
    ).rejects.toThrow('an organisation with slug "acme" already exists');
  });

  it("passes the service's field validation through", async () => {
    const base = { slug: "valid-slug", name: "Valid", owner: "owner@acme.com" };
    await expect(orgCreate(handle.db, { ...base, slug: "ab" })).rejects.toThrow(
      "slug: Use at least 3 characters.",
    );
    await expect(orgCreate(handle.db, { ...base, currency: "XYZ" })).rejects.toThrow(/^currency: /);
    await expect(orgCreate(handle.db, { ...base, timezone: "Mars/Olympus" })).rejects.toThrow(/^timezone: /);
  });
});
