import { assert, assertEquals, assertThrows } from "./_assert.ts";
import {
  combineRewards,
  correctnessReward,
  DAPO_OVERLONG,
  formatReward,
  isWellFormatted,
  lengthPenalty,
  MILD_LENGTH,
  overlongPenalty,
  REWARD_PRESET_NAMES,
  REWARD_PRESETS,
  rewardPreset,
  STRONG_LENGTH,
} from "../lib/reward/mod.ts";
import { generateProblem } from "../lib/data/minimath.ts";
import { createRng } from "../lib/data/rng.ts";

const P = (answer: string) => ({ answer });

Deno.test("correctnessReward: grader on the last boxed answer, fallback, batch shape", () => {
  const completions = [
    "<think>7*8=56. 56+5=61.</think>\\boxed{61}",
    "<think>7*8=56.</think>\\boxed{56}",
    "<think>x</think>\\boxed{\\frac{6}{4}}",
    "no think, but \\boxed{1.5}",
    "The answer is 61.",
    "<think>\\boxed{60}</think>\\boxed{61}",
    "",
    "\\boxed{61",
  ];
  const problems = [
    P("61"),
    P("61"),
    P("\\frac32"),
    P("\\frac32"),
    P("61"),
    P("61"),
    P("61"),
    P("61"),
  ];
  assertEquals(correctnessReward(completions, problems), [1, 0, 1, 1, 1, 1, 0, 0]);
  assertThrows(() => correctnessReward(["a"], []), RangeError);
  assertThrows(() => correctnessReward(["a"], [P("1")], { lengths: [1, 2] }), RangeError);
  assertEquals(correctnessReward([], []), []);
});

Deno.test("formatReward: <think>…</think> then \\boxed{}", () => {
  const cases: [string, number][] = [
    ["<think>3+4=7.</think>\\boxed{7}", 1],
    ["  <think>3+4=7.</think>\nSo \\boxed{7}.", 1],
    ["<think>3+4=7.</think>", 0],
    ["<think></think>\\boxed{7}", 0],
    ["<think>3+4=7.\\boxed{7}", 0],
    ["\\boxed{7}", 0],
    ["hi <think>a</think>\\boxed{7}", 0],
    ["<think>a</think>\\boxed{7}</think>", 0],
    ["<think>a</think>\\boxed{}", 0],
    ["<think>a</think>\\boxed 7", 0],
    ["<think>a</think>\\boxed{7", 0],
  ];
  assertEquals(
    formatReward(cases.map((c) => c[0]), cases.map(() => P("7"))),
    cases.map((c) => c[1]),
  );
  assert(isWellFormatted("<think>a</think>\\boxed{1}"));
  // Every MiniMath worked solution is well formatted and correct.
  const rng = createRng(1);
  const ps = Array.from(
    { length: 200 },
    (_, k) => generateProblem(rng, ((k % 5) + 1) as 1).problem,
  );
  const sols = ps.map((p) => p.solution);
  assert(formatReward(sols, ps).every((x) => x === 1));
  assert(correctnessReward(sols, ps).every((x) => x === 1));
});

Deno.test("lengthPenalty: 0 up to start·budget, linear to −1 at the budget; the budget from ctx", () => {
  const f = lengthPenalty({ start: 0.5 });
  const lengths = [50, 100, 150, 200, 250];
  const comps = lengths.map(() => "");
  const ps = comps.map(() => P("1"));
  assertEquals(f(comps, ps, { lengths, maxLength: 200 }), [0, 0, -0.5, -1, -1]);
  // The same lengths under a budget twice as large: half the penalty, starting later.
  assertEquals(f(comps, ps, { lengths, maxLength: 400 }), [0, 0, 0, 0, -0.25]);
  // start 0: from the first token; string lengths when ctx has none; the options' fallback budget.
  const g = lengthPenalty({ start: 0, maxLength: 100 });
  assertEquals(g(["x".repeat(25), "x".repeat(100)], [P("1"), P("1")]), [-0.25, -1]);
  assertThrows(() => f(["a"], [P("1")]), RangeError); // no budget
  assertThrows(() => lengthPenalty({ start: 1 }), RangeError);
  assertThrows(() => lengthPenalty({ start: -0.1 }), RangeError);
});

Deno.test("length penalties at the lengths runs produce (budget 160): mild and strong discriminate", () => {
  const lengths = [50, 100, 140, 160];
  const weighted = (preset: string, name: string) => {
    const b = rewardPreset(preset).breakdown(lengths.map(() => ""), lengths.map(() => P("1")), {
      lengths,
      maxLength: 160,
    });
    return b.components[name].map((x) => Math.round(b.weights[name] * x * 1000) / 1000);
  };
  // The mild penalty used to reach only −0.025 at the budget (target 128 tokens, 1/128 per token).
  assertEquals(weighted("seed", "length_mild"), [0, -0.025, -0.075, -0.1]);
  assertEquals(weighted("strong_length", "length_strong"), [-0.042, -0.25, -0.417, -0.5]);
  assertEquals(weighted("dapo_overlong", "overlong"), [0, 0, -0.583, -1]);
  assertEquals(MILD_LENGTH, { start: 0.5, weight: 0.1 });
  assertEquals(STRONG_LENGTH, { start: 0.25, weight: 0.5 });
});

