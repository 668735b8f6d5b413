/**
 * `npm start`: validate the environment, build the app if the build is missing or older than the sources,
 * then serve it with `next start` (which migrates and seeds on boot; see instrumentation.ts).
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { EnvError, parseEnv } from "@/lib/env";

const root = process.cwd();
const nextBin = path.join(root, "node_modules", ".bin", "next");
const SOURCES = [
  "app",
  "components",
  "lib",
  "db",
  "inngest",
  "public",
  "instrumentation.ts",
  "next.config.ts",
  "package-lock.json",
  "tailwind.config.ts",
];

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = s.mtimeMs;
  for (const entry of readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

function buildIsCurrent(): boolean {
  const buildId = path.join(root, ".next", "BUILD_ID");
  if (!existsSync(buildId)) return false;
  const built = statSync(buildId).mtimeMs;
  return SOURCES.every((s) => newestMtime(path.join(root, s)) <= built);
}

try {
  parseEnv();
} catch (error) {
  if (error instanceof EnvError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

if (!buildIsCurrent()) {
  console.info("Building Meridian (first start, or the sources changed)…");
  const build = spawnSync(nextBin, ["build"], {
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const port = process.env.PORT ?? "3000";
const server = spawn(nextBin, ["start", "--port", port], {
  stdio: "inherit",
  env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
