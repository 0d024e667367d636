/**
 * Difficulty bins by measured pass rate (k samples per problem), cut by quantiles.
 *
 * @module
 */
import type { Bins } from "./bins.ts";
import { extractAnswer } from "../grade/extract.ts";
import { gradeAnswer } from "../grade/equivalent.ts";
import type { ProblemLike } from "../reward/types.ts";

/** Measures the pass rate in [0, 1] of each problem (e.g. a model over k samples). */
export type PassRateFn<T> = (problems: readonly T[]) => Promise<number[]>;

/** Quantile cut of {@link binByPassRate}. */
export interface PassRateCut {
  /** Fraction of problems (highest pass rates) that are easy. Default 1/3. */
  easy?: number;
  /** Fraction of problems (lowest pass rates) that are hard. Default 1/3. */
  hard?: number;
}

/**
 * Measures pass rates and splits problems into bins: the top `easy` fraction by pass rate is
 * easy, the bottom `hard` fraction hard, the rest medium. Problems with equal pass rates always
 * share a bin (a tie group goes to the bin of its middle position), so bins may be uneven. Throws
 * `RangeError` when `measure` returns the wrong count or a value outside [0, 1].
 */
export async function binByPassRate<T>(
  problems: readonly T[],
  measure: PassRateFn<T>,
  cut: PassRateCut = {},
): Promise<{ bins: Bins<T>; passRates: number[] }> {
  const passRates = await measure(problems);
  return { bins: cutByPassRate(problems, passRates, cut), passRates };
}

/** The cutting step of {@link binByPassRate}, for pass rates already measured. */
export function cutByPassRate<T>(
  problems: readonly T[],
  passRates: readonly number[],
  cut: PassRateCut = {},
): Bins<T> {
  const easyFrac = cut.easy ?? 1 / 3;
  const hardFrac = cut.hard ?? 1 / 3;
  if (!(easyFrac >= 0 && hardFrac >= 0 && easyFrac + hardFrac <= 1)) {
    throw new RangeError("pass-rate cut: fractions must be ≥ 0 and sum to ≤ 1");
  }
  if (passRates.length !== problems.length) {
    throw new RangeError(`${passRates.length} pass rates for ${problems.length} problems`);
  }
  passRates.forEach((r, i) => {
    if (!(typeof r === "number" && r >= 0 && r <= 1)) {
      throw new RangeError(`pass rate ${i} is ${r}, not in [0, 1]`);
    }
  });
  const n = problems.length;
  const nEasy = Math.round(easyFrac * n);
  const nHard = Math.round(hardFrac * n);
  const order = problems.map((_, i) => i).sort((a, b) => passRates[b] - passRates[a] || a - b);
  const bins: Bins<T> = { easy: [], medium: [], hard: [] };
  for (let start = 0; start < n;) {
    let end = start + 1;
    while (end < n && passRates[order[end]] === passRates[order[start]]) end++;
    // A tie group goes to the bin of its middle position.
    const mid = (start + end - 1) / 2;
    const bin = mid < nEasy ? "easy" : mid < n - nHard ? "medium" : "hard";
    for (let pos = start; pos < end; pos++) bins[bin].push(problems[order[pos]]);
    start = end;
  }
  return bins;
}

/**
 * A {@link PassRateFn} from a sampler: `sample(problems, k)` returns k completions per problem;
 * each is graded against the gold answer (last `\boxed{}` vs `answer`).
 */
export function passRateMeasure<T extends ProblemLike>(
  sample: (problems: readonly T[], k: number) => Promise<string[][]>,
  k: number,
): PassRateFn<T> {
  if (!(Number.isInteger(k) && k > 0)) throw new RangeError("k must be a positive integer");
  return async (problems) => {
    const outs = await sample(problems, k);
    if (outs.length !== problems.length) {
      throw new RangeError(`sampler returned ${outs.length} lists for ${problems.length} problems`);
    }
    return outs.map((cs, i) => {
      if (cs.length === 0) return 0;
      let ok = 0;
      for (const c of cs) if (gradeAnswer(extractAnswer(c), problems[i].answer)) ok++;
      return ok / cs.length;
    });
  };
}
