import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["{app,components,lib,db,inngest,scripts,tests}/**/*.test.{ts,tsx}"],
    environment: "node",
    globalSetup: ["tests/global-setup.ts"],
    // PGlite boots a WASM Postgres per test file; give slow machines room.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
