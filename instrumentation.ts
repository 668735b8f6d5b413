export async function register() {
  // Only the Node.js server bootstraps; never during `next build`'s page-data collection.
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  const { bootstrapOrExit } = await import("@/lib/bootstrap");
  await bootstrapOrExit();
}
