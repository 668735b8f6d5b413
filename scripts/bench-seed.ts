import { spawn } from "node:child_process";
import path from "node:path";

/*
 * The benchmarks' shared large org: runs `bench:metrics --keep` (its deterministic generator and seed) on the
 * Postgres server and returns the name of the database it kept. Used by bench:dashboard and bench:snapshot.
 */

const root = path.resolve(import.meta.dirname, "..");
const tsx = path.join(root, "node_modules", ".bin", "tsx");

export async function seedBenchDatabase(size: {
  customers: string;
  items: string;
  months: string;
}): Promise<string> {
  const args = ["scripts/bench-metrics.ts", "--engine", "postgres", "--keep", "--runs", "1"];
  for (const k of ["customers", "items", "months"] as const) args.push(`--${k}`, size[k]);
  const child = spawn(tsx, args, { cwd: root, stdio: ["ignore", "inherit", "pipe"] });
  let name = "";
  child.stderr.on("data", (chunk: Buffer) => {
    const text = chunk.toString();
    process.stderr.write(text);
    name ||= /kept database (\S+)/.exec(text)?.[1] ?? "";
  });
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  if (code !== 0 || !name) throw new Error(`bench:metrics failed (exit ${code})`);
  return name;
}
