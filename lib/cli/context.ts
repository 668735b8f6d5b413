import { closeDb, type DbHandle, getDbHandle } from "@/db/client";
import { env } from "@/lib/env";
import { type DatabaseInfo, describeDatabase } from "./database-info";

export type CliIo = { stdout: (text: string) => void; stderr: (text: string) => void };

/** What commands need from the outside world; tests pass their own database and capture the output. */
export type CliContext = {
  io: CliIo;
  /** Opened on first use, so `--help` and usage errors never touch the database. */
  openDb: () => DbHandle;
  closeDb: () => Promise<void>;
  describeDb: (handle: DbHandle) => DatabaseInfo;
};

export const processContext: CliContext = {
  io: {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  },
  openDb: getDbHandle,
  closeDb,
  describeDb: (handle) => {
    const { DATABASE_URL, dataDir } = env();
    // A "postgres" handle without DATABASE_URL is the socket of the process that owns the data dir.
    return describeDatabase({ databaseUrl: DATABASE_URL, dataDir, ownedHere: handle.kind === "pglite" });
  },
};
