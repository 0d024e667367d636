/**
 * Named reward presets for the ablations.
 *
 * @module
 */
import { combineRewards } from "./combine.ts";
import { correctnessReward } from "./correctness.ts";
import { formatReward } from "./format.ts";
import {
  DAPO_OVERLONG,
  lengthPenalty,
  MILD_LENGTH,
  overlongPenalty,
  STRONG_LENGTH,
} from "./length.ts";
import type { Reward, RewardComponent } from "./types.ts";

/** Names of the reward presets. */
export type RewardPresetName =
  | "seed"
  | "no_length"
  | "strong_length"
  | "correctness_only"
  | "dapo_overlong";

/** Weight of the format component in every preset that has one. */
export const FORMAT_WEIGHT = 0.2;

const correctness: RewardComponent = { name: "correctness", weight: 1, fn: correctnessReward };
const format: RewardComponent = { name: "format", weight: FORMAT_WEIGHT, fn: formatReward };

/**
 * The presets (total = Σ weight · component; component ranges in brackets):
 *
 * - `seed` — the paper's recipe: correctness × 1 [0,1] + format × 0.2 [0,1]
 *   + `length_mild` × 0.1 [−1,0] (target 128 tokens, cap 1). Total in [−0.1, 1.2].
 * - `no_length` — correctness × 1 + format × 0.2. Total in [0, 1.2].
 * - `strong_length` — correctness × 1 + format × 0.2 + `length_strong` × 0.5 [−2,0]
 *   (target 64 tokens, cap 2). Total in [−1, 1.2].
 * - `correctness_only` — correctness × 1. Total in [0, 1].
 * - `dapo_overlong` — correctness × 1 + format × 0.2 + `overlong` × 1 [−1,0]
 *   (DAPO soft punishment, L_max 192 (or `ctx.maxLength`), L_cache 48). Total in [−1, 1.2].
 */
export const REWARD_PRESETS: Readonly<Record<RewardPresetName, readonly RewardComponent[]>> = {
  seed: [
    correctness,
    format,
    {
      name: "length_mild",
      weight: MILD_LENGTH.weight,
      fn: lengthPenalty({ target: MILD_LENGTH.target, cap: MILD_LENGTH.cap }),
    },
  ],
  no_length: [correctness, format],
  strong_length: [
    correctness,
    format,
    {
      name: "length_strong",
      weight: STRONG_LENGTH.weight,
      fn: lengthPenalty({ target: STRONG_LENGTH.target, cap: STRONG_LENGTH.cap }),
    },
  ],
  correctness_only: [correctness],
  dapo_overlong: [
    correctness,
    format,
    { name: "overlong", weight: 1, fn: overlongPenalty(DAPO_OVERLONG) },
  ],
};

/** All preset names. */
export const REWARD_PRESET_NAMES = Object.keys(REWARD_PRESETS) as RewardPresetName[];

/**
 * The combined reward of a preset (see {@link REWARD_PRESETS}). Throws `RangeError` for an
 * unknown name.
 *
 * @example
 * ```ts
 * const reward = rewardPreset("seed");
 * const { total, components } = reward.breakdown(completions, problems);
 * ```
 */
export function rewardPreset(name: RewardPresetName | string): Reward {
  if (!Object.hasOwn(REWARD_PRESETS, name)) {
    throw new RangeError(`unknown reward preset ${name} (${REWARD_PRESET_NAMES.join(", ")})`);
  }
  return combineRewards(name, REWARD_PRESETS[name as RewardPresetName]);
}
