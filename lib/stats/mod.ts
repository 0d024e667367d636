/**
 * Statistics for the claims table: a hierarchical paired bootstrap and verdicts.
 *
 * @module
 */
export * from "./bootstrap.ts";
export * from "./verdict.ts";
