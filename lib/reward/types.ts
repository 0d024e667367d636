/**
 * Reward function types (TRL style: a batch of completions in, one number per completion out).
 *
 * @module
 */
import type { Problem } from "../data/problem.ts";

/** What a reward needs from a problem: its gold answer (a full {@link Problem} fits). */
export type ProblemLike = Pick<Problem, "answer">;

/** Optional per-batch context. */
export interface RewardContext {
  /**
   * Completion lengths in tokens, one per completion. Default: the string length (the tokenizer
   * is character-level).
   */
  lengths?: readonly number[];
  /** Maximum completion length in tokens (L_max for the DAPO overlong penalty), if known. */
  maxLength?: number;
}

/**
 * A reward function: `completions[i]` answers `problems[i]`; returns one score per completion.
 * Throws `RangeError` when the arrays (or `ctx.lengths`) differ in length.
 */
export type RewardFn = (
  completions: readonly string[],
  problems: readonly ProblemLike[],
  ctx?: RewardContext,
) => number[];

/** A named, weighted part of a combined reward. */
export interface RewardComponent {
  /** Name used in breakdowns and logs, e.g. `correctness`. */
  name: string;
  /** Weight of the component in the total. */
  weight: number;
  /** The unweighted component scores. */
  fn: RewardFn;
}

/** Per-component scores of a batch, for logging. */
export interface RewardBreakdown {
  /** Weighted sum per completion (what training uses). */
  total: number[];
  /** Unweighted scores per component name. */
  components: Record<string, number[]>;
  /** The weight of each component. */
  weights: Record<string, number>;
}

/** A combined reward: callable as a {@link RewardFn} (the total), plus its breakdown. */
export interface Reward extends RewardFn {
  /** Preset or reward name. */
  readonly rewardName: string;
  /** Its components. */
  readonly components: readonly RewardComponent[];
  /** Scores with per-component breakdown. */
  breakdown(
    completions: readonly string[],
    problems: readonly ProblemLike[],
    ctx?: RewardContext,
  ): RewardBreakdown;
}

/** Checks batch shapes; throws `RangeError` on a mismatch. */
export function checkBatch(
  completions: readonly string[],
  problems: readonly ProblemLike[],
  ctx?: RewardContext,
): void {
  if (completions.length !== problems.length) {
    throw new RangeError(
      `reward: ${completions.length} completions but ${problems.length} problems`,
    );
  }
  if (ctx?.lengths !== undefined && ctx.lengths.length !== completions.length) {
    throw new RangeError(
      `reward: ${completions.length} completions but ${ctx.lengths.length} lengths`,
    );
  }
}

/** The length in tokens of completion `i`: `ctx.lengths[i]`, else its string length. */
export function completionLength(
  completions: readonly string[],
  i: number,
  ctx?: RewardContext,
): number {
  const l = ctx?.lengths?.[i];
  return l !== undefined && Number.isFinite(l) ? l : completions[i].length;
}
