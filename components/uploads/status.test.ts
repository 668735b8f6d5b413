import { describe, expect, it } from "vitest";
import { progressPercent, progressStep } from "./status";

describe("an import's progress", () => {
  it("is the share of the file read, held below 100 until the upload is complete", () => {
    expect(progressPercent({ status: "importing", bytesProcessed: 250, sizeBytes: 1000 })).toBe(25);
    expect(progressPercent({ status: "importing", bytesProcessed: 1000, sizeBytes: 1000 })).toBe(99);
    expect(progressPercent({ status: "complete", bytesProcessed: 0, sizeBytes: 1000 })).toBe(100);
    expect(progressPercent({ status: "queued", bytesProcessed: 0, sizeBytes: 0 })).toBe(0);
  });

  it("says what the running import is doing: after the last row, the metrics update", () => {
    expect(progressStep({ status: "queued", readComplete: false })).toBe("waiting to start");
    expect(progressStep({ status: "importing", readComplete: false })).toBe("reading rows");
    expect(progressStep({ status: "importing", readComplete: true })).toBe(
      "rows written, updating the metrics",
    );
    expect(progressStep({ status: "complete", readComplete: true })).toBeNull();
    expect(progressStep({ status: "failed", readComplete: false })).toBeNull();
  });
});
