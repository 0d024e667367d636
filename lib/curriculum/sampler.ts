/**
 * The curriculum sampler: the prompt batch for training step t, deterministic for a seed.
 *
 * @module
 */
import { type Bins, DIFFICULTIES, type Difficulty } from "./bins.ts";
import type { Schedule } from "./schedule.ts";
import { createRng, deriveSeed } from "../data/rng.ts";

/** Options of {@link createSampler}. */
export interface SamplerOptions<T> {
  /** The binned problem pool. */
  bins: Bins<T>;
  /** The schedule giving bin weights per step. */
  schedule: Schedule;
  /** Prompts per batch. */
  batchSize: number;
  /** Seed: the same seed, bins and schedule give the same batches. */
  seed: number;
}

/** A deterministic batch sampler. */
export interface Sampler<T> {
  /** The batch of prompts for step `t` (random access; the same for every call). */
  batchAt(step: number): T[];
  /** How many prompts of each bin step `t` takes (`null` under no curriculum). */
  countsAt(step: number): Record<Difficulty, number> | null;
}

/**
 * Creates a sampler. Each bin is read as an endless stream of seeded random permutations (so
 * every problem of a bin is used once before any repeats); the schedule's weights at step t are
 * turned into per-bin counts (floor of weight × batch size, remaining slots drawn in proportion
 * to the fractional parts; empty bins get no weight). Under `shuffledSchedule()` the whole pool
 * is read the same way. Batches are shuffled.
 *
 * @example
 * ```ts
 * const sampler = createSampler({ bins: binByLevel(pool), schedule: stagedSchedule([200, 400]), batchSize: 16, seed: 1 });
 * const prompts = sampler.batchAt(0);
 * ```
 */
export function createSampler<T>(options: SamplerOptions<T>): Sampler<T> {
  const { bins, schedule, batchSize, seed } = options;
  if (!(Number.isInteger(batchSize) && batchSize > 0)) {
    throw new RangeError("batchSize must be a positive integer");
  }
  const pool: T[] = [...bins.easy, ...bins.medium, ...bins.hard];
  if (pool.length === 0) throw new RangeError("sampler: all bins are empty");
  const streams = new Map<string, PermStream<T>>();
  const stream = (name: string, items: readonly T[]) => {
    let s = streams.get(name);
    if (s === undefined) {
      streams.set(name, s = new PermStream(items, deriveSeed(seed, "bin", name)));
    }
    return s;
  };

  // Per-step counts and prefix offsets, computed lazily in order.
  const counts: (Record<Difficulty, number> | null)[] = [];
  const offsets: { easy: number; medium: number; hard: number; pool: number }[] = [
    { easy: 0, medium: 0, hard: 0, pool: 0 },
  ];

  const countsAt = (step: number): Record<Difficulty, number> | null => {
    if (!(Number.isInteger(step) && step >= 0)) throw new RangeError(`bad step ${step}`);
    while (counts.length <= step) {
      const t = counts.length;
      const c = allocate(schedule, t, bins, batchSize, seed);
      counts.push(c);
      const o = offsets[t];
      offsets.push(
        c === null ? { ...o, pool: o.pool + batchSize } : {
          easy: o.easy + c.easy,
          medium: o.medium + c.medium,
          hard: o.hard + c.hard,
          pool: o.pool,
        },
      );
    }
    const c = counts[step];
    return c === null ? null : { ...c };
  };

  return {
    countsAt,
    batchAt(step: number): T[] {
      const c = countsAt(step);
      const o = offsets[step];
      const batch: T[] = [];
      if (c === null) {
        const s = stream("pool", pool);
        for (let k = 0; k < batchSize; k++) batch.push(s.at(o.pool + k));
      } else {
        for (const d of DIFFICULTIES) {
          const s = stream(d, bins[d]);
          for (let k = 0; k < c[d]; k++) batch.push(s.at(o[d] + k));
        }
      }
      return createRng(deriveSeed(seed, "order", step)).shuffle(batch);
    },
  };
}

function allocate<T>(
  schedule: Schedule,
  step: number,
  bins: Bins<T>,
  batchSize: number,
  seed: number,
): Record<Difficulty, number> | null {
  const w = schedule.weightsAt(step);
  if (w === null) return null;
  const eff: Record<Difficulty, number> = { easy: 0, medium: 0, hard: 0 };
  let sum = 0;
  for (const d of DIFFICULTIES) {
    const x = bins[d].length > 0 && Number.isFinite(w[d]) && w[d] > 0 ? w[d] : 0;
    eff[d] = x;
    sum += x;
  }
  if (sum === 0) {
    // The scheduled bins are empty: fall back to the non-empty bins, by size.
    for (const d of DIFFICULTIES) eff[d] = bins[d].length;
    sum = eff.easy + eff.medium + eff.hard;
  }
  const out: Record<Difficulty, number> = { easy: 0, medium: 0, hard: 0 };
  const frac: Record<Difficulty, number> = { easy: 0, medium: 0, hard: 0 };
  let used = 0;
  for (const d of DIFFICULTIES) {
    const exact = (eff[d] / sum) * batchSize;
    out[d] = Math.floor(exact);
    frac[d] = exact - out[d];
    used += out[d];
  }
  const rng = createRng(deriveSeed(seed, "alloc", step));
  for (let left = batchSize - used; left > 0; left--) {
    const total = frac.easy + frac.medium + frac.hard;
    let d: Difficulty;
    if (total <= 1e-12) {
      d = DIFFICULTIES.filter((x) => eff[x] > 0)[0];
    } else {
      let u = rng.next() * total;
      d = DIFFICULTIES.find((x) => (u -= frac[x]) < 0 && frac[x] > 0) ??
        DIFFICULTIES.filter((x) => frac[x] > 0).at(-1)!;
    }
    out[d]++;
    frac[d] = 0;
  }
  return out;
}

/** An endless stream over `items`: epoch e is a seeded permutation of all items. */
class PermStream<T> {
  private cache = new Map<number, number[]>();
  constructor(private readonly items: readonly T[], private readonly seed: number) {}

  at(pos: number): T {
    const n = this.items.length;
    const epoch = Math.floor(pos / n);
    let perm = this.cache.get(epoch);
    if (perm === undefined) {
      perm = createRng(deriveSeed(this.seed, epoch)).shuffle([...Array(n).keys()]);
      if (this.cache.size >= 4) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(epoch, perm);
    }
    return this.items[perm[pos % n]];
  }
}
