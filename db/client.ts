import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { env } from "@/lib/env";
import * as schema from "./schema";

/** The database handle every query function takes first; a transaction is assignable to it too. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export type DbHandle = {
  db: Db;
  /** `pglite`: this process owns the embedded database; `postgres`: a server (or another process's PGlite). */
  kind: "pglite" | "postgres";
  close: () => Promise<void>;
};

const helperClients = new WeakMap<object, () => postgres.Sql>();

/**
 * Connections of their own beside a Postgres server handle's pool, for one task split across
 * connections (a large org's revenue rebuild, lib/metrics/derive.ts): apart from the pool, so they never
 * wait behind requests that themselves wait for that task. Null for anything else: PGlite and its socket
 * (one backend), and a transaction (work on other connections would not see its writes).
 */
export function helperClient(db: Db): postgres.Sql | null {
  return helperClients.get(db)?.() ?? null;
}

/**
 * Session settings of server connections. JIT off: compiling a plan costs 50–200 ms, more than our
 * queries take, and the planner turns it on by cost — for instance over the many partitions of the
 * derived tables (lib/metrics/partitions.ts) before run-time pruning leaves one org's.
 */
const SESSION = { jit: "off" } as const;

/** What postgres.js passes a custom socket factory: its parsed connection options. */
type SocketTarget = { host: string[]; port: number[]; path?: string; connect_timeout?: number };

/**
 * TCP connections to the server with Nagle's algorithm off (TCP_NODELAY), as libpq and most drivers set
 * it. postgres.js writes a COPY's data and its end, and the parts of a query over 1 KB, as separate small
 * writes; with Nagle on, the second waits for the server's delayed ACK: ~40 ms each time on Linux,
 * measured on every COPY of an import batch and on the query after it. A Unix socket path has no Nagle;
 * a URL with several hosts keeps postgres.js's own socket (and its failover).
 */
export function noDelaySocket(target: SocketTarget): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = target.path
      ? net.connect({ path: target.path })
      : net.connect({ host: target.host[0], port: target.port[0] ?? 5432 });
    const seconds = target.connect_timeout ?? 30;
    const timeout = setTimeout(
      () => socket.destroy(new Error(`could not connect to the database within ${seconds} s`)),
      1000 * seconds,
    );
    const failed = (error: Error) => {
      clearTimeout(timeout);
      reject(error);
    };
    socket.once("error", failed);
    socket.once("connect", () => {
      clearTimeout(timeout);
      socket.removeListener("error", failed); // postgres.js handles errors from here on
      if (!target.path) socket.setNoDelay(true);
      resolve(socket);
    });
  });
}

/** postgres.js options for a server URL: session settings, and TCP_NODELAY unless it names several hosts. */
function serverOptions(url: string, max: number) {
  const authority = url.slice(url.indexOf("://") + 3).split(/[?/]/)[0] ?? "";
  return {
    max,
    onnotice: () => {},
    connection: SESSION,
    ...(authority.includes(",") ? {} : { socket: noDelaySocket }),
  };
}

/** How many helper connections a server handle opens at most. */
export const HELPER_CONNECTIONS = 2;

/** A Postgres server (or the socket of an embedded database another process owns). */
export function connectPostgres(url: string | { path: string }, options: { max?: number } = {}): DbHandle {
  const sql =
    typeof url === "string"
      ? postgres(url, serverOptions(url, options.max ?? 10))
      : // PGlite multiplexes one backend: keep the client to one connection.
        postgres({ path: url.path, database: "postgres", username: "postgres", max: 1, onnotice: () => {} });
  const db = drizzlePostgres(sql, { schema }) as unknown as Db;
  let helpers: postgres.Sql | null = null;
  if (typeof url === "string") {
    helperClients.set(db, () => {
      helpers ??= postgres(url, serverOptions(url, HELPER_CONNECTIONS));
      return helpers;
    });
  }
  return {
    db,
    kind: "postgres",
    close: async () => {
      await helpers?.end({ timeout: 5 });
      await sql.end({ timeout: 5 });
    },
  };
}

type EmbeddedModules = {
  PGlite: typeof import("@electric-sql/pglite").PGlite;
  PGLiteSocketServer: typeof import("@electric-sql/pglite-socket").PGLiteSocketServer;
  drizzle: typeof import("drizzle-orm/pglite").drizzle;
  migrate: typeof import("drizzle-orm/pglite/migrator").migrate;
};
let embedded: EmbeddedModules | undefined;

/**
 * PGlite, its socket server and drizzle's PGlite driver, loaded on first use (synchronously, as
 * openPglite is): a process on a Postgres server never loads the embedded engine, 37 MB of RSS (which
 * counts in an import's memory, `npm run bench:import`). Resolved from the project root, where every
 * Meridian process runs (`npm start`, the CLI, the tests). These are the packages' CommonJS builds, so
 * drizzle's errors from PGlite are instances of the CommonJS classes (lib/cli/output.ts minds that).
 */
