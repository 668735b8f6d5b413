import { defineConfig } from "@playwright/test";
import { assertLocalDatabase, BASE_URL, DATA_DIR, E2E_PORT } from "./e2e/server";

assertLocalDatabase();

const API_SPECS = /.*\.api\.spec\.ts$/;

export default defineConfig({
  testDir: "./e2e",
  // One app process owns the embedded database; two cores. Specs use their own users and orgs.
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"], ["html", { open: "never" }]] : [["list"]],
  use: {
    baseURL: BASE_URL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      // Debian's Chromium: there is no network to download Playwright's own build.
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  projects: [
    { name: "api", testMatch: API_SPECS },
    {
      name: "ui",
      testMatch: /.*\.spec\.ts$/,
      testIgnore: API_SPECS,
      use: { browserName: "chromium", viewport: { width: 1280, height: 800 } },
    },
  ],
  webServer: {
    // Fresh data directory every run, so the demo org, the mail spool and sign-in throttles start empty.
    command: `rm -rf "${DATA_DIR}" && node_modules/.bin/tsx scripts/start.ts`,
    url: `${BASE_URL}/api/health`,
    // `scripts/start.ts` builds first when .next is missing or stale: about 2-3 minutes on 2 cores.
    timeout: 300_000,
    // A server left on the port would carry another run's data (and sign-in throttles): never reuse it.
    reuseExistingServer: false,
    gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
    stdout: "pipe",
    stderr: "pipe",
    env: {
      PORT: String(E2E_PORT),
      MERIDIAN_DATA_DIR: DATA_DIR,
      // Always the embedded database (with its demo org), whatever DATABASE_URL the shell has.
      DATABASE_URL: "",
      AUTH_SECRET: "",
      MERIDIAN_SEED_DEMO: "",
      APP_URL: BASE_URL,
      // Never mail real people or talk to a real Inngest from the suite.
      SMTP_URL: "",
      INNGEST_EVENT_KEY: "",
      INNGEST_SIGNING_KEY: "",
      INNGEST_DEV: "",
      NEXT_TELEMETRY_DISABLED: "1",
    },
  },
});
