/**
 * Curriculum sampling over a fixed MiniMath training pool.
 *
 * @module
 */
import type { Problem } from "../data/problem.ts";
import { miniMathTrainPool } from "../data/minimath_split.ts";
import type { MiniMathVersion } from "../data/minimath.ts";
import { binByLevel, DEFAULT_LEVEL_BINS, type LevelBinning } from "./bins.ts";
import { createSampler, type Sampler } from "./sampler.ts";
import type { Schedule } from "./schedule.ts";

/** Options of {@link createMiniMathSampler}. */
export interface MiniMathSamplerOptions {
  /** Seed of the pool and of the sampler. */
  seed: number;
  /** Training problems generated per level (held-out problems excluded). */
  perLevel: number;
  /** Curriculum schedule. */
  schedule: Schedule;
  /** Prompts per batch. */
  batchSize: number;
  /** Level → bin mapping (default: 1–2 easy, 3 medium, 4–5 hard). */
  binning?: LevelBinning;
  /** MiniMath version of the pool (default `v1`; a base's own: `baseMiniMathVersion`). */
  version?: MiniMathVersion;
}

/**
 * Generates a MiniMath training pool (`perLevel` per level, no held-out problem), bins it by
 * level and returns a curriculum sampler over it, plus the pool itself.
 */
export function createMiniMathSampler(
  options: MiniMathSamplerOptions,
): Sampler<Problem> & { pool: Problem[] } {
  const pool = miniMathTrainPool({
    seed: options.seed,
    perLevel: options.perLevel,
    version: options.version,
  });
  const sampler = createSampler({
    bins: binByLevel(pool, options.binning ?? DEFAULT_LEVEL_BINS),
    schedule: options.schedule,
    batchSize: options.batchSize,
    seed: options.seed,
  });
  return { ...sampler, pool };
}