export function embeddedModules(): EmbeddedModules {
  if (!embedded) {
    const load = createRequire(path.join(process.cwd(), "package.json"));
    embedded = {
      PGlite: load("@electric-sql/pglite").PGlite,
      PGLiteSocketServer: load("@electric-sql/pglite-socket").PGLiteSocketServer,
      drizzle: load("drizzle-orm/pglite").drizzle,
      migrate: load("drizzle-orm/pglite/migrator").migrate,
    };
  }
  return embedded;
}

/** A PGlite database in `dataDir` (or in memory when `dataDir` is undefined), owned by this process. */
export function openPglite(dataDir?: string): DbHandle & { client: PGlite } {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const { PGlite, drizzle } = embeddedModules();
  const client = new PGlite(dataDir);
  const db = drizzle(client, { schema }) as unknown as Db;
  return { db, client, kind: "pglite", close: () => client.close() };
}

type Lock = { pid: number; socket: string };

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * PGlite serves one process. The first process to open the data directory owns it (lock file with its
 * pid) and serves it on a Unix socket; every other process (the CLI while the app runs) speaks the
 * Postgres protocol to that socket. Never two processes on one data directory.
 *
 * `mustOwn` (the app server): wait up to `waitMs` for another owner, e.g. a CLI command, to finish and
 * release the directory, rather than leaning on a process that is about to exit.
 */
export function openEmbedded(dataDir: string, { mustOwn = false, waitMs = 30_000 } = {}): DbHandle {
  mkdirSync(dataDir, { recursive: true });
  const lockFile = path.join(dataDir, "pglite.lock");
  const socketPath = path.join(dataDir, ".s.PGSQL.5432");
  const deadline = Date.now() + waitMs;
  for (;;) {
    let fd: number;
    try {
      fd = openSync(lockFile, "wx");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const lock = readLock(lockFile);
      if (lock && lock.pid !== process.pid && isAlive(lock.pid)) {
        // The owner writes the lock before its socket listens: give it a moment to come up.
        if (!mustOwn && existsSync(lock.socket)) return connectPostgres({ path: lock.socket });
        if (Date.now() > deadline) {
          throw new Error(
            mustOwn
              ? `The embedded database in ${dataDir} is held by process ${lock.pid}; stop it, or point MERIDIAN_DATA_DIR elsewhere.`
              : `Process ${lock.pid} holds the embedded database in ${dataDir} but does not serve ${lock.socket}.`,
          );
        }
        sleepSync(100);
        continue;
      }
      if (!lock) {
        sleepSync(50); // being written this instant: look again before calling it garbage
        if (readLock(lockFile)) continue;
      }
      rmSync(lockFile, { force: true }); // stale: its owner died (or the file is garbage)
      continue;
    }
    writeFileSync(fd, JSON.stringify({ pid: process.pid, socket: socketPath } satisfies Lock));
    closeSync(fd);
    return ownEmbedded(path.join(dataDir, "pgdata"), lockFile, socketPath);
  }
}

function readLock(file: string): Lock | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Lock;
  } catch {
    return undefined; // being written right now, or garbage: treated as stale after a retry
  }
}

function ownEmbedded(pgdata: string, lockFile: string, socketPath: string): DbHandle {
  const handle = openPglite(pgdata);
  rmSync(socketPath, { force: true });
  const server = new (embeddedModules().PGLiteSocketServer)({
    db: handle.client,
    path: socketPath,
    maxConnections: 16,
  });
  const listening = server.start().catch((error: unknown) => {
    console.error(`[db] could not serve the embedded database on ${socketPath}:`, error);
  });
  const release = () => {
    const lock = readLock(lockFile);
    if (lock?.pid === process.pid) rmSync(lockFile, { force: true });
    rmSync(socketPath, { force: true });
  };
  process.once("exit", release);
  return {
    ...handle,
    close: async () => {
      await listening;
      await server.stop();
      await handle.client.close();
      release();
      process.removeListener("exit", release);
    },
  };
}

const globalForDb = globalThis as unknown as { meridianDb?: DbHandle };

/** The process-wide database: Postgres when DATABASE_URL is set, else the embedded PGlite database. */
export function getDbHandle(): DbHandle {
  if (!globalForDb.meridianDb) {
    const { DATABASE_URL, dataDir } = env();
    // The Next.js server must own the embedded database; other processes (CLI, scripts) may share it.
    const mustOwn = process.env.NEXT_RUNTIME === "nodejs";
    globalForDb.meridianDb = DATABASE_URL
      ? connectPostgres(DATABASE_URL)
      : openEmbedded(dataDir, { mustOwn });
  }
  return globalForDb.meridianDb;
}

export function getDb(): Db {
  return getDbHandle().db;
}

export async function closeDb(): Promise<void> {
  const handle = globalForDb.meridianDb;
  globalForDb.meridianDb = undefined;
  await handle?.close();
}
