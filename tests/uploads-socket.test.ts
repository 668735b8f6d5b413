import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { describe, expect, it } from "vitest";
import { connectPostgres, type DbHandle, openPglite } from "@/db/client";
import { migrateDb } from "@/db/migrate";
import { detectEngine } from "@/lib/uploads/import-load";
import { counts, itemsByCustomer, setupUploads } from "./helpers/uploads";

/*
 * The CLI importing while the app runs: the app owns the embedded database and serves it on a Unix
 * socket (db/client.ts), and the CLI's import speaks the Postgres protocol to it. Neither COPY FROM
 * STDIN nor PGlite's Blob is available there, so the batches are staged as JSON (import-load.ts): this
 * file is that path's test. PGlite only, whatever TEST_DATABASE_URL says (a server never has it).
 */
async function openThroughSocket(): Promise<DbHandle> {
  const owner = openPglite();
  await migrateDb(owner);
  const dir = mkdtempSync(path.join(tmpdir(), "meridian-socket-"));
  const socketPath = path.join(dir, ".s.PGSQL.5432");
  const server = new PGLiteSocketServer({ db: owner.client, path: socketPath, maxConnections: 4 });
  await server.start();
  const client = connectPostgres({ path: socketPath });
  return {
    ...client,
    close: async () => {
      await client.close();
      await server.stop();
      await owner.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const { db, newOrg, importText } = setupUploads(openThroughSocket);

describe("an import through the embedded database's socket (the CLI while the app runs)", () => {
  it("stages as JSON and keeps values, counts, rejections and idempotency exactly as in process", async () => {
    expect(await detectEngine(db())).toBe("json");
    const orgId = await newOrg("socket");
    const text = [
      "Subscription ID,Customer,Plan,Qty,Amount,Currency,Billing Period,Start Date",
      '"s,1",Acme,"Pro, ""annual""",1,$120.00,USD,yearly,2024-01-05',
      '"s""2",Bolt,"Basic\nTwo lines",2,90,USD,monthly,2024-02-01',
      "s3 Ünïcødé,Cyan,Größe,1,10,USD,monthly,2024-02-01",
      "s4,Dune,Pro,5000000000,10,USD,monthly,2024-02-01",
    ].join("\n");
    const first = await importText(orgId, text);
    expect(counts(first)).toEqual({ status: "complete", read: 4, imported: 3, unchanged: 0, rejected: 1 });
    const rows = await itemsByCustomer(db(), orgId);
    expect(rows).toEqual([
      { key: "s,1", plan: 'Pro, "annual"', customer: "Acme", mrr: 1_000 },
      { key: 's"2', plan: "Basic\nTwo lines", customer: "Bolt", mrr: 18_000 },
      { key: "s3 Ünïcødé", plan: "Größe", customer: "Cyan", mrr: 1_000 },
    ]);
    // The same rows from another file change nothing.
    const again = await importText(orgId, `${text}\n`);
    expect(counts(again)).toEqual({ status: "complete", read: 4, imported: 0, unchanged: 3, rejected: 1 });
  });
});
