/**
 * Rewards for RL on math (TRL style: `(completions, problems, ctx?) => number[]`): correctness,
 * format, length penalties (mild / strong / DAPO overlong), weighted combinations with
 * per-component breakdowns, and the named presets the ablation compares.
 *
 * @module
 */
export type {
  ProblemLike,
  Reward,
  RewardBreakdown,
  RewardComponent,
  RewardContext,
  RewardFn,
} from "./types.ts";
export { completionLength } from "./types.ts";
export { correctnessReward } from "./correctness.ts";
export { formatReward, isWellFormatted } from "./format.ts";
export {
  DAPO_OVERLONG,
  lengthPenalty,
  type LengthPenaltyOptions,
  MILD_LENGTH,
  type OverlongOptions,
  overlongPenalty,
  STRONG_LENGTH,
} from "./length.ts";
export { combineRewards } from "./combine.ts";
export {
  FORMAT_WEIGHT,
  REWARD_PRESET_NAMES,
  REWARD_PRESETS,
  rewardPreset,
  type RewardPresetName,
} from "./presets.ts";
