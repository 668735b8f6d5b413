import { Command, CommanderError } from "commander";
import { registerApiKeyCommands } from "./commands/apikey";
import { registerDbCommands } from "./commands/db";
import { registerImportCommands } from "./commands/import";
import { registerMetricsCommands } from "./commands/metrics";
import { registerOrgCommands } from "./commands/org";
import { registerSnapshotCommands } from "./commands/snapshot";
import { registerUserCommands } from "./commands/user";
import { type CliContext, processContext } from "./context";
import { errorLine, printError } from "./output";

/** Each module adds one command group; a new command is a new module in this list. */
const COMMAND_MODULES: ((program: Command, ctx: CliContext) => void)[] = [
  registerDbCommands,
  registerUserCommands,
  registerOrgCommands,
  registerApiKeyCommands,
  registerMetricsCommands,
  registerImportCommands,
  registerSnapshotCommands,
];

const USAGE_EXIT_CODE = 2;

export function buildProgram(ctx: CliContext): Command {
  const program = new Command("meridian")
    .description("Operate a Meridian installation: database, users, organisations and API keys.")
    .option("--json", "print one JSON object instead of text (anywhere on the line)")
    .addHelpText(
      "after",
      [
        "",
        "The database is $DATABASE_URL, or else the embedded one in $MERIDIAN_DATA_DIR (default .data).",
        "While the app runs on the embedded database, commands go through it; no need to stop it.",
        'Failures print one line on stderr (with --json: {"error": "..."}) and exit with 1, or 2 for usage.',
        "Run `meridian <command> <subcommand> --help` for a command's options.",
      ].join("\n"),
    )
    // Settings below are inherited by every subcommand added after them.
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({
      writeOut: ctx.io.stdout,
      writeErr: ctx.io.stderr,
      // Usage errors in the same one-line shape as the other failures (JSON is printed by runCli).
      outputError: () => {},
    })
    .exitOverride();
  for (const register of COMMAND_MODULES) register(program, ctx);
  return program;
}

/** Runs one command line (without `node script`), closes the database, and returns the exit code. */
export async function runCli(argv: string[], ctx: CliContext = processContext): Promise<number> {
  const program = buildProgram(ctx);
  // Read before parsing: a usage error can stop commander before it records `--json`.
  const json = argv.includes("--json");
  let exitCode = 0;
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (error) {
    exitCode = reportFailure(ctx, error, json);
  }
  try {
    await ctx.closeDb();
  } catch (error) {
    if (exitCode === 0) exitCode = reportFailure(ctx, error, json);
  }
  return exitCode;
}

function reportFailure(ctx: CliContext, error: unknown, json: boolean): number {
  if (!(error instanceof CommanderError)) {
    printError(ctx.io, errorLine(error), json);
    return 1;
  }
  // --help, or help shown because a command group was run without its subcommand.
  if (error.code === "commander.helpDisplayed" || error.code === "commander.help") {
    return error.exitCode === 0 ? 0 : USAGE_EXIT_CODE;
  }
  const message = error.message.replace(/^error: /, "");
  printError(ctx.io, `${message} (add --help for usage)`, json);
  return USAGE_EXIT_CODE;
}
