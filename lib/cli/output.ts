import type { Command } from "commander";
import { DrizzleQueryError } from "drizzle-orm";
import type { DbHandle } from "@/db/client";
import type { CliContext } from "./context";

/**
 * drizzle's failed-query error. PGlite's driver is loaded as CommonJS (db/client.ts, embeddedModules), so
 * its errors are instances of the CommonJS copy of the class: recognised by the class's name too.
 */
function isDrizzleQueryError(error: unknown): error is DrizzleQueryError {
  return (
    error instanceof DrizzleQueryError ||
    (error instanceof Error && error.constructor.name === "DrizzleQueryError" && "params" in error)
  );
}

/** Every failure is one line: an EnvError lists variables on several, a driver error may have none. */
export function errorLine(error: unknown): string {
  // Its message is the SQL and its parameters (password hashes, ...); the cause says what went wrong.
  if (isDrizzleQueryError(error)) {
    if (!error.cause) return "database query failed";
    const undefinedTable = (error.cause as { code?: string }).code === "42P01";
    return `database error: ${errorLine(error.cause)}${undefinedTable ? " (run `meridian db migrate` first)" : ""}`;
  }
  let message = error instanceof Error ? error.message : String(error);
  // Node's AggregateError (e.g. ECONNREFUSED on every address of a host) has an empty message.
  if (!message && error instanceof AggregateError) message = errorLine(error.errors[0]);
  if (!message && error instanceof Error) message = (error as NodeJS.ErrnoException).code ?? error.name;
  return (
    message
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean)
      .join(" ") || "unknown error"
  );
}

export function printError(io: CliContext["io"], message: string, json: boolean): void {
  io.stderr(json ? `${JSON.stringify({ error: message })}\n` : `meridian: ${message}\n`);
}

/**
 * Turns a command's core (a plain function of the database and the parsed options, returning a result
 * object) into a commander action that prints the result as text, or as one JSON object with `--json`.
 * Errors propagate to `runCli`, which prints them and closes the database.
 */
export function dbAction<TOptions, TResult>(
  ctx: CliContext,
  run: (handle: DbHandle, options: TOptions) => Promise<TResult>,
  text: (result: TResult) => string,
) {
  return async (options: TOptions, command: Command): Promise<void> => {
    const result = await run(ctx.openDb(), options);
    const { json } = command.optsWithGlobals<{ json?: boolean }>();
    ctx.io.stdout(`${json ? JSON.stringify(result) : text(result)}\n`);
  };
}
