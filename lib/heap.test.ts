import { spawnSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";

/**
 * A child process that keeps ~40 MB live while objects that live long enough to be promoted die in the
 * old generation (an import's batches do that), with boundHeapGrowth(percent) set first. Prints the
 * largest heapTotal it saw, in MB.
 */
function peakHeapMb(percent: number): number {
  const script = `
    import { boundHeapGrowth } from "./lib/heap.ts";
    boundHeapGrowth(${percent});
    const live = Array.from({ length: 400_000 }, (_, i) => ({ i, s: "x".repeat(40) + i }));
    let window = [];
    let peak = 0;
    for (let round = 0; round < 150; round++) {
      window.push(Array.from({ length: 20_000 }, (_, i) => ({ round, i, s: "y".repeat(30) + i })));
      if (window.length > 4) window.shift();
      peak = Math.max(peak, process.memoryUsage().heapTotal);
    }
    console.log(JSON.stringify({ peak: peak / 1048576, live: live.length }));`;
  const run = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    cwd: process.cwd(),
    encoding: "utf8",
    env: { ...process.env, NODE_OPTIONS: "" },
  });
  if (run.status !== 0) throw new Error(run.stderr);
  return (JSON.parse(run.stdout.trim().split("\n").at(-1) ?? "{}") as { peak: number }).peak;
}

describe("boundHeapGrowth", () => {
  const saved = process.env.MERIDIAN_HEAP_GROWTH_PERCENT;
  afterEach(() => {
    if (saved === undefined) delete process.env.MERIDIAN_HEAP_GROWTH_PERCENT;
    else process.env.MERIDIAN_HEAP_GROWTH_PERCENT = saved;
  });

  it("reads MERIDIAN_HEAP_GROWTH_PERCENT: 30 by default, 0 keeps V8's own factor", async () => {
    const { boundHeapGrowth } = await import("./heap");
    delete process.env.MERIDIAN_HEAP_GROWTH_PERCENT;
    expect(boundHeapGrowth()).toBe(30);
    process.env.MERIDIAN_HEAP_GROWTH_PERCENT = "0";
    expect(boundHeapGrowth()).toBe(0);
    process.env.MERIDIAN_HEAP_GROWTH_PERCENT = "many";
    expect(boundHeapGrowth()).toBe(30); // env() names the bad value at start; the flag keeps the default
    boundHeapGrowth(0); // V8's default again for this test process
  });

  it("keeps the heap well below V8's default growth when old objects keep dying", () => {
    const bounded = peakHeapMb(50);
    const unbounded = peakHeapMb(0);
    expect(bounded).toBeLessThan(unbounded * 0.8);
  }, 60_000);
});
