/*
 * Revenue reads (METRICS.md MRR-3, MOV-1/2, CUS-1, RATE-1…7, ARPA-1, LTV-1, QR-1, GROW-1, COH-1), split
 * by concern; import from here.
 */
export * from "./revenue-cohorts";
export * from "./revenue-drilldown";
export * from "./revenue-filters";
export * from "./revenue-series";
export * from "./revenue-summary";
