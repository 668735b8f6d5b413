import { existsSync } from "node:fs";
import net from "node:net";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it, vi } from "vitest";
import { connectPostgres, type DbHandle, noDelaySocket } from "@/db/client";
import { queryRows } from "@/db/rows";

/*
 * Server connections go through our own socket factory (TCP_NODELAY, db/client.ts): these check that
 * what postgres.js does over it — queries, transactions, COPY FROM STDIN — still works, that a Unix
 * socket path is honoured, and that a server that is not there is an error, not a hang. The latency it
 * saves (~40 ms per COPY) is measured by `npm run bench:import` (its "rejections" and "stage" steps).
 */

const url = process.env.TEST_DATABASE_URL;
const SOCKET = "/var/run/postgresql/.s.PGSQL.5432";

async function copyAndCount(h: DbHandle): Promise<number> {
  const raw = (
    h.db as unknown as { $client: { begin: (fn: (tx: unknown) => Promise<number>) => Promise<number> } }
  ).$client;
  return raw.begin(async (tx) => {
    const t = tx as {
      unsafe: (q: string) => Promise<{ n: number }[]> & { writable: () => Promise<NodeJS.WritableStream> };
    };
    await t.unsafe("CREATE TEMP TABLE socket_check (a int, b text) ON COMMIT DROP");
    const stream = await t.unsafe("COPY socket_check (a, b) FROM STDIN WITH (FORMAT csv)").writable();
    await new Promise<void>((resolve, reject) => {
      stream.on("error", reject);
      stream.on("finish", () => resolve());
      stream.write('1,"one"\n2,"two, with a comma"\n');
      stream.end('3,"three"\n');
    });
    const [row] = await t.unsafe("SELECT count(*)::int AS n FROM socket_check WHERE b LIKE 't%'");
    return row?.n ?? -1;
  });
}

describe.skipIf(!url)("connections to a Postgres server (TCP_NODELAY socket)", () => {
  const handles: DbHandle[] = [];
  afterAll(async () => {
    for (const h of handles) await h.close();
  });

  it("turns Nagle's algorithm off, and runs queries and COPY over TCP", async () => {
    const noDelay = vi.spyOn(net.Socket.prototype, "setNoDelay");
    const h = connectPostgres(url as string, { max: 2 });
    handles.push(h);
    const [row] = await queryRows<{ one: number }>(h.db, sql`SELECT 1 AS one`);
    expect(row?.one).toBe(1);
    expect(noDelay).toHaveBeenCalledWith(true);
    noDelay.mockRestore();
    expect(await copyAndCount(h)).toBe(2);
  });

  it.skipIf(!existsSync(SOCKET))("connects to a Unix socket path when postgres.js gives one", async () => {
    const socket = await noDelaySocket({ host: [], port: [], path: SOCKET });
    expect(socket.remoteAddress).toBeUndefined(); // not TCP
    socket.destroy();
  });

  it("fails at once when nothing listens on the port", async () => {
    await expect(noDelaySocket({ host: ["127.0.0.1"], port: [1] })).rejects.toMatchObject({
      code: "ECONNREFUSED",
    });
  });
});
