/**
 * The Bench tab's charts and tables, from a BenchResult (shared/bench.ts): latency distributions
 * per variant and batch size, median against batch size, the RSS timeline of a case, per-op
 * profile bars, the statistics table. Each chart comes as rows (what CSV/JSON save, exactly what is
 * drawn) and an ECharts option. Pure, so that it is unit-tested in Node; colours come in a palette
 * read from the CSS variables by the caller.
 */
export * from "./bench/common";
export * from "./bench/latency";
export * from "./bench/memory";
export * from "./bench/profile";
export * from "./bench/stats";
