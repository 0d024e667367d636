/**
 * Problems: the MATH-schema `Problem` type, validated JSONL loading, the shipped MATH-500, a
 * seeded PRNG, and the embedded MiniMath generator with its held-out MiniMath-500 and training stream.
 *
 * @module
 */
export {
  checkProblem,
  describe,
  type FieldIssue,
  isLevel,
  type Level,
  LEVELS,
  type Problem,
} from "./problem.ts";
export {
  JsonlError,
  type JsonlRecord,
  parseJsonl,
  readJsonl,
  readLines,
  toJsonl,
} from "./jsonl.ts";
export { loadProblems, parseProblems, streamProblems } from "./load_problems.ts";
export { MATH500_SHA256, math500Path } from "./math500.ts";
export { createRng, deriveSeed, hashString, mulberry32, type Rng } from "./rng.ts";
export {
  formatSolution,
  fractionAnswer,
  type GeneratedProblem,
  generateProblem,
  MINIMATH_LIMITS,
  MINIMATH_SUBJECTS,
  MINIMATH_VERSIONS,
  miniMathId,
  miniMathLimits,
  type MiniMathSubject,
  type MiniMathVersion,
  parseMiniMathVersion,
} from "./minimath.ts";
export { CHAIN_GENERATORS, CHAINS_LIMITS } from "./minimath_chains.ts";
export {
  isHeldOut,
  MINIMATH_HELDOUT_PER_LEVEL,
  MINIMATH_HELDOUT_SEED,
  miniMathHeldOut,
  miniMathHeldOutByLevel,
  miniMathHeldOutGenerated,
  miniMathTrainPool,
  miniMathTrainStream,
  type TrainPoolOptions,
  type TrainStreamOptions,
} from "./minimath_split.ts";
