"use client";

import { useState } from "react";
import { chartPng, type LegendEntry, saveBlob, svgMarkup } from "./png-export";

/**
 * "Download PNG" for one chart: either the chart rendered on the page (the first `<svg>` with a size
 * inside the element with id `targetId`) or ready SVG markup (the cohort heatmaps, which are tables on
 * the page). The image carries the chart's title, the view as a subtitle, and the legend.
 */
export function DownloadPngButton({
  label,
  filename,
  title,
  subtitle,
  legend,
  targetId,
  svg,
}: {
  /** The chart's name, for the accessible name ("Download MRR trend as PNG"). */
  label: string;
  filename: string;
  title: string;
  subtitle?: string;
  legend?: LegendEntry[];
  targetId?: string;
  svg?: { markup: string; width: number; height: number };
}) {
  const [state, setState] = useState<"idle" | "busy" | "error">("idle");
  const onClick = async () => {
    setState("busy");
    try {
      const source = svg ?? findSvg(targetId);
      saveBlob(await chartPng({ ...source, title, subtitle, legend }), filename);
      setState("idle");
    } catch (error) {
      console.error(error);
      setState("error");
    }
  };
  return (
    <span className="inline-flex items-center gap-2">
      <button
        type="button"
        onClick={onClick}
        disabled={state === "busy"}
        aria-label={`Download ${label} as PNG`}
        className="whitespace-nowrap text-indigo-700 underline disabled:text-slate-400"
      >
        {state === "busy" ? "Preparing PNG…" : "Download PNG"}
      </button>
      {state === "error" && (
        <span role="alert" className="text-xs text-red-700">
          The PNG could not be made.
        </span>
      )}
    </span>
  );
}

function findSvg(targetId: string | undefined) {
  const root = targetId ? document.getElementById(targetId) : null;
  const svg = [...(root?.querySelectorAll("svg") ?? [])].find((s) => s.getBoundingClientRect().width > 100);
  if (!svg) throw new Error(`No chart to export in #${targetId}.`);
  return svgMarkup(svg);
}
