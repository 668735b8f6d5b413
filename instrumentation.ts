export async function register() {
  // Only the Node.js server bootstraps; never during `next build`'s page-data collection.
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  const { bootstrap } = await import("@/lib/bootstrap");
  try {
    await bootstrap();
  } catch (error) {
    console.error(`\nMeridian could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
