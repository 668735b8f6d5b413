import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { vi } from "vitest";
import type { DbHandle } from "@/db/client";
import { organizations } from "@/db/schema";
import { createRunner } from "@/inngest/runner";
import { saveStripeConnection } from "@/lib/stripe/connection";
import { createTestDb } from "../helpers/db";
import { type FakeStripe, startFakeStripe } from "../helpers/fake-stripe";

/*
 * One test file's world: a migrated database that getDb() also returns (the route reads it), the
 * in-process job runner on it, and a fake Stripe API the SDK is pointed at via STRIPE_API_BASE.
 */
export type StripeWorld = {
  h: DbHandle;
  fake: FakeStripe;
  jobs: typeof import("@/inngest");
  addOrg(
    slug: string,
    opts?: { apiKey?: string; webhookSecret?: string },
  ): Promise<{ id: string; secret: string }>;
  close(): Promise<void>;
};

export async function setupStripeWorld(): Promise<StripeWorld> {
  const fake = await startFakeStripe();
  const dataDir = mkdtempSync(path.join(tmpdir(), "meridian-stripe-"));
  vi.stubEnv("MERIDIAN_DATA_DIR", dataDir);
  vi.stubEnv("AUTH_SECRET", "a".repeat(32));
  vi.stubEnv("DATABASE_URL", "");
  vi.stubEnv("INNGEST_EVENT_KEY", "");
  vi.stubEnv("INNGEST_SIGNING_KEY", "");
  vi.stubEnv("INNGEST_DEV", "");
  vi.stubEnv("STRIPE_API_BASE", fake.url);
  vi.stubEnv("STRIPE_ENCRYPTION_KEY", Buffer.alloc(32, 7).toString("base64"));
  const h = await createTestDb();
  (globalThis as { meridianDb?: DbHandle }).meridianDb = h;
  const jobs = await import("@/inngest");
  jobs.setRunner(
    createRunner({
      db: h.db,
      jobs: jobs.jobs,
      backoffMs: 5,
      maxBackoffMs: 20,
      logger: process.env.STRIPE_TEST_LOG ? undefined : quiet,
    }),
  );
  return {
    h,
    fake,
    jobs,
    async addOrg(slug, opts = {}) {
      const [org] = await h.db.insert(organizations).values({ slug, name: slug }).returning();
      if (!org) throw new Error("no org");
      const secret = opts.webhookSecret ?? `whsec_${slug}_secret`;
      await saveStripeConnection(h.db, {
        orgId: org.id,
        apiKey: opts.apiKey ?? fake.apiKey,
        webhookSecret: secret,
      });
      return { id: org.id, secret };
    },
    async close() {
      jobs.setRunner(undefined);
      (globalThis as { meridianDb?: DbHandle }).meridianDb = undefined;
      await h.close();
      await fake.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const quiet = { info() {}, warn() {}, error() {}, debug() {} };
