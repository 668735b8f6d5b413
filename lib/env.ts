import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

const optional = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const flag = z
  .enum(["", "0", "1", "true", "false"])
  .optional()
  .transform((v) => v === "1" || v === "true");

export const ZEnv = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    /** Postgres server; unset means the embedded PGlite database under MERIDIAN_DATA_DIR. */
    DATABASE_URL: optional.pipe(z.url({ protocol: /^postgres(ql)?$/ }).optional()),
    MERIDIAN_DATA_DIR: z.string().trim().min(1).default(".data"),
    AUTH_SECRET: optional.pipe(z.string().min(32, "must be at least 32 characters").optional()),
    /** Public base URL used in links inside mails, e.g. https://meridian.example.com. */
    APP_URL: optional.pipe(z.url().optional()),
    SMTP_URL: optional.pipe(z.url({ protocol: /^smtps?$/ }).optional()),
    MAIL_FROM: z.string().default("Meridian <no-reply@meridian.local>"),
    INNGEST_EVENT_KEY: optional,
    INNGEST_SIGNING_KEY: optional,
    INNGEST_DEV: flag,
    /** `0` skips the demo org in embedded mode (it is never seeded on a Postgres server). */
    MERIDIAN_SEED_DEMO: z.enum(["", "0", "1"]).optional(),
    /** Largest CSV upload accepted, in MB (1 MB = 1,048,576 bytes); larger files are refused with 413. */
    MAX_UPLOAD_MB: z.coerce.number().int().min(1).max(10_240).default(200),
    /**
     * V8 heap growth past the live data after a full collection, in percent (lib/heap.ts); 0 keeps V8's
     * default (up to 300%).
     */
    MERIDIAN_HEAP_GROWTH_PERCENT: z.coerce.number().int().min(0).max(1000).default(30),
    /** POST /api/v1/events: requests per second per API key (token bucket, burst 2×), per process. */
    EVENTS_RATE_LIMIT_PER_S: z.coerce.number().positive().max(1_000_000).default(20),
    /** Base URL of the Stripe API (tests point it at a local fake); unset: api.stripe.com. */
    STRIPE_API_BASE: optional.pipe(z.url({ protocol: /^https?$/ }).optional()),
    /** 32 bytes, base64 or hex: encrypts Stripe keys at rest. Embedded mode generates one if unset. */
    STRIPE_ENCRYPTION_KEY: optional.pipe(
      z
        .string()
        .refine((v) => decodeKey(v) !== null, "must be 32 bytes, base64 or hex (`openssl rand -base64 32`)")
        .optional(),
    ),
  })
  .superRefine((env, ctx) => {
    if (env.DATABASE_URL && !env.AUTH_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["AUTH_SECRET"],
        message: "is required when DATABASE_URL is set (generate one with `openssl rand -base64 32`)",
      });
    }
    if (Boolean(env.INNGEST_EVENT_KEY) !== Boolean(env.INNGEST_SIGNING_KEY)) {
      ctx.addIssue({
        code: "custom",
        path: [env.INNGEST_EVENT_KEY ? "INNGEST_SIGNING_KEY" : "INNGEST_EVENT_KEY"],
        message: "INNGEST_EVENT_KEY and INNGEST_SIGNING_KEY must be set together",
      });
    }
  });

/** A 32-byte key written as 64 hex digits or base64/base64url; null when it is neither. */
export function decodeKey(value: string): Buffer | null {
  const v = value.trim();
  const bytes = /^[0-9a-fA-F]{64}$/.test(v) ? Buffer.from(v, "hex") : Buffer.from(v, "base64");
  return bytes.length === 32 ? bytes : null;
}

export type Env = z.infer<typeof ZEnv> & {
  AUTH_SECRET: string;
  /** Absolute path of MERIDIAN_DATA_DIR. */
  dataDir: string;
  appUrl: string;
  embedded: boolean;
  inngestConfigured: boolean;
};

export class EnvError extends Error {}

/** Validates `source` and names every bad variable. Pure apart from the embedded AUTH_SECRET file. */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = ZEnv.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".") || "(env)"}: ${i.message}`);
    throw new EnvError(`Invalid environment:\n${lines.join("\n")}`);
  }
  const env = parsed.data;
  const dataDir = path.resolve(env.MERIDIAN_DATA_DIR);
  const embedded = !env.DATABASE_URL;
  const authSecret = env.AUTH_SECRET ?? embeddedAuthSecret(dataDir);
  return {
    ...env,
    AUTH_SECRET: authSecret,
    dataDir,
    embedded,
    appUrl: (env.APP_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, ""),
    inngestConfigured: Boolean(env.INNGEST_EVENT_KEY) || env.INNGEST_DEV,
  };
}

/** Embedded mode only: a secret generated on first start and kept in the data directory. */
function embeddedAuthSecret(dataDir: string): string {
  const file = path.join(dataDir, "auth-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  try {
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: "wx" });
    chmodSync(file, 0o600);
    return secret;
  } catch (error) {
    // Another process wrote it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return readFileSync(file, "utf8").trim();
    throw error;
  }
}

let cached: Env | undefined;

/** The process environment, validated once. */
export function env(): Env {
  cached ??= parseEnv();
  return cached;
}
