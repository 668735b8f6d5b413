import { getDbHandle } from "@/db/client";
import { migrateDb } from "@/db/migrate";
import { DEMO, seedDemo } from "@/lib/demo";
import { env } from "@/lib/env";
import { boundHeapGrowth } from "@/lib/heap";

/**
 * Runs once when the server starts (instrumentation.ts): validate the environment, migrate, seed the
 * demo org in embedded mode, start the jobs, and say how to sign in.
 */
export async function bootstrap(): Promise<void> {
  const e = env();
  const started = Date.now();
  boundHeapGrowth(e.MERIDIAN_HEAP_GROWTH_PERCENT);
  const handle = getDbHandle();
  await migrateDb(handle);
  // The demo org exists only on the embedded database, never on a Postgres server.
  const seedDemoOrg = e.embedded && e.MERIDIAN_SEED_DEMO !== "0";
  const demo = seedDemoOrg ? await seedDemo(handle.db) : { created: false as const };
  const { sendEvent, startJobs, uploadImportRequested } = await import("@/inngest");
  const { mode } = await startJobs();
  if (mode === "in-process") {
    // Imports a restart cut off run again, continuing after their last committed batch (Inngest
    // retries its own runs).
    const { interruptedUploads } = await import("@/db/queries/uploads");
    const interrupted = await interruptedUploads(handle.db);
    if (interrupted.length) await sendEvent(interrupted.map((u) => uploadImportRequested.create(u)));
  }
  if (demo.created) {
    // The demo org starts with product events (synthetic, lib/events/demo.ts) and the sample subscriptions,
    // imported in the background like any upload; that first import then backfills 18 months of snapshots.
    const { seedDemoEvents } = await import("@/lib/events/demo");
    const events = await seedDemoEvents(handle.db, demo.orgId);
    console.info(`[demo] wrote ${events.accepted} demo product events`);
    const { queueSampleData } = await import("@/lib/uploads/sample");
    await queueSampleData(handle.db, { orgId: demo.orgId, userId: demo.userId });
  }
  // Derived revenue missing (an upgrade) or ending before this month: rebuilt in the background.
  const { orgsNeedingRebuild } = await import("@/lib/metrics/derive");
  if ((await orgsNeedingRebuild(handle.db)).length) {
    await sendEvent({ name: "revenue/refresh.requested", data: {} });
  }
  const where = e.embedded
    ? `embedded PGlite in ${e.dataDir}`
    : `Postgres server ${new URL(e.DATABASE_URL ?? "").host}`;
  const lines = [
    "",
    `  Meridian is ready on ${e.appUrl} (database: ${where}; ready in ${Date.now() - started} ms)`,
    ...(seedDemoOrg
      ? [`  Sign in as ${DEMO.email} / ${DEMO.password} to see the "${DEMO.orgName}" organisation.`]
      : []),
    `  Jobs run ${e.inngestConfigured ? "on Inngest" : "in-process (no Inngest configured)"}; mail ${e.SMTP_URL ? "via SMTP_URL" : `is written to ${e.dataDir}/mail`}.`,
    "",
  ];
  console.info(lines.join("\n"));
}

/** Bootstraps, or stops the process with the reason on one line (bad environment, database unreachable). */
export async function bootstrapOrExit(): Promise<void> {
  try {
    await bootstrap();
  } catch (error) {
    console.error(`\nMeridian could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
