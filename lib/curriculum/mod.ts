/**
 * Curriculum: difficulty bins (by level or measured pass rate), schedules (staged, smooth mix,
 * shuffled) and a deterministic batch sampler `batchAt(t)`.
 *
 * @module
 */
export {
  binByLevel,
  type Bins,
  binSizes,
  DEFAULT_LEVEL_BINS,
  DIFFICULTIES,
  type Difficulty,
  type LevelBinning,
} from "./bins.ts";
export {
  binByPassRate,
  cutByPassRate,
  type PassRateCut,
  type PassRateFn,
  passRateMeasure,
} from "./pass_rate.ts";
export {
  type BinWeights,
  constantSchedule,
  MIX_END,
  MIX_START,
  mixSchedule,
  type Schedule,
  shuffledSchedule,
  stagedSchedule,
  type WeightedSchedule,
} from "./schedule.ts";
export { createSampler, type Sampler, type SamplerOptions } from "./sampler.ts";
export { createMiniMathSampler, type MiniMathSamplerOptions } from "./minimath_sampler.ts";
