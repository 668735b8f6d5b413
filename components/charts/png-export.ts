/*
 * A chart as a PNG in the browser, without a library: the chart's SVG (styles inlined, since class-based
 * CSS does not reach an SVG drawn as an image) is drawn on a canvas under a title, a subtitle and a
 * legend, at twice the CSS size, and downloaded.
 */

export type LegendEntry = { label: string; hex: string; line?: boolean };

// The properties the charts style through classes (Tremor's `fill-cb-blue`, `stroke-tremor-border`, ...).
const STYLE_PROPS = [
  "fill",
  "fill-opacity",
  "stroke",
  "stroke-width",
  "stroke-opacity",
  "stroke-dasharray",
  "opacity",
  "color",
  "stop-color",
  "stop-opacity",
  "font-family",
  "font-size",
  "font-weight",
  "text-anchor",
  "dominant-baseline",
  "visibility",
] as const;

/** A rendered SVG element as standalone markup with its computed styles inlined. */
export function svgMarkup(svg: SVGSVGElement): { markup: string; width: number; height: number } {
  const { width, height } = svg.getBoundingClientRect();
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const originals = [svg, ...svg.querySelectorAll("*")];
  const copies = [clone, ...clone.querySelectorAll("*")];
  originals.forEach((el, i) => {
    const copy = copies[i];
    if (!copy) return;
    const computed = getComputedStyle(el);
    const style = STYLE_PROPS.map((p) => [p, computed.getPropertyValue(p)] as const)
      // A paint server resolves to an absolute URL of the page, which the standalone image cannot reach:
      // keep the element's own `url(#id)` attribute instead.
      .filter(([, v]) => v && !v.startsWith("url("))
      .map(([p, v]) => `${p}:${v}`)
      .join(";");
    copy.setAttribute("style", style);
  });
  // The hover highlight is not part of the chart.
  for (const el of clone.querySelectorAll(".recharts-tooltip-cursor")) el.remove();
  clone.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  clone.setAttribute("width", String(width));
  clone.setAttribute("height", String(height));
  return { markup: new XMLSerializer().serializeToString(clone), width, height };
}

const SCALE = 2;
const PAD = 16;
const FONT = "ui-sans-serif, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";

/** The chart under its title, subtitle and legend, as a PNG blob. */
export async function chartPng({
  markup,
  width,
  height,
  title,
  subtitle,
  legend = [],
}: {
  markup: string;
  width: number;
  height: number;
  title: string;
  subtitle?: string;
  legend?: LegendEntry[];
}): Promise<Blob> {
  const image = new Image();
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(markup)}`;
  await image.decode();

  const header = 24 + (subtitle ? 20 : 0) + (legend.length ? 22 : 0) + 8;
  const canvas = document.createElement("canvas");
  canvas.width = Math.ceil((width + 2 * PAD) * SCALE);
  canvas.height = Math.ceil((height + header + 2 * PAD) * SCALE);
  const ctx = canvas.getContext("2d");
  if (!ctx) throw new Error("This browser cannot draw on a canvas.");
  ctx.scale(SCALE, SCALE);
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.textBaseline = "top";
  let y = PAD;
  ctx.fillStyle = "#0f172a";
  ctx.font = `600 16px ${FONT}`;
  ctx.fillText(title, PAD, y);
  y += 24;
  if (subtitle) {
    ctx.fillStyle = "#475569";
    ctx.font = `12px ${FONT}`;
    ctx.fillText(subtitle, PAD, y);
    y += 20;
  }
  if (legend.length) {
    let x = PAD;
    ctx.font = `12px ${FONT}`;
    for (const entry of legend) {
      ctx.fillStyle = entry.hex;
      if (entry.line) ctx.fillRect(x, y + 6, 16, 2);
      else ctx.fillRect(x, y + 2, 10, 10);
      x += entry.line ? 20 : 14;
      ctx.fillStyle = "#475569";
      ctx.fillText(entry.label, x, y);
      x += ctx.measureText(entry.label).width + 14;
    }
    y += 22;
  }
  ctx.drawImage(image, PAD, y + 8, width, height);
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error("The PNG could not be made."))),
      "image/png",
    ),
  );
}

/** Saves a blob under `filename` through a temporary download link. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  // Chromium reads the blob after the click returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
