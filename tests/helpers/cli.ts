import type { DbHandle } from "@/db/client";
import type { CliContext } from "@/lib/cli/context";
import { runCli } from "@/lib/cli/program";

/** Runs one `meridian` command line on a test database, capturing stdout and stderr. */
export async function runCliOn(handle: DbHandle, argv: string[]) {
  const out = { stdout: "", stderr: "" };
  const ctx: CliContext = {
    io: {
      stdout: (t) => {
        out.stdout += t;
      },
      stderr: (t) => {
        out.stderr += t;
      },
    },
    openDb: () => handle,
    closeDb: async () => {},
    describeDb: () => ({ kind: "embedded", dataDir: "/test", via: "this-process" }),
  };
  return { code: await runCli(argv, ctx), ...out };
}
