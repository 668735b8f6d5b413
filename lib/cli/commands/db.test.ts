import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type DbHandle, openPglite } from "@/db/client";
import { MIGRATIONS_FOLDER } from "@/db/migrate";
import type { DatabaseInfo } from "@/lib/cli/database-info";
import { createTestDb } from "@/tests/helpers/db";
import { dbMigrate, dbMigrateText } from "./db";

const journal = JSON.parse(readFileSync(path.join(MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8")) as {
  entries: unknown[];
};
const committed = journal.entries.length;
const database: DatabaseInfo = { kind: "embedded", dataDir: "/srv/meridian", via: "this-process" };

const handles: DbHandle[] = [];
afterAll(() => Promise.all(handles.map((h) => h.close())));

describe("dbMigrate", () => {
  it("applies every committed migration to an empty database, then nothing", async () => {
    const fresh = openPglite();
    handles.push(fresh);
    expect(await dbMigrate(fresh, { database })).toEqual({ applied: committed, total: committed, database });
    expect(await dbMigrate(fresh, { database })).toEqual({ applied: 0, total: committed, database });
  });

  it("is a no-op on an already migrated database (either engine)", async () => {
    const migrated = await createTestDb();
    handles.push(migrated);
    const result = await dbMigrate(migrated, { database });
    expect(result).toMatchObject({ applied: 0, total: committed });
    expect(dbMigrateText(result)).toBe(
      `migrations applied (already up to date, ${committed} in total)\n` +
        "database: embedded PGlite in /srv/meridian (opened by this command)",
    );
  });
});
