/**
 * A per-call work budget for the grader: every expensive step ticks it, and exceeding it throws
 * {@link BudgetError} so that no input can make a comparison slow.
 *
 * @module
 */
import { BudgetError } from "./rational.ts";

/** Default number of work units one comparison may spend. */
export const DEFAULT_BUDGET = 20_000;

let left = DEFAULT_BUDGET;

/** Resets the budget (call once at the start of each top-level comparison). */
export function resetBudget(units: number = DEFAULT_BUDGET): void {
  left = units;
}

/** Spends `units` of work; throws {@link BudgetError} when the budget is exhausted. */
export function tick(units = 1): void {
  left -= units;
  if (left < 0) throw new BudgetError("work budget");
}
