import { assert, assertEquals, assertThrows } from "./_assert.ts";
import {
  CHAINS_LIMITS,
  createRng,
  formatSolution,
  generateProblem,
  hashString,
  isHeldOut,
  LEVELS,
  MINIMATH_SUBJECTS,
  miniMathHeldOut,
  miniMathLimits,
  miniMathTrainPool,
  miniMathTrainStream,
  parseMiniMathVersion,
  toJsonl,
} from "../lib/data/mod.ts";
import { extractBoxed, parseThink } from "../lib/grade/mod.ts";
import { corpusStream } from "../lib/pretrain/corpus.ts";
import { baseMiniMathVersion } from "../lib/model/bases.ts";
import { miniMathCli } from "../bin/minimath.ts";

/** One v2 step: a running value (0–99) and one digit, or a times-table fact; `x=` on the last. */
const STEP = /^(x=)?(\d+)([+\-*])(\d)=(\d+)\.$/;

Deno.test("v2: every subject × level — level = number of steps, each one easy, correct step", () => {
  const rng = createRng(7);
  for (const subject of MINIMATH_SUBJECTS) {
    for (const level of LEVELS) {
      for (let k = 0; k < 300; k++) {
        const { problem: p, steps } = generateProblem(rng, level, subject, "v2");
        const where = `${subject} L${level}: ${p.problem} ${p.solution}`;
        assertEquals(steps.length, level, where);
        assert(p.problem.length <= CHAINS_LIMITS.problem, `problem too long: ${where}`);
        assert(p.solution.length <= CHAINS_LIMITS.solution, `solution too long: ${where}`);
        assertEquals(p.solution, formatSolution(steps, p.answer));
        assertEquals(parseThink(p.solution).rest, `\\boxed{${p.answer}}`);
        assertEquals(extractBoxed(p.solution), p.answer);
        for (const [i, s] of steps.entries()) {
          const m = STEP.exec(s);
          assert(m, `not one easy step: "${s}" in ${where}`);
          const [a, op, b, c] = [Number(m[2]), m[3], Number(m[4]), Number(m[5])];
          assertEquals(op === "+" ? a + b : op === "-" ? a - b : a * b, c, where);
          assert(a <= 99 && c >= 0 && c <= 99, `value out of range: ${where}`);
          if (op === "*") {
            assert(i === 0 && a <= 9, `a product must be a times-table fact: ${where}`);
          }
          // each step starts from the previous result (the chain)
          if (i > 0 && op !== "*") {
            const prev = Number(STEP.exec(steps[i - 1])![5]);
            assertEquals(a, prev, `step ${i} does not continue the chain: ${where}`);
          }
          assertEquals(m[1] !== undefined, subject === "Linear Equations" && i === level - 1);
        }
        assertEquals(independentAnswer(p.problem), p.answer, where);
      }
    }
  }
});

/** The answer computed from the problem text alone. */
function independentAnswer(text: string): string {
  let m: RegExpExecArray | null;
  if ((m = /^What is ([\d+\-*]+)\?$/.exec(text))) {
    return String(Function(`"use strict"; return (${m[1]});`)());
  }
  if ((m = /^Solve for x: x([\d+\-]+)=(\d+)\.$/.exec(text))) {
    return String(Number(m[2]) - Function(`"use strict"; return (${m[1]});`)());
  }
  if ((m = /^What is the sum of the digits of (\d+)\?$/.exec(text))) {
    return String([...m[1]].reduce((s, d) => s + Number(d), 0));
  }
  if ((m = /^What is ((?:[+-]?\\frac\{\d+\}\{\d+\})+)\?$/.exec(text))) {
    const terms = [...m[1].matchAll(/([+-]?)\\frac\{(\d+)\}\{(\d+)\}/g)];
    const d = terms[0][3];
    assert(terms.every((t) => t[3] === d), `one denominator: ${text}`);
    const n = terms.reduce((s, t) => s + (t[1] === "-" ? -1 : 1) * Number(t[2]), 0);
    return `\\frac{${n}}{${d}}`;
  }
  if ((m = /^A \w+ has (.+) (\w+)\. How many (\w+)\?$/.exec(text))) {
    assertEquals(m[2], m[3]);
    return String([...m[1].matchAll(/(\d+) \w+/g)].reduce((s, g) => s + Number(g[1]), 0));
  }
  throw new Error(`unrecognized v2 problem: ${text}`);
}

