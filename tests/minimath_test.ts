import { assert, assertEquals, assertThrows } from "./_assert.ts";
import {
  createRng,
  formatSolution,
  fractionAnswer,
  generateProblem,
  hashString,
  isHeldOut,
  LEVELS,
  MINIMATH_HELDOUT_SEED,
  MINIMATH_LIMITS,
  MINIMATH_SUBJECTS,
  miniMathHeldOut,
  miniMathHeldOutGenerated,
  miniMathTrainPool,
  miniMathTrainStream,
  parseProblems,
  toJsonl,
} from "../lib/data/mod.ts";
import { extractBoxed, isEquivalent, parseThink } from "../lib/grade/mod.ts";
import { miniMathCli } from "../bin/minimath.ts";

Deno.test("generateProblem: every subject × level, format, limits, answer = boxed", () => {
  const rng = createRng(123);
  for (const subject of MINIMATH_SUBJECTS) {
    for (const level of LEVELS) {
      for (let k = 0; k < 200; k++) {
        const { problem: p, steps } = generateProblem(rng, level, subject);
        const where = `${subject} L${level}: ${p.problem}`;
        assertEquals(p.subject, subject);
        assertEquals(p.level, level);
        assert(p.problem.length <= MINIMATH_LIMITS.problem, `problem too long: ${where}`);
        assert(
          p.solution.length <= MINIMATH_LIMITS.solution,
          `solution too long: ${where} ${p.solution}`,
        );
        assertEquals(p.solution, formatSolution(steps, p.answer));
        assert(steps.length >= 1 && steps.every((s) => s.endsWith(".")), where);
        const t = parseThink(p.solution);
        assert(t.wellFormed, where);
        assertEquals(t.rest, `\\boxed{${p.answer}}`);
        assertEquals(extractBoxed(p.solution), p.answer);
        assert(isEquivalent(p.answer, p.answer), where);
        assert(/^-?(\d+|\\frac\{\d+\}\{\d+\})$/.test(p.answer), `answer format: ${p.answer}`);
        assert(p.unique_id.startsWith("minimath/"), p.unique_id);
      }
    }
  }
});

/** Independent check of the arithmetic in the answers: evaluate the problem text. */
function solve(text: string): number | null {
  let m: RegExpExecArray | null;
  if ((m = /^What is ([-\d+*() ]+)\?$/.exec(text))) {
    return Function(`"use strict"; return (${m[1]});`)() as number;
  }
  if ((m = /^What is the remainder when (\d+)(?:\*(\d+))? is divided by (\d+)\?$/.exec(text))) {
    return (Number(m[1]) * Number(m[2] ?? 1)) % Number(m[3]);
  }
  if ((m = /^How many integers are there from (\d+) to (\d+), inclusive\?$/.exec(text))) {
    return Number(m[2]) - Number(m[1]) + 1;
  }
  return null;
}

Deno.test("generateProblem: answers are correct (independent evaluation)", () => {
  const rng = createRng(5);
  let checked = 0;
  for (let k = 0; k < 3000; k++) {
    const { problem: p } = generateProblem(rng, LEVELS[k % 5]);
    const v = solve(p.problem);
    if (v === null) continue;
    checked++;
    assertEquals(p.answer, String(v), p.problem);
  }
  assert(checked > 500, `only ${checked} checked`);
  // Linear equations: substitute the answer back.
  for (let k = 0; k < 500; k++) {
    const { problem: p } = generateProblem(rng, LEVELS[k % 5], "Linear Equations");
    const eq = p.problem.replace(/^Solve for x: /, "").replace(/\.$/, "");
    const [l, r] = eq.split("=");
    const m = /^(-?)\\frac\{(\d+)\}\{(\d+)\}$/.exec(p.answer);
    const x = m ? (m[1] ? -1 : 1) * Number(m[2]) / Number(m[3]) : Number(p.answer);
    const ev = (s: string) =>
      Function("x", `"use strict"; return ${s.replace(/(\d)(x|\()/g, "$1*$2")};`)(x) as number;
    assert(Math.abs(ev(l) - ev(r)) < 1e-9, `${p.problem} x=${p.answer}`);
  }
});

Deno.test("worked steps: every simple arithmetic step is correct", () => {
  const rng = createRng(77);
  let checked = 0;
  for (let k = 0; k < 5000; k++) {
    const { steps } = generateProblem(rng, LEVELS[k % 5]);
    for (const st of steps) {
      let m: RegExpExecArray | null;
      if ((m = /^\(?(-?\d+)\)?([-+*/])\(?(-?\d+)\)?=(-?\d+)\.$/.exec(st))) {
        const [a, op, b, c] = [Number(m[1]), m[2], Number(m[3]), Number(m[4])];
        const v = op === "+" ? a + b : op === "-" ? a - b : op === "*" ? a * b : a / b;
        assertEquals(v, c, st);
        checked++;
      } else if ((m = /^(\d+)=(\d+)\*(\d+)\+(\d+)\.$/.exec(st))) {
        const [n, q, d, r] = m.slice(1).map(Number);
        assertEquals(n, q * d + r, st);
        assert(r < d, st);
        checked++;
      }
    }
  }
  assert(checked > 3000, `only ${checked} steps checked`);
});