Deno.test("overlongPenalty: DAPO soft punishment", () => {
  const f = overlongPenalty({ maxLength: 100, cache: 20 });
  const lens = [10, 80, 85, 90, 100, 101, 500];
  const comps = lens.map(() => "");
  const ps = lens.map(() => P("1"));
  assertEquals(f(comps, ps, { lengths: lens }), [0, 0, -0.25, -0.5, -1, -1, -1]);
  // ctx.maxLength overrides L_max.
  assertEquals(f(["", ""], [P("1"), P("1")], { lengths: [130, 140], maxLength: 150 }), [0, -0.5]);
  // String length is the default.
  assertEquals(f(["x".repeat(90)], [P("1")]), [-0.5]);
  assertThrows(() => overlongPenalty({ maxLength: 10, cache: 20 }), RangeError);
  assertEquals(DAPO_OVERLONG, { maxLength: 192, cache: 48 });
});

Deno.test("combineRewards: weighted total and unweighted breakdown", () => {
  const r = combineRewards("t", [
    { name: "correctness", weight: 1, fn: correctnessReward },
    { name: "format", weight: 0.2, fn: formatReward },
  ]);
  const comps = ["<think>a</think>\\boxed{2}", "<think>a</think>\\boxed{3}", "2"];
  const ps = [P("2"), P("2"), P("2")];
  const b = r.breakdown(comps, ps);
  assertEquals(b.components, { correctness: [1, 0, 0], format: [1, 1, 0] });
  assertEquals(b.weights, { correctness: 1, format: 0.2 });
  assertEquals(b.total, [1.2, 0.2, 0]);
  assertEquals(r(comps, ps), b.total);
  assertEquals(r.rewardName, "t");
  assertThrows(
    () =>
      combineRewards("x", [{ name: "a", weight: 1, fn: formatReward }, {
        name: "a",
        weight: 1,
        fn: formatReward,
      }]),
    RangeError,
  );
  assertThrows(
    () => combineRewards("x", [{ name: "a", weight: NaN, fn: formatReward }]),
    RangeError,
  );
  const bad = combineRewards("x", [{ name: "a", weight: 1, fn: () => [1] }]);
  assertThrows(() => bad(["a", "b"], [P("1"), P("1")]), RangeError);
});

Deno.test("presets: names, components, weights, totals", () => {
  assertEquals(REWARD_PRESET_NAMES.sort(), [
    "correctness_only",
    "dapo_overlong",
    "no_length",
    "seed",
    "strong_length",
  ]);
  const names = (n: string) => REWARD_PRESETS[n as "seed"].map((c) => `${c.name}:${c.weight}`);
  assertEquals(names("seed"), ["correctness:1", "format:0.2", "length_mild:0.1"]);
  assertEquals(names("no_length"), ["correctness:1", "format:0.2"]);
  assertEquals(names("strong_length"), ["correctness:1", "format:0.2", "length_strong:0.5"]);
  assertEquals(names("correctness_only"), ["correctness:1"]);
  assertEquals(names("dapo_overlong"), ["correctness:1", "format:0.2", "overlong:1"]);
  assertThrows(() => rewardPreset("nope"), RangeError);

  const good = "<think>2+2=4.</think>\\boxed{4}";
  const long = "<think>" + "2+2=4. ".repeat(40) + "</think>\\boxed{4}"; // 297 chars
  const wrong = "<think>2+2=5.</think>\\boxed{5}";
  const comps = [good, long, wrong, "4"];
  const ps = comps.map(() => P("4"));
  const close = (a: number[], b: number[]) =>
    assert(a.every((x, i) => Math.abs(x - b[i]) < 1e-9), `${a} vs ${b}`);
  const ctx = { maxLength: 160 }; // the budget: `long` is past it, `good` (30 chars) well within
  close(rewardPreset("seed")(comps, ps, ctx), [1.2, 1.2 - 0.1, 0.2, 0]);
  close(rewardPreset("no_length")(comps, ps, ctx), [1.2, 1.2, 0.2, 0]);
  close(rewardPreset("strong_length")(comps, ps, ctx), [1.2, 1.2 - 0.5, 0.2, 0]);
  close(rewardPreset("correctness_only")(comps, ps, ctx), [1, 1, 0, 0]); // a bare "4": no answer
  close(rewardPreset("dapo_overlong")(comps, ps, ctx), [1.2, 1.2 - 1, 0.2, 0]);
  // Token lengths from ctx: the mild penalty halfway between L/2 and L.
  close(rewardPreset("seed")([good], [P("4")], { lengths: [120], maxLength: 160 }), [1.2 - 0.05]);
  const b = rewardPreset("seed").breakdown(comps, ps, ctx);
  assertEquals(Object.keys(b.components), ["correctness", "format", "length_mild"]);
});
