import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DbHandle, openPglite } from "@/db/client";
import { EnvError } from "@/lib/env";
import { createTestDb } from "@/tests/helpers/db";
import type { CliContext } from "./context";
import { errorLine } from "./output";
import { runCli } from "./program";

let handle: DbHandle;
beforeAll(async () => {
  handle = await createTestDb();
});
afterAll(() => handle.close());

/** Runs the real program in-process on the test database, capturing output and database use. */
async function cli(argv: string[], openDb: () => DbHandle = () => handle) {
  const out = { stdout: "", stderr: "", opened: 0, closed: 0 };
  const ctx: CliContext = {
    io: {
      stdout: (text) => {
        out.stdout += text;
      },
      stderr: (text) => {
        out.stderr += text;
      },
    },
    openDb: () => {
      out.opened++;
      return openDb();
    },
    closeDb: async () => {
      out.closed++;
    },
    describeDb: () => ({ kind: "embedded", dataDir: "/test", via: "this-process" }),
  };
  const code = await runCli(argv, ctx);
  return { code, ...out };
}

describe("runCli", () => {
  it("prints text by default and one JSON object with --json before or after the command", async () => {
    const text = await cli(["user", "create", "--email", "ada@acme.com", "--password", "0123456789"]);
    expect(text).toMatchObject({ code: 0, stderr: "", closed: 1 });
    expect(text.stdout).toMatch(/^Created user ada@acme\.com \(.+\)\.\n$/);

    const before = await cli(["--json", "user", "create", "--email", "bob@acme.com"]);
    expect(before).toMatchObject({ code: 0, stderr: "" });
    expect(before.stdout.endsWith("}\n")).toBe(true);
    const created = JSON.parse(before.stdout);
    expect(created.user.email).toBe("bob@acme.com");
    expect(created.generatedPassword).toHaveLength(24);

    const after = await cli([
      "org",
      "create",
      "--slug",
      "acme",
      "--name",
      "Acme",
      "--owner",
      "bob@acme.com",
      "--json",
    ]);
    expect(JSON.parse(after.stdout)).toMatchObject({
      org: { slug: "acme" },
      owner: { email: "bob@acme.com" },
    });

    const key = await cli(["apikey", "--json", "create", "--org", "acme", "--name", "ci"]);
    expect(JSON.parse(key.stdout).key).toMatch(/^mk_/);
  });

  it("prints an expected failure as one line and exits 1, closing the database", async () => {
    const failed = await cli(["apikey", "create", "--org", "nope", "--name", "x"]);
    expect(failed).toEqual({
      code: 1,
      stdout: "",
      stderr: 'meridian: organisation "nope" not found\n',
      opened: 1,
      closed: 1,
    });
    const json = await cli(["apikey", "create", "--org", "nope", "--name", "x", "--json"]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stderr)).toEqual({ error: 'organisation "nope" not found' });
  });

  it("flattens a multi-line environment error into one line", async () => {
    const env = await cli(["db", "migrate"], () => {
      throw new EnvError("Invalid environment:\n  DATABASE_URL: Invalid URL\n  PORT: Too big");
    });
    expect(env).toMatchObject({
      code: 1,
      stderr: "meridian: Invalid environment: DATABASE_URL: Invalid URL PORT: Too big\n",
    });
  });

  it("reports a failed query by its cause, never its SQL parameters", async () => {
    const unmigrated = openPglite();
    try {
      const failed = await cli(["user", "create", "--email", "eve@acme.com"], () => unmigrated);
      expect(failed).toMatchObject({
        code: 1,
        stdout: "",
        stderr:
          'meridian: database error: relation "users" does not exist (run `meridian db migrate` first)\n',
      });
    } finally {
      await unmigrated.close();
    }
  });

  it("exits 2 on usage errors without opening the database", async () => {
    const missing = await cli(["org", "create", "--slug", "acme", "--name", "Acme"]);
    expect(missing).toEqual({
      code: 2,
      stdout: "",
      stderr: "meridian: required option '--owner <email>' not specified (add --help for usage)\n",
      opened: 0,
      closed: 1,
    });
    const unknown = await cli(["--json", "frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(JSON.parse(unknown.stderr).error).toMatch(/^unknown command 'frobnicate'/);
    const noSubcommand = await cli(["org"]);
    expect(noSubcommand).toMatchObject({ code: 2, stdout: "", opened: 0 });
    expect(noSubcommand.stderr).toContain("Usage: meridian org");
  });

  it("shows help on every command with exit 0 and no database", async () => {
    for (const argv of [
      [],
      ["db"],
      ["db", "migrate"],
      ["user", "create"],
      ["org", "create"],
      ["apikey", "create"],
    ]) {
      const help = await cli([...argv, "--help"]);
      expect(help).toMatchObject({ code: 0, stderr: "", opened: 0 });
      expect(help.stdout).toContain(`Usage: meridian${argv.map((a) => ` ${a}`).join("")} `);
      expect(help.stdout).toContain("--json");
    }
  });
});

describe("errorLine", () => {
  it("uses the first cause of an AggregateError with an empty message", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    expect(errorLine(new AggregateError([refused], ""))).toBe("connect ECONNREFUSED 127.0.0.1:5432");
  });

  it("falls back to the error code, then to a placeholder", () => {
    expect(errorLine(Object.assign(new Error(""), { code: "ENOENT" }))).toBe("ENOENT");
    expect(errorLine("")).toBe("unknown error");
  });
});
