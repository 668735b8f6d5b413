import { describe, expect, it } from "vitest";
import { chartSubtitle, escapeXml, heatmapSvg, heatShade, pngFilename } from "./chart-png";
import type { DashboardParams } from "./params";

const view: DashboardParams = {
  range: "custom",
  from: "2024-01",
  to: "2024-06",
  filters: { plans: [], countries: ["DE", "FR"], segments: [], industries: ["Retail & <Food>"] },
};

describe("PNG export helpers", () => {
  it("names the file after the chart and the range", () => {
    expect(pngFilename("mrr-trend", view)).toBe("mrr-trend-2024-01-2024-06.png");
    expect(pngFilename("cohorts logo/x", view)).toBe("cohorts_logo_x-2024-01-2024-06.png");
  });

  it("captions the range, currency and filters", () => {
    expect(chartSubtitle(view, "EUR")).toBe(
      "Jan 2024 – Jun 2024 · EUR · Country: DE, FR · Industry: Retail & <Food>",
    );
  });

  it("shades retention light to dark, capped at 100%", () => {
    expect(heatShade(0).hex).toBe("#f0f9ff");
    expect(heatShade(0.5).hex).toBe("#38bdf8");
    expect(heatShade(1).hex).toBe("#0369a1");
    expect(heatShade(1.4).hex).toBe("#0369a1");
    expect(heatShade(Number.NaN).hex).toBe("#f0f9ff");
  });

  it("draws the heatmap's cells from the counts: one row per non-empty cohort", () => {
    const { markup, width, height } = heatmapSvg({
      "2024-01": [4, 3, 1],
      "2024-02": [0, 0],
      "2024-03": [2],
    });
    expect(width).toBe(84 + 3 * 52);
    expect(height).toBe(3 * 24);
    expect(markup.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    const cells = [...markup.matchAll(/>(\d+)%</g)].map((m) => m[1]);
    expect(cells).toEqual(["100", "75", "25", "100"]);
    expect(markup).toContain(">Jan 2024<");
    expect(markup).not.toContain(">Feb 2024<");
    expect(markup).toContain(">M2<");
  });

  it("escapes text for XML", () => {
    expect(escapeXml(`a<b>&"c'`)).toBe("a&lt;b&gt;&amp;&quot;c&apos;");
  });
});
