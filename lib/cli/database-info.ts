export type DatabaseInfo =
  | { kind: "embedded"; dataDir: string; via: "this-process" | "owner-socket" }
  | { kind: "postgres"; host: string; port: number; database: string };

/** Where the CLI's database is, for humans and scripts; never includes the password. */
export function describeDatabase(input: {
  databaseUrl?: string;
  dataDir: string;
  ownedHere: boolean;
}): DatabaseInfo {
  if (!input.databaseUrl) {
    return {
      kind: "embedded",
      dataDir: input.dataDir,
      via: input.ownedHere ? "this-process" : "owner-socket",
    };
  }
  const url = new URL(input.databaseUrl);
  const user = decodeURIComponent(url.username);
  return {
    kind: "postgres",
    // `postgres:///db?host=/run/postgresql` names a socket directory instead of a host.
    host: url.hostname || url.searchParams.get("host") || "localhost",
    port: Number(url.port || 5432),
    // Postgres defaults the database to the user name.
    database: decodeURIComponent(url.pathname.slice(1)) || user || "postgres",
  };
}

export function formatDatabase(info: DatabaseInfo): string {
  if (info.kind === "postgres") return `Postgres ${info.database} on ${info.host}:${info.port}`;
  const via =
    info.via === "owner-socket"
      ? "through the socket of the process that has it open, e.g. the running app"
      : "opened by this command";
  return `embedded PGlite in ${info.dataDir} (${via})`;
}
