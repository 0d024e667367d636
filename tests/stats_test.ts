import { equal } from "node:assert/strict";
import {
  ci95HalfWidth,
  formatMeanCi,
  formatNumber,
  mean,
  sampleStd,
  summarize,
  tQuantile975,
} from "../lib/report/stats.ts";

function near(actual: number, expected: number, tol = 1e-4) {
  if (!(Math.abs(actual - expected) <= tol)) throw new Error(`${actual} != ${expected} ± ${tol}`);
}

Deno.test("mean / sample std / 95% CI over 3 seeds", () => {
  // [0.40, 0.45, 0.50]: mean 0.45, sample std 0.05, CI = t(0.975, 2)·0.05/√3 = 4.3027·0.0288675
  const xs = [0.4, 0.45, 0.5];
  near(mean(xs), 0.45, 1e-12);
  near(sampleStd(xs), 0.05, 1e-12);
  near(ci95HalfWidth(xs), 0.1242083);
  const s = summarize([0.4, null, 0.45, NaN, 0.5, undefined]);
  equal(s.n, 3);
  near(s.ci95, 0.1242083);
});

Deno.test("n = 2: t(0.975, 1) = 12.706; n = 1 and n = 0 give NaN where undefined", () => {
  // [1, 3]: mean 2, std √2, CI = 12.7062·√2/√2 = 12.7062
  near(ci95HalfWidth([1, 3]), 12.7062);
  const one = summarize([0.7]);
  equal(one.n, 1);
  equal(one.mean, 0.7);
  equal(Number.isNaN(one.std), true);
  equal(Number.isNaN(one.ci95), true);
  equal(Number.isNaN(summarize([]).mean), true);
});

Deno.test("tQuantile975: table and tail interpolation", () => {
  near(tQuantile975(1), 12.7062);
  near(tQuantile975(4), 2.7764);
  near(tQuantile975(30), 2.0423);
  near(tQuantile975(40), 2.0211);
  near(tQuantile975(50), 2.0086, 2e-3); // exact 2.0086
  near(tQuantile975(1e9), 1.96, 1e-3);
  equal(Number.isNaN(tQuantile975(0)), true);
});

Deno.test("formatting: n = 1 CI shows as –", () => {
  equal(formatMeanCi(0.4123, 0.031, { percent: true }), "41.2 ± 3.1");
  equal(formatMeanCi(0.7, NaN, { percent: true }), "70.0 ± –");
  equal(formatMeanCi(NaN, NaN), "–");
  equal(formatNumber(87.345, { digits: 1 }), "87.3");
  equal(formatNumber(null), "–");
});
