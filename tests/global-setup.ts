import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { connectPostgres } from "@/db/client";
import { migrateDb } from "@/db/migrate";

/**
 * With TEST_DATABASE_URL set, the suite runs on that Postgres server: one migrated template database per
 * run, copied into a fresh database per test file (tests/helpers/db.ts), all dropped at the end.
 * Without it, each test file gets its own in-memory PGlite with the same migrations.
 */
export default async function setup({ provide }: { provide: (key: string, value: string) => void }) {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return;
  const prefix = `meridian_test_${randomBytes(4).toString("hex")}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  const template = `${prefix}_tpl`;
  await admin.unsafe(`CREATE DATABASE "${template}"`);
  const handle = connectPostgres(withDatabase(url, template), { max: 1 });
  await migrateDb(handle);
  await handle.close();
  provide("testDbPrefix", prefix);
  return async () => {
    const rows = await admin<{ datname: string }[]>`
      SELECT datname FROM pg_database WHERE datname LIKE ${`${prefix}%`}`;
    for (const { datname } of rows) await admin.unsafe(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    await admin.end();
  };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

declare module "vitest" {
  export interface ProvidedContext {
    testDbPrefix: string;
  }
}
