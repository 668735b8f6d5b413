import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { one } from "@/db/rows";
import { apiKeys, organizations } from "@/db/schema";
import { audit } from "@/lib/audit";
import { notFound } from "@/lib/errors";
import { parseField } from "@/lib/orgs/validation";

const KEY_PREFIX = "mk_";
const ZKeyName = z.string().trim().min(1, "Give the key a name.").max(80, "Use at most 80 characters.");

const hashKey = (key: string) => createHash("sha256").update(key).digest("hex");

/** Creates a key and returns it in full once; only its sha256 and a display prefix are stored. */
export async function createApiKey(
  db: Db,
  { orgId, name, createdBy }: { orgId: string; name: string; createdBy: string | null },
) {
  const key = `${KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
  const record = one(
    await db
      .insert(apiKeys)
      .values({
        orgId,
        name: parseField(ZKeyName, name, "name"),
        prefix: key.slice(0, 10),
        keyHash: hashKey(key),
        createdBy,
      })
      .returning({
        id: apiKeys.id,
        name: apiKeys.name,
        prefix: apiKeys.prefix,
        createdAt: apiKeys.createdAt,
      }),
    "api key",
  );
  await audit(db, {
    orgId,
    actorUserId: createdBy,
    action: "api_key.created",
    target: `${record.name} (${record.prefix}…)`,
    metadata: { keyId: record.id },
  });
  return { key, apiKey: record };
}

export async function listApiKeys(db: Db, orgId: string) {
  return db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      prefix: apiKeys.prefix,
      createdAt: apiKeys.createdAt,
      lastUsedAt: apiKeys.lastUsedAt,
      revokedAt: apiKeys.revokedAt,
    })
    .from(apiKeys)
    .where(eq(apiKeys.orgId, orgId))
    .orderBy(desc(apiKeys.createdAt));
}

export async function revokeApiKey(
  db: Db,
  { orgId, keyId, actorUserId }: { orgId: string; keyId: string; actorUserId: string | null },
) {
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiKeys.orgId, orgId), eq(apiKeys.id, keyId), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.prefix });
  if (!row) throw notFound("API key not found.");
  await audit(db, {
    orgId,
    actorUserId,
    action: "api_key.revoked",
    target: `${row.name} (${row.prefix}…)`,
    metadata: { keyId: row.id },
  });
}

/** The org a live key belongs to, or undefined for an unknown or revoked key. */
export async function authenticateApiKey(db: Db, key: string) {
  if (!key.startsWith(KEY_PREFIX)) return undefined;
  const [row] = await db
    .select({ keyId: apiKeys.id, org: organizations, lastUsedAt: apiKeys.lastUsedAt })
    .from(apiKeys)
    .innerJoin(organizations, eq(organizations.id, apiKeys.orgId))
    .where(and(eq(apiKeys.keyHash, hashKey(key)), isNull(apiKeys.revokedAt)))
    .limit(1);
  if (!row) return undefined;
  // Touch at most once a minute: a busy key must not turn every read into a write.
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
    await db.update(apiKeys).set({ lastUsedAt: new Date() }).where(eq(apiKeys.id, row.keyId));
  }
  return { keyId: row.keyId, org: row.org };
}
