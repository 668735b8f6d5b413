import path from "node:path";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import { type DbHandle, embeddedModules } from "./client";

export const MIGRATIONS_FOLDER = path.join(process.cwd(), "db", "migrations");

/** Applies the committed drizzle-kit migrations; the same files on PGlite and on a Postgres server. */
export async function migrateDb(handle: DbHandle, migrationsFolder = MIGRATIONS_FOLDER): Promise<void> {
  // Both migrators run `db.dialect.migrate` on their own session type; the handle's kind picks one.
  if (handle.kind === "pglite") {
    await embeddedModules().migrate(handle.db as never, { migrationsFolder });
  } else {
    await migratePostgres(handle.db as never, { migrationsFolder });
  }
}
