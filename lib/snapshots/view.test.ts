import { describe, expect, it } from "vitest";
import { metricsViewQuery, parseMetricsView } from "./view";

describe("the executive dashboard's URL view", () => {
  it("defaults to MRR by day over the 90 days ending at the latest snapshot", () => {
    const v = parseMetricsView({}, "2025-06-30");
    expect(v).toMatchObject({ range: "90", from: "2025-04-02", to: "2025-06-30", granularity: "day" });
    expect(v.metric.name).toBe("mrr");
    expect(metricsViewQuery(v)).toBe("metric=mrr&range=90&granularity=day");
  });

  it("reads presets, custom ranges and granularity, and ignores bad values", () => {
    expect(parseMetricsView({ range: "30", metric: "dau", granularity: "week" }, "2025-06-30")).toMatchObject(
      {
        from: "2025-06-01",
        granularity: "week",
        metric: expect.objectContaining({ column: "dau" }),
      },
    );
    const custom = parseMetricsView({ range: "custom", from: "2025-01-01", to: "2025-03-31" }, "2025-06-30");
    expect(custom).toMatchObject({ range: "custom", from: "2025-01-01", to: "2025-03-31" });
    expect(metricsViewQuery(custom)).toBe(
      "metric=mrr&range=custom&granularity=day&from=2025-01-01&to=2025-03-31",
    );
    const bad = parseMetricsView(
      { range: "custom", from: "2025-04-01", to: "2025-03-31", metric: "drop table", granularity: "hour" },
      "2025-06-30",
    );
    expect(bad).toMatchObject({
      range: "90",
      granularity: "day",
      metric: expect.objectContaining({ name: "mrr" }),
    });
  });
});
