import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { connectPostgres, type DbHandle } from "@/db/client";
import { queryRows } from "@/db/rows";
import { copyLines, csvLine } from "@/lib/uploads/import-load";

/*
 * The import's COPY into staging tables (Postgres server only: PGlite stages through JSON). postgres.js
 * drops the error of a COPY the server refuses (the stream neither finishes nor errors); copyLines must
 * still end, with an error, instead of waiting for ever.
 */

const url = process.env.TEST_DATABASE_URL;

class RolledBack extends Error {}

describe.skipIf(!url)("copyLines on a Postgres server", () => {
  const handles: DbHandle[] = [];
  afterAll(async () => {
    for (const h of handles) await h.close();
  });
  const open = () => {
    const h = connectPostgres(url as string, { max: 1 });
    handles.push(h);
    return h.db;
  };

  it("copies CSV lines, quoting included", async () => {
    const rows = [
      [1, 'with "quotes", and a comma'],
      [2, "line\nbreak"],
      [3, null],
    ];
    const got = await open().transaction(async (tx) => {
      await tx.execute(sql`CREATE TEMP TABLE copy_ok (a int, b text) ON COMMIT DROP`);
      await copyLines(tx, "copy_ok", ["a", "b"], rows.length, (i) => csvLine(rows[i] ?? []));
      return queryRows<{ a: number; b: string | null }>(tx, sql`SELECT a, b FROM copy_ok ORDER BY a`);
    });
    expect(got).toEqual(rows.map(([a, b]) => ({ a, b })));
  });

  it("ends with an error when the server refuses a value, instead of hanging", async () => {
    const db = open();
    const lines = ["1,one", "5000000000,too large for int", "3,three"];
    let error: unknown = null;
    await db
      .transaction(async (tx) => {
        await tx.execute(sql`CREATE TEMP TABLE copy_bad (a int, b text) ON COMMIT DROP`);
        error = await copyLines(tx, "copy_bad", ["a", "b"], lines.length, (i) => lines[i] ?? "").catch(
          (e: unknown) => e,
        );
        throw new RolledBack();
      })
      .catch((e: unknown) => {
        if (!(e instanceof RolledBack)) throw e;
      });
    expect((error as Error).message).toMatch(/refused the rows staged into copy_bad/);
    // The connection is usable again after the rollback.
    const [row] = await queryRows<{ one: number }>(db, sql`SELECT 1 AS one`);
    expect(row?.one).toBe(1);
  }, 10_000);
});
