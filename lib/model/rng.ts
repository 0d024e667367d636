/**
 * A tiny seeded PRNG (mulberry32): 32-bit state, fast, reproducible across
 * platforms. Used for weight init and for per-sequence sampling.
 *
 * @module
 */

/** Seeded uniform/normal random numbers. */
export class Rng {
  #s: number;

  /** Any finite number is a valid seed (hashed to 32 bits). */
  constructor(seed: number) {
    this.#s = hashSeed(seed);
  }

  /** Uniform in [0, 1) with 32 bits of randomness. */
  next(): number {
    let t = (this.#s = (this.#s + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    let u = this.next();
    while (u === 0) u = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
}

/** Mix a number (possibly fractional or > 2^32) into a 32-bit seed. */
function hashSeed(seed: number): number {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4294967296) >>> 0;
  let h = Math.imul(lo ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(hi ^ 0xc2b2ae35, 0x27d4eb2f);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return h | 0;
}
