/**
 * Difficulty bins: easy / medium / hard, by dataset level.
 *
 * @module
 */

/** A difficulty bin. */
export type Difficulty = "easy" | "medium" | "hard";

/** The bins, easiest first. */
export const DIFFICULTIES: readonly Difficulty[] = ["easy", "medium", "hard"];

/** Problems split into difficulty bins. */
export type Bins<T> = Record<Difficulty, T[]>;

/** Which dataset levels go to which bin. */
export type LevelBinning = Record<Difficulty, readonly number[]>;

/** Default binning: levels 1–2 easy, 3 medium, 4–5 hard. */
export const DEFAULT_LEVEL_BINS: LevelBinning = { easy: [1, 2], medium: [3], hard: [4, 5] };

/**
 * Splits problems into bins by their `level` (order kept within a bin). Throws `RangeError` when
 * a level is in two bins or a problem's level is in none.
 *
 * @example
 * ```ts
 * const bins = binByLevel(problems); // { easy: [...L1, L2], medium: [...L3], hard: [...L4, L5] }
 * ```
 */
export function binByLevel<T extends { level: number }>(
  problems: readonly T[],
  binning: LevelBinning = DEFAULT_LEVEL_BINS,
): Bins<T> {
  const where = new Map<number, Difficulty>();
  for (const d of DIFFICULTIES) {
    for (const l of binning[d]) {
      if (where.has(l)) throw new RangeError(`level ${l} is in two bins`);
      where.set(l, d);
    }
  }
  const bins: Bins<T> = { easy: [], medium: [], hard: [] };
  for (const p of problems) {
    const d = where.get(p.level);
    if (d === undefined) throw new RangeError(`level ${p.level} is in no bin`);
    bins[d].push(p);
  }
  return bins;
}

/** Number of problems per bin. */
export function binSizes<T>(bins: Bins<T>): Record<Difficulty, number> {
  return { easy: bins.easy.length, medium: bins.medium.length, hard: bins.hard.length };
}
