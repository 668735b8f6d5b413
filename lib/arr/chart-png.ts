import { formatMonthLabel } from "./format";
import type { DashboardParams } from "./params";

/*
 * What the dashboard's "Download PNG" buttons need besides the browser's canvas: file names, captions,
 * the cohort heatmaps' colour scale, and the heatmaps as SVG (they are HTML tables on the page; the
 * export draws the same cells from the same numbers).
 */

/** `mrr-trend-2024-01-2024-06.png`: the chart and the view's range. */
export function pngFilename(chart: string, view: Pick<DashboardParams, "from" | "to">): string {
  return `${chart}-${view.from}-${view.to}.png`.replace(/[^\w.-]+/g, "_");
}

/** The line under a PNG's title: range, currency and the filters, so a pasted image says what it shows. */
export function chartSubtitle(view: DashboardParams, currency: string): string {
  const parts = [`${formatMonthLabel(view.from)} – ${formatMonthLabel(view.to)}`, currency];
  const filters = [
    ["Plan", view.filters.plans],
    ["Country", view.filters.countries],
    ["Segment", view.filters.segments],
    ["Industry", view.filters.industries],
  ] as const;
  for (const [label, values] of filters) if (values.length) parts.push(`${label}: ${values.join(", ")}`);
  return parts.join(" · ");
}

/**
 * The heatmaps' shades, light to dark, one hue (Tailwind's sky 50–700; values, not classes, so the page
 * and the PNG draw the same colours); `dark` ones take white text.
 */
export const HEAT_SHADES = [
  { hex: "#f0f9ff", dark: false },
  { hex: "#e0f2fe", dark: false },
  { hex: "#bae6fd", dark: false },
  { hex: "#7dd3fc", dark: false },
  { hex: "#38bdf8", dark: false },
  { hex: "#0ea5e9", dark: true },
  { hex: "#0284c7", dark: true },
  { hex: "#0369a1", dark: true },
] as const;

/** The shade of a retention fraction (0..1, above 1 is the darkest). */
export function heatShade(fraction: number): (typeof HEAT_SHADES)[number] {
  const last = HEAT_SHADES.length - 1;
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  return HEAT_SHADES[Math.min(last, Math.floor(f * last + 0.5))] ?? HEAT_SHADES[0];
}

export function escapeXml(text: string): string {
  return text.replace(
    /[<>&"']/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c] ?? c,
  );
}

const CELL_W = 52;
const CELL_H = 24;
const LABEL_W = 84;
const FONT = "ui-sans-serif, system-ui, sans-serif";

/**
 * A COH-1 counts matrix (`{ "YYYY-MM": [x(c,0), x(c,1), ...] }`) as an SVG heatmap like the page's
 * table: a header row (Start, M1, M2, ...), one row per non-empty cohort, each cell x(c,k)/x(c,0) as a
 * whole percentage on its shade. Returns the markup and its size in CSS pixels.
 */
export function heatmapSvg(matrix: Record<string, (number | null)[]>): {
  markup: string;
  width: number;
  height: number;
} {
  const cohorts = Object.entries(matrix).filter(([, row]) => (row[0] ?? 0) > 0);
  const columns = Math.max(0, ...cohorts.map(([, row]) => row.length));
  const width = LABEL_W + columns * CELL_W;
  const height = CELL_H * (cohorts.length + 1);
  const text = (x: number, y: number, value: string, attrs = "") =>
    `<text x="${x}" y="${y}" font-family="${FONT}" font-size="11" dominant-baseline="middle" ${attrs}>${escapeXml(value)}</text>`;
  const parts: string[] = [`<rect width="${width}" height="${height}" fill="#ffffff"/>`];
  parts.push(text(0, CELL_H / 2, "Cohort", `fill="#64748b" font-weight="600"`));
  for (let k = 0; k < columns; k++) {
    const x = LABEL_W + (k + 1) * CELL_W - 6;
    parts.push(
      text(x, CELL_H / 2, k === 0 ? "Start" : `M${k}`, `fill="#64748b" text-anchor="end" font-weight="600"`),
    );
  }
  cohorts.forEach(([cohort, row], i) => {
    const y = (i + 1) * CELL_H;
    parts.push(text(0, y + CELL_H / 2, formatMonthLabel(cohort), `fill="#334155"`));
    const start = row[0] ?? 0;
    row.forEach((value, k) => {
      const fraction = start ? (value ?? 0) / start : 0;
      const shade = heatShade(fraction);
      const x = LABEL_W + k * CELL_W;
      parts.push(`<rect x="${x}" y="${y}" width="${CELL_W}" height="${CELL_H}" fill="${shade.hex}"/>`);
      parts.push(
        text(
          x + CELL_W - 6,
          y + CELL_H / 2,
          `${Math.round(fraction * 100)}%`,
          `fill="${shade.dark ? "#ffffff" : "#0f172a"}" text-anchor="end"`,
        ),
      );
    });
  });
  const markup = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join("")}</svg>`;
  return { markup, width, height };
}
