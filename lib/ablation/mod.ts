/**
 * The ablation: variants and presets, one run, the grid, and its report.
 *
 * @module
 */
export * from "./variants.ts";
export * from "./run.ts";
export * from "./grid.ts";
export * from "./report.ts";
