import type { SQL } from "drizzle-orm";

/** The single row an INSERT … RETURNING or a lookup by primary key must produce. */
export function one<T>(rows: T[], what = "row"): T {
  const [row] = rows;
  if (row === undefined) throw new Error(`Expected one ${what}, got none`);
  return row;
}

/**
 * Rows of a raw SQL query on either driver: postgres.js returns an array, PGlite `{ rows }`. Values are as
 * the driver gives them (postgres.js: int8 and numeric as strings), so read numbers with `toNumber`.
 */
export async function queryRows<T>(
  db: { execute: (query: SQL) => Promise<unknown> },
  query: SQL,
): Promise<T[]> {
  const result = await db.execute(query);
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** A numeric value from a raw row (number, bigint or numeric string); null and undefined read as null. */
export function toNumber(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = typeof value === "bigint" ? Number(value) : Number(value);
  if (!Number.isFinite(n)) throw new Error(`not a number: ${String(value)}`);
  return n;
}

/**
 * The database error with one of these SQLSTATE codes in `error`'s cause chain (drizzle wraps what
 * postgres.js or PGlite throws), or undefined.
 */
export function dbErrorWith(
  error: unknown,
  ...codes: string[]
): { code: string; message: string } | undefined {
  for (let e = error as { code?: unknown; message?: unknown; cause?: unknown } | null | undefined; e; ) {
    if (typeof e.code === "string" && codes.includes(e.code)) {
      return { code: e.code, message: typeof e.message === "string" ? e.message : "" };
    }
    e = typeof e.cause === "object" ? (e.cause as typeof e) : undefined;
  }
  return undefined;
}
