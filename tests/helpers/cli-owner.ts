/**
 * Stands in for the running app in tests/cli.test.ts: owns the embedded database in MERIDIAN_DATA_DIR
 * (serving it on its socket), prints "ready", then answers one JSON line per request line on stdin:
 *   `orgs`      → ["acme", ...] (slugs, read through this process's own PGlite)
 *   `key <key>` → the slug of the org the API key belongs to, or null
 * Exits, releasing the lock and the socket, on SIGTERM or when stdin closes.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { asc } from "drizzle-orm";
import { closeDb, getDbHandle } from "@/db/client";
import { migrateDb } from "@/db/migrate";
import { organizations } from "@/db/schema";
import { authenticateApiKey } from "@/lib/api-keys";
import { env } from "@/lib/env";

const handle = getDbHandle();
if (handle.kind !== "pglite") throw new Error("cli-owner: another process already owns the data dir");
await migrateDb(handle);
// openEmbedded starts the socket server without waiting for it; clients need it listening.
const socket = path.join(env().dataDir, ".s.PGSQL.5432");
while (!existsSync(socket)) await new Promise((resolve) => setTimeout(resolve, 20));

let closing: Promise<void> | undefined;
const shutdown = () => {
  closing ??= closeDb().then(() => process.exit(0));
  return closing;
};
process.on("SIGTERM", shutdown);

async function answer(line: string): Promise<unknown> {
  const [request, arg = ""] = line.trim().split(/\s+/);
  if (request === "orgs") {
    const rows = await handle.db
      .select({ slug: organizations.slug })
      .from(organizations)
      .orderBy(asc(organizations.slug));
    return rows.map((r) => r.slug);
  }
  if (request === "key") return (await authenticateApiKey(handle.db, arg))?.org.slug ?? null;
  return { error: `unknown request: ${line}` };
}

console.log("ready");
for await (const line of createInterface({ input: process.stdin })) {
  console.log(JSON.stringify(await answer(line)));
}
await shutdown();
