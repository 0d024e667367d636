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
 * The presets (total = Σ weight · component; component ranges in brackets). The length
 * penalties are relative to the run's token budget L (`ctx.maxLength` = `max_completion_length`):
 *
 * - `seed` — the paper's recipe: correctness × 1 [0,1] + format × 0.2 [0,1]
 *   + `length_mild` × 0.1 [−1,0] (from L/2 down to −1 at L). Total in [−0.1, 1.2].
 * - `no_length` — correctness × 1 + format × 0.2. Total in [0, 1.2].
 * - `strong_length` — correctness × 1 + format × 0.2 + `length_strong` × 0.5 [−1,0]
 *   (from L/4 down to −1 at L). Total in [−0.5, 1.2].
 * - `correctness_only` — correctness × 1. Total in [0, 1].
 * - `dapo_overlong` — correctness × 1 + format × 0.2 + `overlong` × 1 [−1,0]
 *   (DAPO soft punishment, L_max = `ctx.maxLength` (else 192), L_cache 48). Total in [−1, 1.2].
 *
 * The weighted penalty at the lengths runs produce, with the default budget L = 160 (a
 * completion cut at the budget is 160 tokens long):
 *
 * | preset          | 50 tokens | 100 tokens | 140 tokens | 160 tokens |
 * | --------------- | --------: | ---------: | ---------: | ---------: |
 * | `seed` (mild)   |         0 |     −0.025 |     −0.075 |       −0.1 |
 * | `strong_length` |    −0.042 |     −0.25  |     −0.417 |       −0.5 |
 * | `dapo_overlong` |         0 |          0 |     −0.583 |         −1 |
 */
export const REWARD_PRESETS: Readonly<Record<RewardPresetName, readonly RewardComponent[]>> = {
  seed: [
    correctness,
    format,
    {
      name: "length_mild",
      weight: MILD_LENGTH.weight,
      fn: lengthPenalty({ start: MILD_LENGTH.start }),
    },
  ],
  no_length: [correctness, format],
  strong_length: [
    correctness,
    format,
    {
      name: "length_strong",
      weight: STRONG_LENGTH.weight,
      fn: lengthPenalty({ start: STRONG_LENGTH.start }),
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
