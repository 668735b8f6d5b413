import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { inject } from "vitest";
import { connectPostgres, type DbHandle, openPglite } from "@/db/client";
import { migrateDb } from "@/db/migrate";
import { withDatabase } from "../global-setup";

/** A minimal manual subscription item row ($10.00 a month from 2024-01-01) for database-level tests. */
export const manualItemRow = (orgId: string, customerId: string, externalId: string) => ({
  orgId,
  customerId,
  source: "manual" as const,
  externalId,
  unitAmount: 1000,
  currency: "USD",
  intervalUnit: "month" as const,
  startDate: "2024-01-01",
  mrr: 1000,
});

/**
 * A fresh, migrated database for one test file: in-memory PGlite by default, or a copy of the run's
 * template database on the Postgres server named by TEST_DATABASE_URL. Call `close()` in afterAll.
 */
export async function createTestDb(): Promise<DbHandle> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    const handle = openPglite();
    await migrateDb(handle);
    return handle;
  }
  const prefix = inject("testDbPrefix");
  const name = `${prefix}_${randomBytes(4).toString("hex")}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE "${name}" TEMPLATE "${prefix}_tpl"`);
  await admin.end();
  const handle = connectPostgres(withDatabase(url, name), { max: 4 });
  return {
    ...handle,
    close: async () => {
      await handle.close();
      const cleanup = postgres(url, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await cleanup.end();
    },
  };
}
