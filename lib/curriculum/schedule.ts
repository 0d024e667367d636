/**
 * Curriculum schedules: which mix of easy / medium / hard problems to train on at step t.
 *
 * @module
 */
import { DIFFICULTIES, type Difficulty } from "./bins.ts";

/** Sampling weights per bin (non-negative; normalized by the sampler). */
export type BinWeights = Record<Difficulty, number>;

/** A curriculum schedule. */
export interface Schedule {
  /** Name for logs, e.g. `staged(100,200)`. */
  readonly name: string;
  /**
   * Bin weights at a training step, or `null` for no curriculum (sample the whole pool in
   * shuffled order).
   */
  weightsAt(step: number): BinWeights | null;
}

/** A schedule that always gives weights (every curriculum schedule; not `shuffledSchedule`). */
export interface WeightedSchedule extends Schedule {
  weightsAt(step: number): BinWeights;
}

/**
 * Staged curriculum easy → medium → hard: steps `[0, b1)` easy, `[b1, b2)` medium, `≥ b2` hard.
 * With `review > 0`, that fraction of each later-stage batch is drawn evenly from earlier bins.
 *
 * @example
 * ```ts
 * stagedSchedule([100, 200]).weightsAt(150); // { easy: 0, medium: 1, hard: 0 }
 * ```
 */
export function stagedSchedule(
  boundaries: readonly [number, number],
  options: { review?: number } = {},
): WeightedSchedule {
  const [b1, b2] = boundaries;
  const review = options.review ?? 0;
  if (!(b1 >= 0 && b2 >= b1)) throw new RangeError("staged: need 0 ≤ b1 ≤ b2");
  if (!(review >= 0 && review < 1)) throw new RangeError("staged: review in [0, 1)");
  return {
    name: `staged(${b1},${b2}${review ? `,review=${review}` : ""})`,
    weightsAt(step: number): BinWeights {
      checkStep(step);
      if (step < b1) return { easy: 1, medium: 0, hard: 0 };
      if (step < b2) return { easy: review, medium: 1 - review, hard: 0 };
      return { easy: review / 2, medium: review / 2, hard: 1 - review };
    },
  };
}

/** Default start/end mixes of {@link mixSchedule}. */
export const MIX_START: BinWeights = { easy: 0.7, medium: 0.3, hard: 0 };
export const MIX_END: BinWeights = { easy: 0.1, medium: 0.3, hard: 0.6 };

/**
 * Smooth mix: weights interpolate linearly from `start` (step 0) to `end` (step `totalSteps`),
 * then stay at `end`.
 */
export function mixSchedule(
  totalSteps: number,
  options: { start?: BinWeights; end?: BinWeights } = {},
): WeightedSchedule {
  if (!(totalSteps > 0)) throw new RangeError("mix: totalSteps must be > 0");
  const start = options.start ?? MIX_START;
  const end = options.end ?? MIX_END;
  for (const w of [start, end]) checkWeights(w);
  return {
    name: `mix(${totalSteps})`,
    weightsAt(step: number): BinWeights {
      checkStep(step);
      if (step >= totalSteps) return { ...end };
      const f = step / totalSteps;
      const w = {} as BinWeights;
      for (const d of DIFFICULTIES) w[d] = start[d] + f * (end[d] - start[d]);
      return w;
    },
  };
}

/** Fixed weights at every step. */
export function constantSchedule(weights: BinWeights): WeightedSchedule {
  checkWeights(weights);
  return {
    name: `constant(${DIFFICULTIES.map((d) => weights[d]).join(",")})`,
    weightsAt(step: number): BinWeights {
      checkStep(step);
      return { ...weights };
    },
  };
}

/** No curriculum: the whole pool, shuffled, epoch after epoch. */
export function shuffledSchedule(): Schedule {
  return {
    name: "shuffled",
    weightsAt(step: number): null {
      checkStep(step);
      return null;
    },
  };
}

function checkStep(step: number): void {
  if (!(Number.isInteger(step) && step >= 0)) throw new RangeError(`bad step ${step}`);
}

function checkWeights(w: BinWeights): void {
  let sum = 0;
  for (const d of DIFFICULTIES) {
    if (!(Number.isFinite(w[d]) && w[d] >= 0)) throw new RangeError(`bad weight for ${d}`);
    sum += w[d];
  }
  if (sum <= 0) throw new RangeError("weights sum to 0");
}
