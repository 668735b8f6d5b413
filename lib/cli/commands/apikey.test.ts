import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { apiKeys, auditLogs } from "@/db/schema";
import { authenticateApiKey } from "@/lib/api-keys";
import { createUser } from "@/lib/auth/users";
import { createOrganization } from "@/lib/orgs/organizations";
import { createTestDb } from "@/tests/helpers/db";
import { apiKeyCreate, apiKeyCreateText } from "./apikey";

let handle: DbHandle;
let orgId: string;
beforeAll(async () => {
  handle = await createTestDb();
  const owner = await createUser(handle.db, { email: "owner@acme.com", password: "0123456789" });
  orgId = (await createOrganization(handle.db, { slug: "acme", name: "Acme", ownerUserId: owner.id })).id;
});
afterAll(() => handle.close());

describe("apiKeyCreate", () => {
  it("returns a working key once, stores only its hash, and audit-logs it as the CLI", async () => {
    const result = await apiKeyCreate(handle.db, { org: "ACME", name: "warehouse sync" });
    expect(result.org).toEqual({ id: orgId, slug: "acme" });
    expect(result.key).toMatch(/^mk_[A-Za-z0-9_-]{43}$/);
    expect(result.apiKey).toMatchObject({ name: "warehouse sync", prefix: result.key.slice(0, 10) });
    expect((await authenticateApiKey(handle.db, result.key))?.org.id).toBe(orgId);

    const [stored] = await handle.db.select().from(apiKeys).where(eq(apiKeys.id, result.apiKey.id));
    expect(stored?.createdBy).toBeNull();
    expect(JSON.stringify(stored)).not.toContain(result.key);
    const [entry] = await handle.db.select().from(auditLogs).where(eq(auditLogs.action, "api_key.created"));
    expect(entry).toMatchObject({ orgId, actorUserId: null, metadata: { keyId: result.apiKey.id } });

    const text = apiKeyCreateText(result);
    expect(text.split("\n").at(-1)).toBe(result.key);
    expect(text).toContain(`for acme`);
  });

  it("fails with one line for an unknown org", async () => {
    await expect(apiKeyCreate(handle.db, { org: "nope", name: "x" })).rejects.toThrow(
      'organisation "nope" not found',
    );
  });

  it("requires a name", async () => {
    await expect(apiKeyCreate(handle.db, { org: "acme", name: " " })).rejects.toThrow(
      "name: Give the key a name.",
    );
  });
});
