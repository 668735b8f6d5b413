/**
 * The real CLI as a subprocess on a fresh embedded data dir: alone (it owns the database for the length
 * of one command), and while another process owns it (the running app), through that process's socket.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { afterAll, afterEach, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");
const tsx = path.join(root, "node_modules", ".bin", "tsx");
const dataDirs: string[] = [];
const owners: ChildProcessWithoutNullStreams[] = [];

function freshDataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "meridian-cli-"));
  dataDirs.push(dir);
  return dir;
}

function childEnv(dataDir: string): NodeJS.ProcessEnv {
  // Embedded mode always: a DATABASE_URL from the developer's shell must not leak in.
  const { DATABASE_URL: _ignored, ...rest } = process.env;
  return { ...rest, MERIDIAN_DATA_DIR: dataDir };
}

type Run = { code: number | null; stdout: string; stderr: string };

/** `meridian <args>`; async, so an owner in this test's process tree keeps serving meanwhile. */
function meridian(dataDir: string, ...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, ["scripts/meridian.ts", ...args], { cwd: root, env: childEnv(dataDir) });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs and expects success; the output is in the failure message otherwise. */
async function ok(dataDir: string, ...args: string[]): Promise<string> {
  const run = await meridian(dataDir, ...args);
  expect(run, `meridian ${args.join(" ")}`).toMatchObject({ code: 0, stderr: "" });
  return run.stdout;
}

function lockOwner(dataDir: string): number | undefined {
  const file = path.join(dataDir, "pglite.lock");
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as { pid: number }).pid : undefined;
}

/** Starts tests/helpers/cli-owner.ts (plain node + tsx loader, so its pid is the lock's pid). */
async function startOwner(dataDir: string) {
  const child = spawn(process.execPath, ["--import", "tsx", "tests/helpers/cli-owner.ts"], {
    cwd: root,
    env: childEnv(dataDir),
  });
  owners.push(child);
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const nextLine = async (): Promise<string> => {
    const next = await lines.next();
    if (next.done) throw new Error(`owner exited (code ${child.exitCode}): ${stderr}`);
    return next.value;
  };
  expect(await nextLine()).toBe("ready");
  return {
    pid: child.pid,
    ask: async (request: string): Promise<unknown> => {
      child.stdin.write(`${request}\n`);
      return JSON.parse(await nextLine());
    },
    stop: () =>
      new Promise<number | null>((resolve) => {
        child.once("exit", (code) => resolve(code));
        child.kill("SIGTERM");
      }),
  };
}

afterEach(() => {
  for (const owner of owners.splice(0)) if (owner.exitCode === null) owner.kill("SIGKILL");
});
afterAll(() => {
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

describe("meridian CLI", () => {
  it("runs each command on its own, releasing the database after each", { timeout: 120_000 }, async () => {
    const dataDir = freshDataDir();

    const migrate = await ok(dataDir, "db", "migrate");
    expect(migrate).toMatch(/^migrations applied \(\d+ new, \d+ in total\)\n/);
    expect(migrate).toContain(`\ndatabase: embedded PGlite in ${dataDir} (opened by this command)\n`);
    expect(lockOwner(dataDir)).toBeUndefined();
    expect(existsSync(path.join(dataDir, ".s.PGSQL.5432"))).toBe(false);

    const user = await ok(dataDir, "user", "create", "--email", "ada@acme.com");
    const password = user.trim().split("\n").at(-1);
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);

    expect(
      await ok(dataDir, "org", "create", "--slug", "acme", "--name", "Acme Inc.", "--owner", "ada@acme.com"),
    ).toMatch(/^Created organisation "Acme Inc\." \(acme, [0-9a-f-]{36}\)\.\n/);

    const created = JSON.parse(
      await ok(dataDir, "apikey", "create", "--org", "acme", "--name", "ci", "--json"),
    );
    expect(created).toMatchObject({ org: { slug: "acme" }, apiKey: { name: "ci" } });
    expect(created.key).toMatch(/^mk_/);

    const missing = await meridian(dataDir, "apikey", "create", "--org", "nope", "--name", "ci");
    expect(missing).toEqual({ code: 1, stdout: "", stderr: 'meridian: organisation "nope" not found\n' });
    const usage = await meridian(dataDir, "org", "create", "--slug", "x");
    expect(usage.code).toBe(2);
    expect(usage.stderr.trim().split("\n")).toHaveLength(1);
    expect(lockOwner(dataDir)).toBeUndefined();
  });

  it("works while another process owns the embedded database", { timeout: 120_000 }, async () => {
    const dataDir = freshDataDir();
    const owner = await startOwner(dataDir);
    expect(lockOwner(dataDir)).toBe(owner.pid);

    const migrated = JSON.parse(await ok(dataDir, "--json", "db", "migrate"));
    expect(migrated).toMatchObject({ applied: 0, database: { kind: "embedded", via: "owner-socket" } });
    await ok(dataDir, "user", "create", "--email", "ada@acme.com", "--password", "correct horse");
    await ok(dataDir, "org", "create", "--slug", "acme", "--name", "Acme", "--owner", "ada@acme.com");
    const { key } = JSON.parse(
      await ok(dataDir, "apikey", "create", "--org", "acme", "--name", "ci", "--json"),
    );

    // The owner sees what the CLI wrote, and the CLI never took the database over.
    expect(await owner.ask("orgs")).toEqual(["acme"]);
    expect(await owner.ask(`key ${key}`)).toBe("acme");
    expect(lockOwner(dataDir)).toBe(owner.pid);

    expect(await owner.stop()).toBe(0);
    expect(lockOwner(dataDir)).toBeUndefined();
  });
});
