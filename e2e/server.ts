/**
 * Where the e2e suite's app runs and keeps its data; shared by playwright.config.ts (which starts it) and
 * the helpers (which read its mail spool).
 */
import path from "node:path";

export const E2E_PORT = Number(process.env.E2E_PORT ?? 3100);
export const BASE_URL = `http://localhost:${E2E_PORT}`;

/** A fresh embedded database and mail spool per run; removed before the server starts. */
export const DATA_DIR = path.resolve(import.meta.dirname, "..", ".data-e2e");
export const MAIL_DIR = path.join(DATA_DIR, "mail");

export const DEMO = {
  email: "demo@meridian.local",
  password: "meridian-demo",
  slug: "demo",
  name: "Demo Company",
};

const LOCAL_HOSTS = new Set(["", "localhost", "127.0.0.1", "::1", "[::1]"]);

/**
 * The suite creates users, organisations and failed sign-ins: refuse to point it at anything but a local
 * database. An empty host is a Unix socket, which is local too.
 */
export function assertLocalDatabase(env: NodeJS.ProcessEnv = process.env): void {
  for (const name of ["DATABASE_URL"]) {
    const value = env[name]?.trim();
    if (!value) continue;
    let host: string;
    try {
      host = new URL(value).hostname;
    } catch {
      throw new Error(`Refusing to run the e2e suite: ${name} is not a valid URL.`);
    }
    if (!LOCAL_HOSTS.has(host)) {
      throw new Error(
        `Refusing to run the e2e suite against a non-local database: ${name} points at "${host}". ` +
          `Unset ${name} (the suite then uses a fresh embedded database in .data-e2e) or point it at localhost.`,
      );
    }
  }
}
