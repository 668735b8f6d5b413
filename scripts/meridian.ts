/**
 * `npm run meridian -- <command>`: the ops CLI (lib/cli). Sets the exit code instead of calling
 * process.exit so stdout is flushed and the embedded database is closed first.
 */
import { runCli } from "@/lib/cli/program";
import { boundHeapGrowth } from "@/lib/heap";

boundHeapGrowth();

process.exitCode = await runCli(process.argv.slice(2));
