/**
 * Weighted sums of reward components, with per-component breakdowns for logging.
 *
 * @module
 */
import type {
  ProblemLike,
  Reward,
  RewardBreakdown,
  RewardComponent,
  RewardContext,
} from "./types.ts";
import { checkBatch } from "./types.ts";

/**
 * Combines components into one {@link Reward}: calling it returns `Σ weight · component`;
 * `.breakdown()` also returns each component's unweighted scores.
 *
 * @example
 * ```ts
 * const r = combineRewards("mine", [
 *   { name: "correctness", weight: 1, fn: correctnessReward },
 *   { name: "format", weight: 0.2, fn: formatReward },
 * ]);
 * r.breakdown(completions, problems).components.format;
 * ```
 */
export function combineRewards(name: string, components: readonly RewardComponent[]): Reward {
  const names = new Set<string>();
  for (const c of components) {
    if (names.has(c.name)) throw new RangeError(`duplicate reward component ${c.name}`);
    if (!Number.isFinite(c.weight)) throw new RangeError(`weight of ${c.name} is not finite`);
    names.add(c.name);
  }
  const parts = components.map((c) => ({ ...c }));
  const breakdown = (
    completions: readonly string[],
    problems: readonly ProblemLike[],
    ctx?: RewardContext,
  ): RewardBreakdown => {
    checkBatch(completions, problems, ctx);
    const total = new Array<number>(completions.length).fill(0);
    const comps: Record<string, number[]> = {};
    const weights: Record<string, number> = {};
    for (const c of parts) {
      const scores = c.fn(completions, problems, ctx);
      if (scores.length !== completions.length) {
        throw new RangeError(`reward component ${c.name} returned ${scores.length} scores`);
      }
      comps[c.name] = scores;
      weights[c.name] = c.weight;
      for (let i = 0; i < total.length; i++) total[i] += c.weight * scores[i];
    }
    return { total, components: comps, weights };
  };
  const fn = (
    completions: readonly string[],
    problems: readonly ProblemLike[],
    ctx?: RewardContext,
  ) => breakdown(completions, problems, ctx).total;
  return Object.assign(fn, { rewardName: name, components: parts, breakdown });
}
