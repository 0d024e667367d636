/**
 * Small, fast, seedable pseudo-random numbers (mulberry32) and string hashing.
 *
 * Everything that must be reproducible for a seed (MiniMath, curriculum samplers, fuzz tests)
 * draws from {@link createRng}; never from `Math.random`.
 *
 * @module
 */

/** A seeded random source. All methods advance the same underlying state. */
export interface Rng {
  /** The seed this generator was created with (a 32-bit unsigned integer). */
  readonly seed: number;
  /** A float uniformly distributed in [0, 1). */
  next(): number;
  /** An integer uniformly distributed in [lo, hi] (both inclusive). */
  int(lo: number, hi: number): number;
  /** One element of `items`, uniformly. Throws on an empty array. */
  pick<T>(items: readonly T[]): T;
  /** `true` with probability `p`. */
  chance(p: number): boolean;
  /** A new array with the elements of `items` in a uniformly random order (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[];
}

/**
 * Creates a mulberry32 generator for a seed. The seed is reduced to 32 bits; strings are hashed
 * with {@link hashString}. Two generators with the same seed yield the same sequence.
 *
 * @example
 * ```ts
 * const rng = createRng(42);
 * rng.int(1, 6); // a die roll, the same for every run with seed 42
 * ```
 */
export function createRng(seed: number | string): Rng {
  const s0 = typeof seed === "string" ? hashString(seed) : toUint32(seed);
  const next = mulberry32(s0);
  return {
    seed: s0,
    next,
    int(lo: number, hi: number): number {
      if (!Number.isFinite(lo) || !Number.isFinite(hi) || hi < lo) {
        throw new RangeError(`int(${lo}, ${hi}): empty or invalid range`);
      }
      return Math.floor(lo) + Math.floor(next() * (Math.floor(hi) - Math.floor(lo) + 1));
    },
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError("pick(): empty array");
      return items[Math.floor(next() * items.length)];
    },
    chance(p: number): boolean {
      return next() < p;
    },
    shuffle<T>(items: readonly T[]): T[] {
      const out = items.slice();
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const t = out[i];
        out[i] = out[j];
        out[j] = t;
      }
      return out;
    },
  };
}

/**
 * The raw mulberry32 generator: returns a function yielding floats in [0, 1).
 * Period 2^32; good enough statistically for data generation and sampling.
 */
export function mulberry32(seed: number): () => number {
  let a = toUint32(seed);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 32-bit FNV-1a hash of a string (UTF-16 code units), as an unsigned integer. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Derives an independent 32-bit seed from a base seed and any number of parts (numbers or
 * strings), e.g. `deriveSeed(seed, "batch", step)`. Deterministic and order-sensitive.
 */
export function deriveSeed(seed: number | string, ...parts: (number | string)[]): number {
  let key = String(typeof seed === "string" ? hashString(seed) : toUint32(seed));
  for (const p of parts) key += "\u0000" + String(p);
  // Mix twice so nearby inputs give unrelated seeds.
  const h = hashString(key);
  return mulberry32(h ^ 0x9e3779b9)() * 4294967296 >>> 0;
}

function toUint32(x: number): number {
  if (!Number.isFinite(x)) return 0;
  // Keep integers beyond 2^32 distinct-ish by folding the high part in.
  const hi = Math.floor(x / 4294967296);
  return (Math.floor(x) ^ hi) >>> 0;
}
