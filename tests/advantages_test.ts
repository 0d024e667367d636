import { equal, throws } from "node:assert/strict";
import { groupAdvantages, rewardGroupStats } from "../lib/train/advantages.ts";

function near(actual: number, expected: number, tol = 1e-6, msg = "") {
  if (!(Math.abs(actual - expected) <= tol)) {
    throw new Error(`${msg} ${actual} != ${expected} ± ${tol}`);
  }
}

function close(actual: number[], expected: number[], tol = 1e-6) {
  equal(actual.length, expected.length);
  actual.forEach((a, i) => near(a, expected[i], tol, `index ${i}:`));
}

Deno.test("groupAdvantages: group std (sample, n-1) + eps, per group", () => {
  // group 0: [1,0,0,0] mean .25, sample std sqrt(.75/3) = .5 → .75/.5001, −.25/.5001
  // group 1: [1,1,0,0] mean .5, sample std sqrt(1/3) = .577350 → ±.5/.577450
  const a = groupAdvantages([1, 0, 0, 0, 1, 1, 0, 0], { num_generations: 4 });
  close(a, [
    1.4997000600,
    -0.4999000200,
    -0.4999000200,
    -0.4999000200,
    0.8658758,
    0.8658758,
    -0.8658758,
    -0.8658758,
  ]);
});

Deno.test("groupAdvantages: equal rewards in a group give zero advantage", () => {
  close(groupAdvantages([1, 1, 0.5, 0.5], { num_generations: 2 }), [0, 0, 0, 0]);
});

Deno.test("groupAdvantages: scale_rewards none (Dr. GRPO) only centers", () => {
  close(groupAdvantages([1, 0, 0, 0, 2, 0], { num_generations: 3, scale_rewards: "none" }), [
    2 / 3,
    -1 / 3,
    -1 / 3,
    -2 / 3,
    4 / 3,
    -2 / 3,
  ]);
});

Deno.test("groupAdvantages: scale_rewards batch divides by the batch std", () => {
  // rewards [1,0,0,0]: batch std .5; groups of 2: [1,0] mean .5, [0,0] mean 0
  close(groupAdvantages([1, 0, 0, 0], { num_generations: 2, scale_rewards: "batch", eps: 0 }), [
    1,
    -1,
    0,
    0,
  ]);
});

Deno.test("groupAdvantages: custom eps and layout errors", () => {
  close(groupAdvantages([2, 0], { num_generations: 2, eps: 0 }), [0.7071068, -0.7071068]);
  throws(() => groupAdvantages([1, 2, 3], { num_generations: 2 }), RangeError);
  throws(() => groupAdvantages([], { num_generations: 2 }), RangeError);
  throws(() => groupAdvantages([1, 2], { num_generations: 0 }), RangeError);
});

Deno.test("rewardGroupStats", () => {
  const s = rewardGroupStats([1, 0, 0, 0, 1, 1, 1, 1], 4);
  near(s.reward_mean, 5 / 8);
  near(s.reward_std, 0.25); // (0.5 + 0) / 2
  equal(s.frac_reward_zero_std, 0.5);
});

Deno.test("a group equal up to float rounding has no signal: zero std, advantages exactly 0", () => {
  // Eight rewards of 0.2 (e.g. format 1 × 0.2, all wrong): their sample std is ~3e-17, not 0.
  const flat = Array.from({ length: 8 }, () => 0.2);
  const withSignal = [1.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2];
  const stats = rewardGroupStats([...flat, ...withSignal], 8);
  equal(stats.frac_reward_zero_std, 0.5);
  for (const scale_rewards of ["group", "batch", "none"] as const) {
    const a = groupAdvantages([...flat, ...withSignal], { num_generations: 8, scale_rewards });
    equal(a.slice(0, 8).every((x) => x === 0), true, `${scale_rewards}: ${a.slice(0, 8)}`);
    equal(a.slice(8).some((x) => x !== 0), true);
  }
});
