/**
 * Small-sample statistics over seeds: mean, sample std, and the 95% confidence
 * half-width of the mean from Student's t distribution.
 *
 * Non-finite values (NaN, ±Infinity) and `null`/`undefined` are ignored, so a
 * metric missing from some runs still aggregates over the runs that have it.
 *
 * @module
 */

/** Summary of one metric over seeds. */
export interface SeedStats {
  /** Number of finite values used. */
  n: number;
  /** Mean (NaN when n = 0). */
  mean: number;
  /** Sample standard deviation, n − 1 denominator (NaN when n < 2). */
  std: number;
  /** 95% CI half-width `t(0.975, n − 1)·std/√n` (NaN when n < 2). */
  ci95: number;
}

/** Mean, sample std and 95% CI half-width of the finite values in `values`. */
export function summarize(values: readonly (number | null | undefined)[]): SeedStats {
  const xs = finite(values);
  const n = xs.length;
  const m = mean(xs);
  const s = sampleStd(xs);
  return { n, mean: m, std: s, ci95: n < 2 ? NaN : tQuantile975(n - 1) * s / Math.sqrt(n) };
}

/** Arithmetic mean of the finite values (NaN if there are none). */
export function mean(values: readonly (number | null | undefined)[]): number {
  const xs = finite(values);
  if (xs.length === 0) return NaN;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Sample standard deviation (n − 1) of the finite values (NaN if fewer than 2). */
export function sampleStd(values: readonly (number | null | undefined)[]): number {
  const xs = finite(values);
  if (xs.length < 2) return NaN;
  const m = mean(xs);
  let ss = 0;
  for (const x of xs) ss += (x - m) ** 2;
  return Math.sqrt(ss / (xs.length - 1));
}

/** 95% CI half-width of the mean (NaN if fewer than 2 finite values). */
export function ci95HalfWidth(values: readonly (number | null | undefined)[]): number {
  return summarize(values).ci95;
}

// t(0.975, df) for df = 1..30 (scipy.stats.t.ppf, 4 decimals).
const T975 = [
  12.7062,
  4.3027,
  3.1824,
  2.7764,
  2.5706,
  2.4469,
  2.3646,
  2.306,
  2.2622,
  2.2281,
  2.201,
  2.1788,
  2.1604,
  2.1448,
  2.1314,
  2.1199,
  2.1098,
  2.1009,
  2.093,
  2.086,
  2.0796,
  2.0739,
  2.0687,
  2.0639,
  2.0595,
  2.0555,
  2.0518,
  2.0484,
  2.0452,
  2.0423,
];
// Beyond 30: anchors, interpolated linearly in 1/df (exact at the anchors, ~1e-4 between).
const T975_TAIL: [number, number][] = [[30, 2.0423], [40, 2.0211], [60, 2.0003], [120, 1.9799], [
  Infinity,
  1.96,
]];

/**
 * The 0.975 quantile of Student's t with `df` degrees of freedom (two-sided
 * 95%). Exact table for df ≤ 30; interpolated in 1/df above. NaN for df < 1.
 */
export function tQuantile975(df: number): number {
  if (!(df >= 1)) return NaN;
  const d = Math.floor(df);
  if (d <= 30) return T975[d - 1];
  for (let i = 1; i < T975_TAIL.length; i++) {
    const [d1, t1] = T975_TAIL[i];
    if (d <= d1) {
      const [d0, t0] = T975_TAIL[i - 1];
      const f = (1 / d0 - 1 / d) / (1 / d0 - 1 / d1);
      return t0 + f * (t1 - t0);
    }
  }
  return 1.96;
}

/** Options for {@linkcode formatMeanCi}. */
export interface FormatOptions {
  /** Digits after the decimal point (default 1 for percent, 3 otherwise). */
  digits?: number;
  /** Multiply by 100 (values are fractions in 0..1). Default `false`. */
  percent?: boolean;
}

/** Placeholder shown for undefined quantities (n = 1 CI, missing metric). */
export const MISSING = "–";

/** `"41.2 ± 3.1"`; an undefined CI (n = 1) shows as `"41.2 ± –"`, an undefined mean as `"–"`. */
export function formatMeanCi(
  mean: number | null | undefined,
  ci: number | null | undefined,
  options: FormatOptions = {},
): string {
  if (typeof mean !== "number" || !Number.isFinite(mean)) return MISSING;
  return `${formatNumber(mean, options)} ± ${formatNumber(ci, options)}`;
}

/** A number with fixed digits (×100 when `percent`), or `"–"` when not finite. */
export function formatNumber(x: number | null | undefined, options: FormatOptions = {}): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return MISSING;
  const digits = options.digits ?? (options.percent ? 1 : 3);
  return (options.percent ? 100 * x : x).toFixed(digits);
}

function finite(values: readonly (number | null | undefined)[]): number[] {
  return values.filter((x): x is number => typeof x === "number" && Number.isFinite(x));
}
