import { createReadStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import { parse } from "csv-parse";
import { createRowNormaliser } from "@/lib/ingest/normalise";
import { stageRow } from "@/lib/uploads/import-rows";
import { previewCsv } from "@/lib/ingest/preview";
import { readFileSync } from "node:fs";
const file = process.argv[2] as string;
console.log("rss after imports MB", (process.memoryUsage().rss / 1048576).toFixed(0));
const head = readFileSync(file).subarray(0, 2 * 1048576);
const pv = previewCsv(new Uint8Array(head), { defaultCurrency: "USD", complete: false });
if (!pv.ok) throw new Error("pv");
const mapping = pv.mapping;
for (const mode of ["parse", "normalise", "stage"]) {
  const normalise = createRowNormaliser("subscriptions", mapping, { defaultCurrency: "USD" });
  const headers = new Map(mapping.flatMap((m) => (m.field ? [[m.field, m.header] as const] : [])));
  const ctx = { reportingCurrency: "USD", rates: new Map(), today: "2026-12-02" };
  const parser = parse({ bom: true, from_line: 2, relax_column_count: true, relax_quotes: true, info: mode !== "parse", skip_empty_lines: true });
  const p = pipeline(createReadStream(file), parser);
  const t = performance.now(); let n = 0;
  for await (const rec of parser as AsyncIterable<any>) {
    n++;
    if (mode === "parse") continue;
    const r = normalise(rec.record, n);
    if (mode === "stage" && r.ok) stageRow("subscriptions", r.row as Record<string, unknown>, n, (f) => headers.get(f) ?? null, ctx);
  }
  await p;
  console.log(mode, n, "rows/s", Math.round(n / ((performance.now() - t) / 1000)));
}
