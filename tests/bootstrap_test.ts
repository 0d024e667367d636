import { assert, assertEquals } from "./_assert.ts";
import {
  bootstrap,
  meanOf,
  quantileSorted,
  type ScoreMatrix,
  stdOf,
} from "../lib/stats/bootstrap.ts";
import { verdict } from "../lib/stats/verdict.ts";
import { createRng, type Rng } from "../lib/data/rng.ts";

const diff = (m: number[][]) => meanOf(m[0]) - meanOf(m[1]);

/**
 * A synthetic experiment: `problems` problems of varied difficulty, `seeds` runs per arm; arm
 * accuracy on a problem = its difficulty + the arm's true effect + a seed effect, and each score
 * is the mean of k Bernoulli samples — the structure of a real evaluation.
 */
function experiment(rng: Rng, effect: number, seeds = 5, problems = 200, k = 2): ScoreMatrix[] {
  const difficulty = Array.from({ length: problems }, () => 0.15 + 0.5 * rng.next());
  const arm = (shift: number) =>
    Array.from({ length: seeds }, () => {
      const seedEffect = (rng.next() - 0.5) * 0.06;
      return difficulty.map((d) => {
        const p = Math.min(1, Math.max(0, d + shift + seedEffect));
        let c = 0;
        for (let j = 0; j < k; j++) c += rng.next() < p ? 1 : 0;
        return c / k;
      });
    });
  return [arm(effect), arm(0)];
}

Deno.test("bootstrap: estimate is the observed statistic; the interval brackets it", () => {
  const a = [[1, 0, 1, 1], [1, 1, 0, 1]];
  const b = [[0, 0, 1, 0], [1, 0, 0, 0]];
  const r = bootstrap([a, b], diff, { seed: 1, resamples: 500 });
  assertEquals(r.estimate, 0.75 - 0.25);
  assert(r.lo <= r.estimate && r.estimate <= r.hi, JSON.stringify(r));
  assertEquals(r.resamples, 500);
  // Same seed, same interval.
  assertEquals(bootstrap([a, b], diff, { seed: 1, resamples: 500 }), r);
});

Deno.test("bootstrap: refuses arms of different shapes, naming the arm", () => {
  let msg = "";
  try {
    bootstrap([[[1, 0]], [[1, 0], [0, 1]]], diff, { seed: 1 });
  } catch (e) {
    msg = (e as Error).message;
  }
  assertEquals(msg, "bootstrap: arm 1 has 2 seeds, arm 0 has 1");
});

Deno.test("bootstrap verdicts: a true difference is found, a null one is not (at the stated rate)", () => {
  const rng = createRng(2024);
  const reps = 150;
  const count = (effect: number) => {
    const tally = { supported: 0, contradicted: 0, inconclusive: 0 };
    for (let r = 0; r < reps; r++) {
      const arms = experiment(rng, effect);
      tally[verdict(bootstrap(arms, diff, { seed: r, resamples: 400 }), "greater")]++;
    }
    return tally;
  };
  const none = count(0);
  // 95 % two-sided: each wrong verdict about 2.5 % of the time; allow sampling slack.
  assert(none.supported / reps <= 0.08, `null found "supported" ${none.supported}/${reps}`);
  assert(
    none.contradicted / reps <= 0.08,
    `null found "contradicted" ${none.contradicted}/${reps}`,
  );
  const real = count(0.1);
  assert(
    real.supported / reps >= 0.9,
    `a +10-point effect found in only ${real.supported}/${reps}`,
  );
  assertEquals(real.contradicted, 0);
  const reverse = count(-0.1);
  assert(reverse.contradicted / reps >= 0.9, `a −10-point effect: ${JSON.stringify(reverse)}`);
});

Deno.test("bootstrap: seed noise widens the interval (seeds are resampled, not only problems)", () => {
  const rng = createRng(7);
  const problems = 300;
  const base = Array.from({ length: problems }, () => (rng.next() < 0.4 ? 1 : 0));
  // Identical per-problem pattern, but each seed shifted by a large seed effect on 10 % of items.
  const noisy = [0, 1, 2, 3, 4].map((s) =>
    base.map((x, i) => (i % 10 === 0 ? (s % 2 === 0 ? 1 : 0) : x))
  );
  const quiet = [0, 1, 2, 3, 4].map(() => base.map((x, i) => (i % 10 === 0 ? 0.5 : x)));
  const ref = [0, 1, 2, 3, 4].map(() => base);
  const wNoisy = bootstrap([noisy, ref], diff, { seed: 3, resamples: 1000 });
  const wQuiet = bootstrap([quiet, ref], diff, { seed: 3, resamples: 1000 });
  assert(wNoisy.hi - wNoisy.lo > wQuiet.hi - wQuiet.lo, `${JSON.stringify([wNoisy, wQuiet])}`);
});

Deno.test("verdict: direction and null value", () => {
  assertEquals(verdict({ lo: 0.01, hi: 0.2 }, "greater"), "supported");
  assertEquals(verdict({ lo: -0.2, hi: -0.01 }, "greater"), "contradicted");
  assertEquals(verdict({ lo: -0.1, hi: 0.1 }, "greater"), "inconclusive");
  assertEquals(verdict({ lo: -0.2, hi: -0.01 }, "less"), "supported");
  assertEquals(verdict({ lo: 1.2, hi: 3.1 }, "greater", 1), "supported");
  assertEquals(verdict({ lo: 0.8, hi: 3.1 }, "greater", 1), "inconclusive");
  assertEquals(verdict({ lo: NaN, hi: 1 }, "greater"), "inconclusive");
});

Deno.test("quantileSorted, meanOf, stdOf", () => {
  assertEquals(quantileSorted([1, 2, 3, 4, 5], 0.5), 3);
  assertEquals(quantileSorted([1, 2], 0.25), 1.25);
  assertEquals(meanOf([1, 2, 3]), 2);
  assertEquals(stdOf([2, 4, 4, 4, 5, 5, 7, 9]), Math.sqrt(32 / 7));
});
