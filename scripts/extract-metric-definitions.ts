/**
 * `npx tsx scripts/extract-metric-definitions.ts [path/to/METRICS.md]`: writes lib/metrics/definitions.json,
 * the definition text of every METRICS.md id (`**ID** text` or `**ID Title.** text`, up to the next id or
 * blank line), which the dashboards' definitions sections render. Re-run when METRICS.md changes; the JSON is
 * committed so a clone without ../shared still has it.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const source = process.argv[2] ?? path.join(root, "..", "shared", "METRICS.md");
const text = readFileSync(source, "utf8");
const version = /^Version:\s*(\S+)/m.exec(text)?.[1] ?? "unknown";
const definitions: Record<string, string> = {};
for (const paragraph of text.split(/\n\s*\n/)) {
  // A Markdown table becomes one sentence: "case → column 2 (column 3); …" (header and rule rows dropped).
  const lines = paragraph.split("\n");
  const rows = lines.filter((l) => l.trim().startsWith("|"));
  const table = rows
    .slice(2)
    .map((r) =>
      r
        .split("|")
        .map((c) => c.trim())
        .filter(Boolean),
    )
    .map(([when, what, amount]) => `${when} → ${what}${amount ? ` (${amount})` : ""}`)
    .join("; ");
  const prose = rows.length
    ? lines.map((l) => (l === rows[0] ? `${table}.` : l.trim().startsWith("|") ? "" : l)).join("\n")
    : paragraph;
  const flat = prose.replace(/\s*\n\s*/g, " ").trim();
  const parts = flat.split(/(?=\*\*[A-Z]+-\d+\b)/);
  for (const part of parts) {
    const match = /^\*\*([A-Z]+-\d+)\b([^*]*)\*\*\s*(.*)$/.exec(part.trim());
    if (!match?.[1]) continue;
    const title = match[2]?.trim().replace(/\.$/, "");
    const body = (match[3] ?? "").replace(/`/g, "").trim();
    definitions[match[1]] = title ? `${title}. ${body}` : body;
  }
}
const out = path.join(root, "lib", "metrics", "definitions.json");
writeFileSync(out, `${JSON.stringify({ version, source: "METRICS.md", definitions }, null, 2)}\n`);
console.log(`wrote ${Object.keys(definitions).length} definitions (METRICS.md version ${version}) to ${out}`);
