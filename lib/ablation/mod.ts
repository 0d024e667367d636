/**
 * The ablation: variants and presets, run identity and run-folder states, one run (and its files
 * as data), the grid's plan, the grid, and its report.
 *
 * @module
 */
export * from "./variants.ts";
export * from "./identity.ts";
export * from "./first_difference.ts";
export * from "./run_state.ts";
export * from "./run.ts";
export * from "./run_files.ts";
export * from "./grid_plan.ts";
export * from "./grid.ts";
export * from "./report.ts";
