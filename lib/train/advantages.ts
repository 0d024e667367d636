/**
 * Group-relative advantages for GRPO.
 *
 * Rewards are laid out prompt-major: the first `num_generations` entries are the
 * completions of prompt 0, the next `num_generations` those of prompt 1, and so on
 * (the layout TRL's `GRPOTrainer` uses).
 *
 * @module
 */

/**
 * A group whose reward std is at most this has no learning signal: its rewards are equal up to
 * float rounding (eight rewards of 0.2 have a sample std of 3e-17, not 0). Such a group gets
 * advantages of exactly 0 and counts in `frac_reward_zero_std`.
 */
export const ZERO_STD_TOL = 1e-8;

/** How rewards are scaled after subtracting the group mean (TRL `scale_rewards`). */
export type ScaleRewards = "group" | "batch" | "none";

/** Options for {@linkcode groupAdvantages}. */
export interface AdvantageOptions {
  /** Completions per prompt (group size G). Must divide `rewards.length`. */
  num_generations: number;
  /**
   * `"group"` (default, GRPO): divide by the group's std.
   * `"batch"`: divide by the std of the whole batch of rewards.
   * `"none"` (Dr. GRPO): do not divide, advantages are `r − mean_group`.
   */
  scale_rewards?: ScaleRewards;
  /** Added to the std before dividing (default `1e-4`, as in TRL). */
  eps?: number;
}

/**
 * Group-normalized advantages: `A_i = (r_i − mean_group) / (std_group + eps)`.
 *
 * The std is the sample std (n − 1 denominator), matching `torch.Tensor.std` as
 * used by TRL. A group whose std is at most {@linkcode ZERO_STD_TOL} (all rewards equal) gets
 * advantages of exactly 0, whatever the scaling.
 *
 * ```ts
 * groupAdvantages([1, 0, 0, 0], { num_generations: 4 });
 * // mean 0.25, std 0.5 → [1.4997, -0.4999, -0.4999, -0.4999]
 * ```
 */
export function groupAdvantages(rewards: readonly number[], options: AdvantageOptions): number[] {
  const g = options.num_generations;
  const scale = options.scale_rewards ?? "group";
  const eps = options.eps ?? 1e-4;
  checkLayout(rewards.length, g);
  const out = new Array<number>(rewards.length);
  const batchStd = scale === "batch" ? sampleStd(rewards, 0, rewards.length) : 0;
  for (let start = 0; start < rewards.length; start += g) {
    const mean = meanOf(rewards, start, start + g);
    const std = sampleStd(rewards, start, start + g);
    const denom = scale === "group" ? std + eps : scale === "batch" ? batchStd + eps : 1;
    for (let i = start; i < start + g; i++) {
      out[i] = std <= ZERO_STD_TOL ? 0 : (rewards[i] - mean) / denom;
    }
  }
  return out;
}

/** Per-batch reward statistics, handy as training metrics. */
export interface RewardGroupStats {
  /** Mean reward over the batch. */
  reward_mean: number;
  /** Mean over groups of the within-group sample std (TRL `reward_std`). */
  reward_std: number;
  /** Fraction of groups whose rewards are all equal (zero advantage, no learning signal). */
  frac_reward_zero_std: number;
}

/** Batch reward statistics for rewards laid out in groups of `num_generations`. */
export function rewardGroupStats(
  rewards: readonly number[],
  num_generations: number,
): RewardGroupStats {
  checkLayout(rewards.length, num_generations);
  const groups = rewards.length / num_generations;
  let stdSum = 0;
  let zero = 0;
  for (let start = 0; start < rewards.length; start += num_generations) {
    const s = sampleStd(rewards, start, start + num_generations);
    stdSum += s;
    if (s <= ZERO_STD_TOL) zero++;
  }
  return {
    reward_mean: meanOf(rewards, 0, rewards.length),
    reward_std: stdSum / groups,
    frac_reward_zero_std: zero / groups,
  };
}

function checkLayout(n: number, g: number): void {
  if (!Number.isInteger(g) || g < 1) {
    throw new RangeError(`num_generations must be a positive integer, got ${g}`);
  }
  if (n === 0 || n % g !== 0) {
    throw new RangeError(
      `rewards.length (${n}) must be a positive multiple of num_generations (${g})`,
    );
  }
}

function meanOf(xs: readonly number[], start: number, end: number): number {
  let s = 0;
  for (let i = start; i < end; i++) s += xs[i];
  return s / (end - start);
}

/** Sample std (n − 1). A single element has std 0 (no spread, avoids NaN advantages). */
function sampleStd(xs: readonly number[], start: number, end: number): number {
  const n = end - start;
  if (n < 2) return 0;
  const m = meanOf(xs, start, end);
  let ss = 0;
  for (let i = start; i < end; i++) ss += (xs[i] - m) ** 2;
  return Math.sqrt(ss / (n - 1));
}
