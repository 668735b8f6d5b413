import { setFlagsFromString } from "node:v8";
import { ZEnv } from "@/lib/env";

/*
 * How far V8 lets the heap grow past the data still live after a full collection: Meridian's processes
 * (the server, whose in-process runner imports files, and the CLI) set it, like GOGC in Go. V8's own
 * factor reaches 4× when collections are quick, and an import allocates fast while keeping 60–70 MB
 * live, so its heap settled at 4–5× that. Measured with `npm run bench:import -- --rows 1000000` (the
 * README's import table): peak RSS 511 MB with V8's default, 338 MB at 50%, 287 MB at 30% (the default,
 * MERIDIAN_HEAP_GROWTH_PERCENT), at the same rows/s; the price is Node CPU for collections (88 s → 127 s
 * over that import, before the staging got cheaper), which ran beside the database on the other core.
 */

/** MERIDIAN_HEAP_GROWTH_PERCENT, or its default when unset or invalid (env() reports an invalid value). */
function percentFromEnv(): number {
  const field = ZEnv.shape.MERIDIAN_HEAP_GROWTH_PERCENT;
  const parsed = field.safeParse(process.env.MERIDIAN_HEAP_GROWTH_PERCENT || undefined);
  return parsed.success ? parsed.data : (field.parse(undefined) as number);
}

/** Sets V8's heap growing factor for this process (0 keeps V8's default). Returns the percent set. */
export function boundHeapGrowth(percent = percentFromEnv()): number {
  setFlagsFromString(`--heap-growing-percent=${percent}`); // V8's flag: 0 is its own default
  return percent;
}
