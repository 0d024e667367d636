/**
 * Length penalties relative to the run's token budget (the mild and strong settings differ by
 * where the penalty starts and by weight), and DAPO's soft overlong punishment.
 *
 * @module
 */
import {
  checkBatch,
  completionLength,
  type ProblemLike,
  type RewardContext,
  type RewardFn,
} from "./types.ts";

/** Options of {@link lengthPenalty}. */
export interface LengthPenaltyOptions {
  /** Where the penalty starts, as a fraction of the budget L (0 ≤ start < 1). */
  start: number;
  /** The budget L in tokens when `ctx.maxLength` is absent (runs pass `max_completion_length`). */
  maxLength?: number;
}

/**
 * Unweighted penalty relative to the token budget L (`ctx.maxLength`, else `options.maxLength`):
 * 0 up to `start·L`, then linear down to −1 at L (a completion cut at the budget), −1 beyond —
 *
 *   −clip((len − start·L) / ((1 − start)·L), 0, 1).
 *
 * Weighted by λ it spans [−λ, 0] over the lengths [start·L, L], where completions that run long
 * live. Lengths come from `ctx.lengths` (tokens) or the string length; an unknown budget throws.
 */
export function lengthPenalty(options: LengthPenaltyOptions): RewardFn {
  const { start } = options;
  if (!(start >= 0 && start < 1)) throw new RangeError("lengthPenalty: need 0 ≤ start < 1");
  if (options.maxLength !== undefined && !(options.maxLength > 0)) {
    throw new RangeError("lengthPenalty: maxLength > 0");
  }
  return (
    completions: readonly string[],
    problems: readonly ProblemLike[],
    ctx?: RewardContext,
  ) => {
    checkBatch(completions, problems, ctx);
    const budget = ctx?.maxLength ?? options.maxLength;
    if (!(budget !== undefined && budget > 0)) {
      throw new RangeError("lengthPenalty: no budget (pass ctx.maxLength or options.maxLength)");
    }
    const from = start * budget;
    return completions.map((_, i) => {
      const over = (completionLength(completions, i, ctx) - from) / (budget - from);
      return over <= 0 ? 0 : -Math.min(1, over);
    });
  };
}

/** Mild penalty: from half the budget (80 of 160 tokens) to −1 at it; weight λ = 0.1. */
export const MILD_LENGTH = { start: 0.5, weight: 0.1 } as const;

/** Strong penalty: from a quarter of the budget (40 of 160 tokens) to −1 at it; weight λ = 0.5. */
export const STRONG_LENGTH = { start: 0.25, weight: 0.5 } as const;

/** Options of {@link overlongPenalty}. */
export interface OverlongOptions {
  /** L_max: the generation limit in tokens. `ctx.maxLength`, when given, overrides it. */
  maxLength: number;
  /** L_cache: the length of the soft punishment zone before L_max. */
  cache: number;
}

/**
 * DAPO's soft overlong punishment: 0 for `len ≤ L_max − L_cache`, then linear down to −1 at
 * `len = L_max`, and −1 beyond.
 */
export function overlongPenalty(options: OverlongOptions): RewardFn {
  if (!(options.maxLength > 0) || !(options.cache > 0) || options.cache > options.maxLength) {
    throw new RangeError("overlongPenalty: need 0 < cache ≤ maxLength");
  }
  return (
    completions: readonly string[],
    problems: readonly ProblemLike[],
    ctx?: RewardContext,
  ) => {
    checkBatch(completions, problems, ctx);
    const lmax = ctx?.maxLength ?? options.maxLength;
    const start = lmax - options.cache;
    return completions.map((_, i) => {
      const len = completionLength(completions, i, ctx);
      if (len <= start) return 0;
      if (len > lmax) return -1;
      return (start - len) / options.cache;
    });
  };
}

/** DAPO settings used by the `dapo_overlong` preset: L_max 192, L_cache 48 tokens. */
export const DAPO_OVERLONG = { maxLength: 192, cache: 48 } as const;
