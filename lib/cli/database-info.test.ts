import { describe, expect, it } from "vitest";
import { describeDatabase, formatDatabase } from "./database-info";

describe("describeDatabase", () => {
  it("names the embedded data dir and who has it open", () => {
    const mine = describeDatabase({ dataDir: "/srv/data", ownedHere: true });
    expect(formatDatabase(mine)).toBe("embedded PGlite in /srv/data (opened by this command)");
    const theirs = describeDatabase({ dataDir: "/srv/data", ownedHere: false });
    expect(theirs).toEqual({ kind: "embedded", dataDir: "/srv/data", via: "owner-socket" });
  });

  it("names a server's host, port and database, never the password", () => {
    const info = describeDatabase({
      databaseUrl: "postgres://app:s3cret@db.internal:6432/meridian?sslmode=require",
      dataDir: "/unused",
      ownedHere: false,
    });
    expect(info).toEqual({ kind: "postgres", host: "db.internal", port: 6432, database: "meridian" });
    expect(formatDatabase(info)).toBe("Postgres meridian on db.internal:6432");
    expect(JSON.stringify(info)).not.toContain("s3cret");
  });

  it("fills in Postgres defaults", () => {
    expect(
      describeDatabase({ databaseUrl: "postgres://app@localhost", dataDir: "/x", ownedHere: false }),
    ).toEqual({
      kind: "postgres",
      host: "localhost",
      port: 5432,
      database: "app",
    });
  });
});
