import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

/**
 * The @electric-sql modules a fresh process loads: ES modules as a resolve hook sees them, CommonJS ones
 * (how db/client.ts loads PGlite) from require's cache. `body` runs after db/client and the import
 * pipeline were imported; "before" is what importing them loaded.
 */
function pgliteModulesLoaded(body: string): { before: string[]; after: string[] } {
  const hook = `data:text/javascript,${encodeURIComponent(`
    let port;
    export function initialize(data) { port = data.port; }
    export async function resolve(specifier, context, next) {
      const r = await next(specifier, context);
      if (r.url.includes("@electric-sql")) port.postMessage(r.url);
      return r;
    }`)}`;
  const script = `
    import { Module, register } from "node:module";
    import { MessageChannel } from "node:worker_threads";
    const esm = [];
    const { port1, port2 } = new MessageChannel();
    port1.on("message", (url) => esm.push(url));
    port1.unref();
    register(${JSON.stringify(hook)}, { data: { port: port2 }, transferList: [port2] });
    const tick = () => new Promise((r) => setTimeout(r, 200));
    const loaded = () => [...esm, ...Object.keys(Module._cache).filter((k) => k.includes("@electric-sql"))];
    const client = await import("./db/client.ts");
    await import("./lib/uploads/import.ts");
    await import("./db/migrate.ts");
    await tick();
    const before = loaded();
    ${body}
    await tick();
    console.log(JSON.stringify({ before, after: loaded() }));`;
  const run = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    cwd: process.cwd(),
    encoding: "utf8",
    env: { ...process.env, NODE_OPTIONS: "" },
  });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout.trim().split("\n").at(-1) ?? "{}");
}

describe("the embedded database's modules (db/client.ts, embeddedModules)", () => {
  it("are not loaded by a process on a Postgres server, and are once PGlite is opened", () => {
    const { before, after } = pgliteModulesLoaded(`
      const p = client.openPglite();
      await p.close();`);
    expect(before).toEqual([]);
    expect(after.some((k) => k.includes("@electric-sql/pglite"))).toBe(true);
  }, 60_000);
});
