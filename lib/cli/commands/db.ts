import type { Command } from "commander";
import { count } from "drizzle-orm";
import { integer, pgSchema } from "drizzle-orm/pg-core";
import type { Db, DbHandle } from "@/db/client";
import { MIGRATIONS_FOLDER, migrateDb } from "@/db/migrate";
import type { CliContext } from "../context";
import { type DatabaseInfo, formatDatabase } from "../database-info";
import { dbAction } from "../output";

// drizzle's own bookkeeping table (default schema and name, as db/migrate.ts does not change them).
const appliedMigrations = pgSchema("drizzle").table("__drizzle_migrations", { id: integer("id") });

async function countApplied(db: Db): Promise<number> {
  try {
    const [row] = await db.select({ n: count() }).from(appliedMigrations);
    return row?.n ?? 0;
  } catch {
    return 0; // a database never migrated has no bookkeeping table yet
  }
}

export type DbMigrateResult = { applied: number; total: number; database: DatabaseInfo };

export async function dbMigrate(
  handle: DbHandle,
  options: { database: DatabaseInfo; migrationsFolder?: string },
): Promise<DbMigrateResult> {
  const before = await countApplied(handle.db);
  await migrateDb(handle, options.migrationsFolder ?? MIGRATIONS_FOLDER);
  const total = await countApplied(handle.db);
  return { applied: total - before, total, database: options.database };
}

export function dbMigrateText({ applied, total, database }: DbMigrateResult): string {
  const news = applied === 0 ? "already up to date" : `${applied} new`;
  return [`migrations applied (${news}, ${total} in total)`, `database: ${formatDatabase(database)}`].join(
    "\n",
  );
}

export function registerDbCommands(program: Command, ctx: CliContext): void {
  const db = program.command("db").description("database maintenance");
  db.command("migrate")
    .description("apply the committed migrations (the app also does this when it starts)")
    .action(dbAction(ctx, (h) => dbMigrate(h, { database: ctx.describeDb(h) }), dbMigrateText));
}