Deno.test("generateProblem: deterministic for a seed; level 1 is one step", () => {
  const a = createRng(9);
  const b = createRng(9);
  for (let k = 0; k < 100; k++) {
    const level = LEVELS[k % 5];
    assertEquals(generateProblem(a, level), generateProblem(b, level));
  }
  const r = createRng(2);
  for (let k = 0; k < 100; k++) {
    assertEquals(generateProblem(r, 1).steps.length, 1);
    assert(generateProblem(r, 5).steps.length >= 2);
  }
  assertThrows(() => generateProblem(r, 6 as 1), RangeError);
});

Deno.test("fractionAnswer writes answers as MATH does", () => {
  assertEquals(fractionAnswer(6, 3), "2");
  assertEquals(fractionAnswer(6, 56), "\\frac{3}{28}");
  assertEquals(fractionAnswer(-2, 24), "-\\frac{1}{12}");
  assertEquals(fractionAnswer(2, -4), "-\\frac{1}{2}");
  assertEquals(fractionAnswer(0, 5), "0");
  assertThrows(() => fractionAnswer(1, 0), RangeError);
});

Deno.test("held-out MiniMath-500: 100 per level, 20 per subject, distinct, fixed", () => {
  const h = miniMathHeldOut();
  assertEquals(h.length, 500);
  assertEquals(new Set(h.map((p) => p.problem)).size, 500);
  assertEquals(new Set(h.map((p) => p.unique_id)).size, 500);
  for (const level of LEVELS) {
    const atLevel = h.filter((p) => p.level === level);
    assertEquals(atLevel.length, 100);
    for (const s of MINIMATH_SUBJECTS) {
      assertEquals(atLevel.filter((p) => p.subject === s).length, 20);
    }
  }
  // Fixed: the same on every call, and pinned by seed and a fingerprint of the first problems.
  assertEquals(miniMathHeldOut(), h);
  assertEquals(MINIMATH_HELDOUT_SEED, 500_500);
  // Changing a generator changes the benchmark: update this pin only deliberately.
  assertEquals(hashString(toJsonl(h)).toString(16), "8428da07");
  assertEquals(miniMathHeldOutGenerated()[0].problem, h[0]);
  assert(h.every((p) => isHeldOut(p.problem)));
  // Mutating a returned copy does not change the set.
  h[0].problem = "changed";
  assert(miniMathHeldOut()[0].problem !== "changed");
});

Deno.test("training stream and pool never contain a held-out problem", () => {
  const held = new Set(miniMathHeldOut().map((p) => p.problem));
  const stream = miniMathTrainStream(1);
  let n = 0;
  for (let k = 0; k < 20_000; k++) {
    const g = stream.next().value!;
    assert(!held.has(g.problem.problem), g.problem.problem);
    n++;
  }
  assertEquals(n, 20_000);
  // Level 1 has few distinct problems, so many generated ones are held-out texts: all skipped.
  const pool = miniMathTrainPool({ seed: 3, perLevel: 400 });
  assertEquals(pool.length, 2000);
  assert(pool.every((p) => !held.has(p.problem)));
  for (const level of LEVELS) assertEquals(pool.filter((p) => p.level === level).length, 400);
  assertEquals(new Set(pool.map((p) => p.problem)).size, 2000);
  // Deterministic.
  assertEquals(
    miniMathTrainPool({ seed: 3, perLevel: 20 }),
    miniMathTrainPool({ seed: 3, perLevel: 20 }),
  );
  assert(
    JSON.stringify(miniMathTrainPool({ seed: 3, perLevel: 20 })) !==
      JSON.stringify(miniMathTrainPool({ seed: 4, perLevel: 20 })),
  );
  // Level / subject filters.
  const s = miniMathTrainStream(2, { levels: [2], subjects: ["Fractions"] });
  for (let k = 0; k < 50; k++) {
    const g = s.next().value!;
    assertEquals([g.problem.level, g.problem.subject], [2, "Fractions"]);
  }
});

Deno.test("MiniMath exports to JSONL in the MATH schema and loads back", () => {
  const { problems, out } = miniMathCli(["--out", "/tmp/x.jsonl", "--n", "30", "--seed", "4"]);
  assertEquals(out, "/tmp/x.jsonl");
  assertEquals(problems.length, 30);
  assertEquals(parseProblems(toJsonl(problems), "mm.jsonl"), problems);
  assertEquals(miniMathCli(["--n", "30", "--seed", "4"]).problems, problems);
  assertEquals(miniMathCli(["--heldout"]).problems, miniMathHeldOut());
  assertEquals(miniMathCli(["--heldout", "--levels", "5"]).problems.length, 100);
  const pool = miniMathCli(["--per-level", "10", "--levels", "1,3"]).problems;
  assertEquals(pool.map((p) => p.level).filter((l) => l === 3).length, 10);
  assertThrows(() => miniMathCli(["--levels", "7"]), Error, "--levels");
  assertThrows(() => miniMathCli(["--n", "-1"]), Error, "--n");
});
