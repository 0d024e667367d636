/**
 * The verdict on a claim from an interval: *supported* when the interval excludes the null value
 * in the claimed direction, *contradicted* when it excludes it in the other, *inconclusive*
 * otherwise.
 *
 * @module
 */
import type { Interval } from "./bootstrap.ts";

/** A claim's verdict. */
export type Verdict = "supported" | "contradicted" | "inconclusive";

/**
 * The verdict for a claim that the statistic is `direction` than `nullValue` (0 for a
 * difference, 1 for a ratio).
 */
export function verdict(
  interval: Pick<Interval, "lo" | "hi">,
  direction: "greater" | "less",
  nullValue = 0,
): Verdict {
  const { lo, hi } = interval;
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return "inconclusive";
  const above = lo > nullValue;
  const below = hi < nullValue;
  if (direction === "greater") return above ? "supported" : below ? "contradicted" : "inconclusive";
  return below ? "supported" : above ? "contradicted" : "inconclusive";
}
