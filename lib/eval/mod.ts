/**
 * Evaluation of policies on MATH-format problem sets.
 *
 * @module
 */
export * from "./evaluate.ts";
