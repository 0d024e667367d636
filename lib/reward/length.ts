/**
 * Length penalties: the paper's linear penalty on completions longer than a target (mild and
 * strong settings differ by target, cap and weight), and DAPO's soft overlong punishment.
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
  /** Target length in tokens; no penalty at or below it. */
  target: number;
  /** Largest penalty magnitude (before weighting). Default 1. */
  cap?: number;
}

/**
 * Unweighted penalty `−min(cap, max(0, len − target) / target)` per completion (0 for lengths
 * up to the target, −1 at twice the target with cap 1). Multiply by the component weight λ.
 * Lengths come from `ctx.lengths` (tokens) or the string length.
 */
export function lengthPenalty(options: LengthPenaltyOptions): RewardFn {
  const { target, cap = 1 } = options;
  if (!(target > 0) || !(cap >= 0)) throw new RangeError("lengthPenalty: target > 0, cap ≥ 0");
  return (
    completions: readonly string[],
    problems: readonly ProblemLike[],
    ctx?: RewardContext,
  ) => {
    checkBatch(completions, problems, ctx);
    return completions.map((_, i) => {
      const over = Math.max(0, completionLength(completions, i, ctx) - target) / target;
      return over === 0 ? 0 : -Math.min(cap, over);
    });
  };
}

/** Mild penalty settings (paper default): target 128 tokens, cap 1; weight it with λ = 0.1. */
export const MILD_LENGTH = { target: 128, cap: 1, weight: 0.1 } as const;

/** Strong penalty settings (ablation): target 64 tokens, cap 2; weight it with λ = 0.5. */
export const STRONG_LENGTH = { target: 64, cap: 2, weight: 0.5 } as const;

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