Deno.test("v2: held-out MiniMath-500 — 100 per level, 20 per subject, pinned, its own", () => {
  const h = miniMathHeldOut("v2");
  assertEquals(h.length, 500);
  assertEquals(new Set(h.map((p) => p.problem)).size, 500);
  for (const level of LEVELS) {
    const atLevel = h.filter((p) => p.level === level);
    assertEquals(atLevel.length, 100);
    for (const s of MINIMATH_SUBJECTS) {
      assertEquals(atLevel.filter((p) => p.subject === s).length, 20);
    }
  }
  assertEquals(miniMathHeldOut("v2"), h);
  assert(h.every((p) => isHeldOut(p.problem, "v2")));
  // v1 and v2 each hold out their own set (`What is 7+2?` may be in both: level 1 of each).
  assert(!miniMathHeldOut("v1").every((p) => isHeldOut(p.problem, "v2")));
  // Changing the v2 generator changes the benchmark: update this pin only deliberately.
  assertEquals(hashString(toJsonl(h)).toString(16), V2_HELDOUT_HASH);
});

const V2_HELDOUT_HASH = "e9070d08";

Deno.test("v2: the training stream, pool and pretraining corpus never hold a held-out problem", () => {
  const held = new Set(miniMathHeldOut("v2").map((p) => p.problem));
  const stream = miniMathTrainStream(3, { version: "v2", levels: [1] });
  for (let i = 0; i < 3000; i++) {
    const g = stream.next().value!;
    assert(!held.has(g.problem.problem), g.problem.problem);
    assertEquals(g.steps.length, 1);
  }
  const pool = miniMathTrainPool({ seed: 1, perLevel: 50, version: "v2" });
  assertEquals(pool.length, 250);
  assert(
    pool.every((p) => !held.has(p.problem) && miniMathLimits("v2").problem >= p.problem.length),
  );
  const corpus = corpusStream(5, undefined, { concise: 0.5, min: 1, stop: 0.5, max: 4 }, "v2");
  for (let i = 0; i < 2000; i++) {
    const ex = corpus.next().value!;
    assert(!held.has(ex.problem.problem), ex.problem.problem);
    assert(STEP.test(/^<think>([^ <]+)/.exec(ex.completion)?.[1] ?? ""), ex.completion);
  }
});

Deno.test("versions: parse, CLI flag, and a base's version from its pretrain.json", () => {
  assertEquals(parseMiniMathVersion("v2"), "v2");
  assertThrows(
    () => parseMiniMathVersion("v3", "--minimath"),
    Error,
    '--minimath: unknown MiniMath version "v3"',
  );
  const { problems } = miniMathCli(["--heldout", "--minimath", "v2", "--levels", "5"]);
  assertEquals(problems.length, 100);
  assert(problems.every((p) => isHeldOut(p.problem, "v2") && p.level === 5));
  assertThrows(() => miniMathCli(["--minimath", "v9"]), Error, "--minimath");

  const dir = Deno.makeTempDirSync();
  try {
    assertEquals(baseMiniMathVersion(dir), "v1"); // no pretrain.json: a first-generation base
    Deno.writeTextFileSync(`${dir}/pretrain.json`, JSON.stringify({ seed: 1 }));
    assertEquals(baseMiniMathVersion(dir), "v1");
    Deno.writeTextFileSync(`${dir}/pretrain.json`, JSON.stringify({ minimath: "v2" }));
    assertEquals(baseMiniMathVersion(dir), "v2");
    Deno.writeTextFileSync(`${dir}/pretrain.json`, JSON.stringify({ minimath: 2 }));
    assertThrows(() => baseMiniMathVersion(dir), Error, `${dir}/pretrain.json: field "minimath"`);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
