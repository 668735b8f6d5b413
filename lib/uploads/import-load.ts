import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { dbErrorWith, queryRows } from "@/db/rows";

/*
 * How an import's rows reach the database: never row by row. A staging table is filled with COPY (CSV):
 * on a Postgres server FROM STDIN ("copy"); on PGlite in this process FROM '/dev/blob', the text handed
 * over as a Blob ("blob"). PGlite served on our Unix socket to another process (the CLI while the app
 * runs) has neither, and gets one INSERT … SELECT from json_populate_recordset per table and batch ("json").
 */

export type Engine = "copy" | "blob" | "json";

type RawCopyClient = { unsafe: (q: string) => { writable(): Promise<NodeJS.WritableStream> } };
type BlobCopyClient = { query: (q: string, params: unknown[], options: { blob: Blob }) => Promise<unknown> };

/** Whether the engine is PGlite's (in process or through its socket), not a Postgres server's. */
export const isPglite = (engine: Engine) => engine !== "copy";

/** COPY on a real Postgres server and on PGlite in process; JSON inserts through PGlite's socket. */
export async function detectEngine(db: Db): Promise<Engine> {
  const client = (db as unknown as { $client?: unknown }).$client;
  const isPostgresJs = typeof client === "function" && "begin" in client;
  if (!isPostgresJs) return "blob";
  const [row] = await queryRows<{ v: string }>(db, sql`SELECT version() AS v`);
  return row?.v.includes("PGlite") ? "json" : "copy";
}

/** Postgres text cannot hold NUL characters. */
const clean = (s: string) => (s.includes("\u0000") ? s.replaceAll("\u0000", "") : s);

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return `"${clean(String(v)).replace(/"/g, '""')}"`;
}

/** Loads rows (arrays in `columns` order) into `table`, in the transaction `tx`. */
export type Loader = (table: string, columns: readonly string[], rows: readonly unknown[][]) => Promise<void>;

/** Rows per COPY write: the CSV text of a whole batch is never built at once. */
const COPY_PIECE = 5_000;

/** How long a COPY may run before a query behind it checks that it has not failed. */
const COPY_PROBE_MS = 1_000;

/** One row as a line of COPY's CSV (without its newline). */
export const csvLine = (values: readonly unknown[]): string => values.map(csvCell).join(",");

/** COPY's text for lines 0 … count − 1, COPY_PIECE lines at a time. */
function* copyText(count: number, lineAt: (i: number) => string): Generator<string> {
  for (let at = 0; at < count; ) {
    const piece: string[] = [];
    for (const end = Math.min(at + COPY_PIECE, count); at < end; at++) piece.push(lineAt(at));
    yield `${piece.join("\n")}\n`;
  }
}

/**
 * One COPY (CSV) of `count` lines into `table`; `lineAt(i)` gives line i (without its newline). On a
 * server the text is built and sent COPY_PIECE lines at a time; on PGlite in process it is handed over
 * as one Blob of those pieces (the batch's, a few MB at most).
 */
export async function copyLines(
  tx: Db,
  table: string,
  columns: readonly string[],
  count: number,
  lineAt: (i: number) => string,
): Promise<void> {
  if (count === 0) return;
  const raw = (tx as unknown as { session?: { client?: unknown } }).session?.client;
  const cols = columns.map((c) => `"${c}"`).join(", ");
  if (typeof raw !== "function") {
    if (typeof (raw as Partial<BlobCopyClient> | undefined)?.query !== "function")
      throw new Error("COPY needs postgres.js's or PGlite's transaction client");
    await (raw as BlobCopyClient).query(`COPY ${table} (${cols}) FROM '/dev/blob' WITH (FORMAT csv)`, [], {
      blob: new Blob([...copyText(count, lineAt)]),
    });
    return;
  }
  const stream = await (raw as unknown as RawCopyClient)
    .unsafe(`COPY ${table} (${cols}) FROM STDIN WITH (FORMAT csv)`)
    .writable();
  await new Promise<void>((resolve, reject) => {
    let settled = false;
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearInterval(probing);
      error ? reject(error) : resolve();
    };
    stream.on("error", settle);
    stream.on("finish", () => settle());
    // postgres.js loses the error of a COPY the server refuses (a value its column's type rejects): the
    // stream neither finishes nor errors, and the import would wait for ever. While it waits, a query
    // queued behind the COPY tells: it fails as "current transaction is aborted" once the COPY has
    // failed. (Issued before the stream has sent its end, it is refused as COPY_IN_PROGRESS: tried again.)
    let probe: Promise<unknown> | null = null;
    const probing = setInterval(() => {
      if (settled || probe) return;
      probe = Promise.resolve(tx.execute(sql`SELECT 1`)).then(
        () => {
          probe = null;
        },
        (error: unknown) => {
          probe = null;
          if (!dbErrorWith(error, "25P02")) return; // current transaction is aborted
          settle(
            new Error(
              `the database refused the rows staged into ${table} (a value its column's type does not accept); the client library does not pass on its message`,
            ),
          );
        },
      );
    }, COPY_PROBE_MS);
    const text = copyText(count, lineAt);
    const more = () => {
      for (let piece = text.next(); !piece.done; piece = text.next()) {
        if (!stream.write(piece.value)) {
          stream.once("drain", more);
          return;
        }
      }
      stream.end();
    };
    more();
  });
}

export function loaderFor(tx: Db, engine: Engine): Loader {
  if (engine !== "json") {
    return (table, columns, rows) =>
      copyLines(tx, table, columns, rows.length, (i) => csvLine(rows[i] ?? []));
  }
  return async (table, columns, rows) => {
    if (rows.length === 0) return;
    const cols = sql.raw(columns.map((c) => `"${c}"`).join(", "));
    for (let at = 0; at < rows.length; at += COPY_PIECE * 4) {
      const objects = rows.slice(at, at + COPY_PIECE * 4).map((r) => {
        const o: Record<string, unknown> = {};
        for (let i = 0; i < columns.length; i++) {
          const v = r[i];
          o[columns[i] as string] = typeof v === "string" ? clean(v) : v;
        }
        return o;
      });
      await tx.execute(sql`
        INSERT INTO ${sql.raw(table)} (${cols})
        SELECT ${cols} FROM json_populate_recordset(NULL::${sql.raw(table)}, ${JSON.stringify(objects)}::json)`);
    }
  };
}
