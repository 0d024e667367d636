/**
 * A hierarchical paired bootstrap for comparisons between trained variants. Every arm is a
 * score matrix — one row per training seed (a run), one column per evaluation problem (its
 * accuracy over the k samples) — and all arms share the seeds and the problems. Each resample
 * draws the seeds with replacement, then the problems with replacement, and applies the *same*
 * draws to every arm, so the pairing by seed (same data order) and by problem (same question) is
 * kept: the interval accounts for both sources of noise, training seeds and the finite test set.
 * The interval is the percentile interval of the statistic over the resamples.
 *
 * @module
 */
import { createRng } from "../data/rng.ts";

/** Scores of one arm: `scores[seed][problem]` (each row the same length, same problem order). */
export type ScoreMatrix = readonly (readonly number[])[];

/** An estimate with its interval. */
export interface Interval {
  /** The statistic on the data as observed. */
  estimate: number;
  /** Lower and upper ends of the percentile interval. */
  lo: number;
  hi: number;
  /** Resamples whose statistic was finite (the others, e.g. a ratio over 0, are dropped). */
  resamples: number;
}

/** Options of {@linkcode bootstrap}. */
export interface BootstrapOptions {
  /** Seed of the resampling (same seed, same interval). */
  seed: number;
  /** Resamples (default 2000). */
  resamples?: number;
  /** Coverage of the interval (default 0.95). */
  level?: number;
}

/**
 * Bootstraps `statistic` over `arms`. The statistic receives, per arm, the per-seed mean score
 * over the (resampled) problems, in the (resampled) seed order: `perSeed[arm][seed]`.
 *
 * @example
 * ```ts
 * // ZeroGRPO − GRPO-KL, paired by seed and problem:
 * const diff = bootstrap([zero, kl], (m) => mean(m[0]) - mean(m[1]), { seed: 1 });
 * ```
 */
export function bootstrap(
  arms: readonly ScoreMatrix[],
  statistic: (perSeed: number[][]) => number,
  options: BootstrapOptions,
): Interval {
  const seeds = arms[0]?.length ?? 0;
  const problems = arms[0]?.[0]?.length ?? 0;
  if (seeds === 0 || problems === 0) throw new RangeError("bootstrap: empty score matrix");
  arms.forEach((arm, a) => {
    if (arm.length !== seeds) {
      throw new RangeError(`bootstrap: arm ${a} has ${arm.length} seeds, arm 0 has ${seeds}`);
    }
    arm.forEach((row, s) => {
      if (row.length !== problems) {
        throw new RangeError(
          `bootstrap: arm ${a} seed ${s} has ${row.length} problems, expected ${problems}`,
        );
      }
    });
  });
  const identitySeeds = Array.from({ length: seeds }, (_, i) => i);
  const identityProblems = Array.from({ length: problems }, (_, i) => i);
  const estimate = statistic(perSeedMeans(arms, identitySeeds, identityProblems));
  const rng = createRng(options.seed);
  const n = options.resamples ?? 2000;
  const stats: number[] = [];
  const seedDraw = new Array<number>(seeds);
  const problemDraw = new Array<number>(problems);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < seeds; i++) seedDraw[i] = Math.floor(rng.next() * seeds);
    for (let i = 0; i < problems; i++) problemDraw[i] = Math.floor(rng.next() * problems);
    const x = statistic(perSeedMeans(arms, seedDraw, problemDraw));
    if (Number.isFinite(x)) stats.push(x);
  }
  stats.sort((a, b) => a - b);
  const alpha = (1 - (options.level ?? 0.95)) / 2;
  return {
    estimate,
    lo: quantileSorted(stats, alpha),
    hi: quantileSorted(stats, 1 - alpha),
    resamples: stats.length,
  };
}

function perSeedMeans(arms: readonly ScoreMatrix[], seeds: number[], problems: number[]) {
  return arms.map((arm) =>
    seeds.map((s) => {
      const row = arm[s];
      let sum = 0;
      for (const p of problems) sum += row[p];
      return sum / problems.length;
    })
  );
}

/** The q-quantile of ascending `xs` by linear interpolation (NaN when empty). */
export function quantileSorted(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const pos = q * (xs.length - 1);
  const i = Math.floor(pos);
  const f = pos - i;
  return i + 1 < xs.length ? xs[i] * (1 - f) + xs[i + 1] * f : xs[i];
}

/** Mean of a list (NaN when empty). */
export function meanOf(xs: readonly number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
}

/** Sample standard deviation (n − 1) of a list (NaN below 2 values). */
export function stdOf(xs: readonly number[]): number {
  if (xs.length < 2) return NaN;
  const m = meanOf(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
}
