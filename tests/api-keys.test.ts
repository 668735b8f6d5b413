import { and, eq, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { apiKeys, auditLogs } from "@/db/schema";
import { authenticateApiKey, createApiKey, listApiKeys, revokeApiKey } from "@/lib/api-keys";
import { createUser } from "@/lib/auth/users";
import { createOrganization } from "@/lib/orgs/organizations";
import { createTestDb } from "./helpers/db";

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

describe("API keys", () => {
  it("creates a key shown once, stores only its hash, authenticates it to its org, and revokes it", async () => {
    const user = await createUser(h.db, { email: "admin@keys.test", password: "admin password" });
    const a = await createOrganization(h.db, { name: "Keys A", slug: "keys-a", ownerUserId: user.id });
    const b = await createOrganization(h.db, { name: "Keys B", slug: "keys-b", ownerUserId: user.id });
    const { key, apiKey } = await createApiKey(h.db, {
      orgId: a.id,
      name: "Prod events",
      createdBy: user.id,
    });
    expect(key).toMatch(/^mk_[A-Za-z0-9_-]{43}$/);
    const [stored] = await h.db.select().from(apiKeys).where(eq(apiKeys.id, apiKey.id));
    expect(stored?.keyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(key);
    expect(stored?.prefix).toBe(key.slice(0, 10));

    expect((await authenticateApiKey(h.db, key))?.org.id).toBe(a.id);
    expect(await authenticateApiKey(h.db, `${key}x`)).toBeUndefined();
    expect(await authenticateApiKey(h.db, "Bearer nonsense")).toBeUndefined();
    expect((await listApiKeys(h.db, a.id)).map((k) => k.name)).toEqual(["Prod events"]);
    expect(await listApiKeys(h.db, b.id)).toEqual([]);

    // Another org cannot revoke it: not found, and the key still works.
    await expect(
      revokeApiKey(h.db, { orgId: b.id, keyId: apiKey.id, actorUserId: user.id }),
    ).rejects.toMatchObject({ status: 404 });
    expect(await authenticateApiKey(h.db, key)).toBeDefined();
    await revokeApiKey(h.db, { orgId: a.id, keyId: apiKey.id, actorUserId: user.id });
    expect(await authenticateApiKey(h.db, key)).toBeUndefined();

    const log = await h.db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.orgId, a.id), like(auditLogs.action, "api_key.%")))
      .orderBy(auditLogs.id);
    expect(log.map((l) => [l.action, l.target, l.metadata])).toEqual([
      ["api_key.created", `Prod events (${apiKey.prefix}…)`, { keyId: apiKey.id }],
      ["api_key.revoked", `Prod events (${apiKey.prefix}…)`, { keyId: apiKey.id }],
    ]);
  });
});
