import { deepEqual, equal, match } from "node:assert/strict";
import {
  accuracyByLevelSpec,
  type CurveRow,
  curveRows,
  learningCurveSpec,
  lengthCurveSpec,
  rewardCurveSpec,
  vegaLiteMimeBundle,
} from "../lib/report/charts.ts";
import { renderSvg, writeSvg } from "../lib/report/svg.ts";
import type { RunSummary } from "../lib/report/run_summary.ts";

const ROWS: CurveRow[] = [
  ...curveRows("zero_grpo", 1, [
    { step: 1, reward: 0.1, completion_length: 100 },
    { step: 2, reward: 0.3, completion_length: 90 },
    { step: 3, reward: 0.5, completion_length: 80 },
  ]),
  ...curveRows("zero_grpo", 2, [
    { step: 1, reward: 0.3, completion_length: 110 },
    { step: 2, reward: 0.5, completion_length: 95 },
    { step: 3, reward: NaN }, // skipped step: ignored
  ]),
  ...curveRows("grpo_kl", 1, [{ step: 1, reward: 0.2 }, { step: 2, reward: 0.25 }]),
];

const RUNS: RunSummary[] = [
  { variant: "base", seed: 0, pass_at_1: 0.2, accuracy_by_level: { 1: 0.5, 2: 0.2 } },
  { variant: "zero_grpo", seed: 1, pass_at_1: 0.4, accuracy_by_level: { 1: 0.8, 2: 0.4 } },
  { variant: "zero_grpo", seed: 2, pass_at_1: 0.5, accuracy_by_level: { 1: 0.9, 2: 0.6 } },
];

// deno-lint-ignore no-explicit-any
const dataOf = (spec: any) => spec.data.values as Record<string, unknown>[];

Deno.test("learningCurveSpec band mode: per-step mean and min–max over seeds", () => {
  const spec = rewardCurveSpec(ROWS);
  const z = dataOf(spec).filter((v) => v.variant === "zero_grpo");
  // step 1: seeds 0.1, 0.3 → mean 0.2, band [0.1, 0.3]; step 3: only seed 1 (NaN dropped)
  deepEqual(z.map((v) => v.step), [1, 2, 3]);
  const s1 = z[0];
  equal(Math.abs((s1.mean as number) - 0.2) < 1e-12, true);
  equal(s1.lo, 0.1);
  equal(s1.hi, 0.3);
  equal(z[2].n, 1);
  equal(z[2].mean, 0.5);
});

Deno.test("learningCurveSpec smoothing: trailing moving average per seed", () => {
  const spec = learningCurveSpec(ROWS, { metric: "reward", mode: "seeds", smooth: 2 });
  const seed1 = dataOf(spec).filter((v) => v.variant === "zero_grpo" && v.seed === 1);
  // [0.1, 0.3, 0.5] with window 2 → [0.1, 0.2, 0.4]
  const got = seed1.map((v) => Math.round((v.value as number) * 1e9) / 1e9);
  deepEqual(got, [0.1, 0.2, 0.4]);
});

Deno.test("renderSvg: learning curve SVG has line + area marks, title and legend labels", async () => {
  const svg = await renderSvg(rewardCurveSpec(ROWS));
  match(svg, /^<svg[^>]+xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  match(svg, /class="mark-line role-mark/);
  match(svg, /class="mark-area role-mark/);
  match(svg, />Reward</);
  match(svg, />zero_grpo</);
  match(svg, />grpo_kl</);
  match(svg, />Step</);
});

Deno.test("renderSvg: per-seed lines and response length chart", async () => {
  const svg = await renderSvg(lengthCurveSpec(ROWS, { mode: "seeds" }));
  match(svg, /class="mark-line role-mark/);
  match(svg, />Response length</);
});

Deno.test("accuracyByLevelSpec: grouped bars with CI rules; SVG rendered", async () => {
  const spec = accuracyByLevelSpec(RUNS);
  const z2 = dataOf(spec).find((v) => v.variant === "zero_grpo" && v.level === "L2")!;
  // [0.4, 0.6]: mean 0.5, CI = 12.7062·0.1414214/√2 = 1.27062 → clamped to [0, 1]
  equal(Math.abs((z2.accuracy as number) - 0.5) < 1e-12, true);
  equal(z2.lo, 0);
  equal(z2.hi, 1);
  const b1 = dataOf(spec).find((v) => v.variant === "base" && v.level === "L1")!;
  equal(b1.lo, null); // one seed: no error bar
  const svg = await renderSvg(spec);
  match(svg, /class="mark-rect role-mark/);
  match(svg, /class="mark-rule role-mark/);
  match(svg, />L1</);
  match(svg, />Difficulty level</);
  match(svg, />base</);
});

Deno.test("writeSvg writes a file; vegaLiteMimeBundle tags the version", async () => {
  const dir = await Deno.makeTempDir();
  await writeSvg(`${dir}/reward.svg`, rewardCurveSpec(ROWS));
  match(await Deno.readTextFile(`${dir}/reward.svg`), /<\/svg>$/);
  await Deno.remove(dir, { recursive: true });
  const spec = rewardCurveSpec(ROWS);
  const b = vegaLiteMimeBundle(spec, { svg: "<svg/>" });
  // deno-lint-ignore no-explicit-any
  const v5 = b["application/vnd.vegalite.v5+json"] as any;
  equal(v5.$schema, "https://vega.github.io/schema/vega-lite/v5.json");
  equal(b["image/svg+xml"], "<svg/>");
  equal("application/vnd.vegalite.v6+json" in vegaLiteMimeBundle(spec, { version: 6 }), true);
});
