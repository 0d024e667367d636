import { assert, assertEquals } from "./_assert.ts";
import {
  canonicalText,
  extractAllBoxed,
  extractAnswer,
  extractBoxed,
  gradeAnswer,
  isEquivalent,
  normalizeAnswer,
  parseThink,
} from "../lib/grade/mod.ts";
import { loadProblems } from "../lib/data/load_problems.ts";
import { math500Path } from "../lib/data/math500.ts";

const MATH500 = math500Path();

/** Groups of answers that must all be equivalent to the first. */
const EQUIVALENT: string[][] = [
  [
    "\\frac{1}{2}",
    "0.5",
    "1/2",
    "\\dfrac{1}{2}",
    "\\tfrac12",
    "\\frac12",
    ".5",
    "0.50",
    "\\left(\\frac{1}{2}\\right)",
    "\\boxed{\\frac{1}{2}}",
    "$\\frac{1}{2}$",
    "\\frac{2}{4}",
  ],
  ["-\\frac{3}{4}", "\\frac{-3}{4}", "\\frac{3}{-4}", "-0.75", "-3/4", "- \\frac34"],
  [
    "10",
    "10.0",
    "10.00",
    "x=10",
    "10^\\circ",
    "10^{\\circ}",
    "10\\%",
    "\\$10",
    "10 \\text{ cm}",
    "10 cm",
    "10\\text{ units}^2",
    "+10",
    "10.",
    "\\mbox{10}",
    "10 \\mbox{ inches}^2",
  ],
  ["1000", "1,000", "1{,}000", "1,\\!000", "1\\,000", "1000.0", "10^3"],
  ["11111111100", "11,\\! 111,\\! 111,\\! 100", "11,111,111,100"],
  [
    "2\\sqrt{3}",
    "\\sqrt{12}",
    "\\sqrt{3}\\cdot 2",
    "2 \\sqrt 3",
    "\\sqrt{3}+\\sqrt{3}",
    "2\\sqrt3",
    "\\sqrt{3}\\times2",
  ],
  [
    "\\frac{\\sqrt{3}}{2}",
    "\\frac{1}{2}\\sqrt{3}",
    "\\sqrt{3}/2",
    "\\sqrt{\\frac{3}{4}}",
    "\\frac{3}{2\\sqrt3}",
    "\\frac{\\sqrt{12}}{4}",
  ],
  ["\\frac{\\sqrt{2}}{2}", "\\frac{1}{\\sqrt{2}}", "\\sqrt{0.5}", "2^{-1/2}"],
  ["3\\pi", "3 \\pi", "\\pi \\cdot 3", "\\frac{6\\pi}{2}", "\\pi+2\\pi"],
  ["\\frac{\\pi}{4}", "\\pi/4", "0.25\\pi", "\\frac{1}{4}\\pi"],
  ["-\\frac{\\pi}{6}", "-\\pi/6", "\\frac{-\\pi}{6}"],
  ["(1,2)", "\\left(1, 2\\right)", "( 1 , 2 )", "(1.0, \\frac{4}{2})"],
  ["[2,5)", "\\left[2,5\\right)", "[2, 5)"],
  ["\\{1,2,3\\}", "\\{3,2,1\\}", "3, 2, 1", "1,2,3", "1, 3, 2"],
  [
    "(-\\infty, 2) \\cup (3, \\infty)",
    "(3,\\infty)\\cup(-\\infty,2)",
    "\\left(-\\infty,2\\right)\\cup\\left(3,\\infty\\right)",
  ],
  ["[-2,7]", "x \\in [-2,7]", "\\left[ -2, 7 \\right]"],
  ["\\text{(C)}", "C", "(C)", "\\textbf{(C)}", "c", "\\text{C}"],
  ["\\text{Evelyn}", "Evelyn", "evelyn", "\\textbf{Evelyn}"],
  ["1\\frac{4}{5}", "\\frac{9}{5}", "1.8", "9/5", "1 \\frac{4}{5}"],
  ["-2\\frac12", "-2.5", "-\\frac{5}{2}"],
  ["137 \\frac{1}{2}", "137.5", "\\frac{275}{2}"],
  [
    "\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}",
    "\\begin{bmatrix}1\\\\2\\end{bmatrix}",
    "\\begin{pmatrix} \\frac{2}{2} \\\\ 2.0 \\end{pmatrix}",
  ],
  [
    "\\begin{pmatrix} -1 & 0 \\\\ 0 & -1 \\end{pmatrix}",
    "\\begin{pmatrix}-1&0\\\\0&-1\\end{pmatrix}",
  ],
  [
    "\\begin{pmatrix} 16/49 \\\\ 48/49 \\\\ 24/49 \\end{pmatrix}",
    "\\begin{pmatrix} \\frac{16}{49} \\\\ \\frac{48}{49} \\\\ \\frac{24}{49} \\end{pmatrix}",
  ],
  ["6+9i", "9i+6", "3(2+3i)", "6 + 9 i"],
  ["x^2+2x+1", "(x+1)^2", "(1+x)(x+1)", "x^2 + 2x + 1"],
  ["(a+5)(b+2)", "(b+2)(a+5)", "ab+2a+5b+10"],
  ["\\frac{11+9a}{20}", "\\frac{9a+11}{20}", "\\frac{11}{20}+\\frac{9a}{20}"],
  ["y = 2x + 3", "2x+3", "y=3+2x"],
  ["5x - 7y + 11z + 4 = 0", "5x-7y+11z=-4", "-5x+7y-11z-4=0"],
  ["3 \\pm 2 \\sqrt{2}", "3+2\\sqrt2, 3-2\\sqrt2", "3-2\\sqrt{2},3+2\\sqrt{2}"],
  ["\\{1\\pm\\sqrt{5},-2\\}", "-2, 1+\\sqrt5, 1-\\sqrt5", "1-\\sqrt{5}, -2, 1+\\sqrt{5}"],
  ["\\frac{270}7\\text{ degrees}", "\\frac{270}{7}", "270/7"],
  ["52_8", "52_{8}"],
  ["\\cot x", "\\frac{1}{\\tan x}", "\\frac{\\cos x}{\\sin x}"],
  ["1024", "2^{10}", "2^10", "4^5"],
  ["2", "\\sqrt[3]{8}", "\\sqrt{4}", "8^{1/3}", "\\log_2 4"],
  [".0000672", "0.0000672", "6.72\\times10^{-5}", "6.72 \\cdot 10^{-5}"],
  ["i", "\\sqrt{-1}"],
  ["10", "\\binom{5}{2}", "\\dbinom{5}{2}"],
  ["120", "5!"],
  ["\\sqrt2-1", "\\frac{1}{1+\\sqrt2}", "\\frac{1}{\\sqrt{2}+1}"],
  ["\\frac12", "\\sin \\frac{\\pi}{6}", "\\cos(\\pi/3)"],
  ["32348", "\\$32,\\!348", "\\$32,348", "32,348 dollars"],
  ["18.90", "\\$18.90", "18.9"],
  ["5.4", "5.4 \\text{ cents}", "5.40"],
  ["\\infty", "\\infty"],
  ["3, 5, 7", "7,5,3", "\\{3,5,7\\}"],
  ["-41", "-41.0", "- 41"],
  ["x=5", "5"],
  ["\\frac{20000}{\\pi}", "20000/\\pi", "\\frac{2\\cdot10^4}{\\pi}"],
  ["18+2\\pi", "2\\pi+18", "2(\\pi+9)"],
  ["\\text{ellipse}", "ellipse", "Ellipse"],
];

/** Pairs that must NOT be equivalent. */
const DIFFERENT: [string, string][] = [
  ["\\frac{1}{2}", "\\frac{1}{3}"],
  ["\\frac{1}{2}", "0.49"],
  ["\\frac{1}{2}", "2"],
  ["\\frac{1}{3}", "0.333"],
  ["\\frac{1}{3}", "0.3333333333"],
  ["\\sqrt{2}", "1.414"],
  ["\\sqrt{2}", "1.4142135623730951"],
  ["\\sqrt{2}", "\\sqrt{3}"],
  ["2\\sqrt{3}", "3\\sqrt{2}"],
  ["\\pi", "3.14"],
  ["\\pi", "3.14159265358979"],
  ["(1,2)", "(2,1)"],
  ["(1,2)", "[1,2]"],
  ["(1,2)", "(1,2]"],
  ["(1,2)", "1,2"],
  ["(1,2)", "\\{1,2\\}"],
  ["[2,5)", "(2,5)"],
  ["[2,5)", "[2,5]"],
  ["\\{1,2,3\\}", "\\{1,2\\}"],
  ["\\{1,2,3\\}", "\\{1,2,4\\}"],
  ["(C)", "(B)"],
  ["\\text{(C)}", "\\text{(D)}"],
  ["-3", "3"],
  ["x^2+2x+1", "x^2+1"],
  ["y=2x+3", "y=2x-3"],
  ["y=2x+3", "2x-3"],
  ["6+9i", "6-9i"],
  ["3 \\pm 2\\sqrt{2}", "3+2\\sqrt2"],
  ["52_8", "42"],
  ["52_8", "52"],
  ["52_8", "52_9"],
  ["1000", "100"],
  ["10", "1.0"],
  ["10", "100"],
  ["\\frac{270}{7}", "\\frac{270}{17}"],
  ["\\frac{1}{23}", "\\frac{12}{3}"],
  ["\\frac{12}{3}", "\\frac{1}{23}"],
  ["\\text{even}", "\\text{odd}"],
  ["even", "neve"],
  ["\\begin{pmatrix}1\\\\2\\end{pmatrix}", "\\begin{pmatrix}2\\\\1\\end{pmatrix}"],
  ["\\begin{pmatrix}1\\\\2\\end{pmatrix}", "(1,2)"],
  ["\\begin{pmatrix}1 & 2\\end{pmatrix}", "\\begin{pmatrix}1\\\\2\\end{pmatrix}"],
  ["\\infty", "-\\infty"],
  ["0", ""],
  ["", ""],
  ["x", "y"],
  ["5", "x=6"],
  ["(x+y+z+w)^{30}", "(x+y+z+w)^{30}+1"],
  ["x^{30}+1", "x^{30}+1.000001"],
  ["\\frac{x+1}{x-1}", "\\frac{x-1}{x+1}"],
  ["\\sin x", "\\cos x"],
  ["\\log_2 8", "4"],
  ["1,000", "1"],
  ["1,-2", "1,2"],
  ["(2,12) \\cup (12,102)", "(2,102)"],
  ["12", "12i"],
  ["2k", "2k+2"],
  ["\\frac{1}{2}", "\\frac{1}{2}x"],
];

Deno.test("isEquivalent: equivalent rewrites (both directions)", () => {
  let n = 0;
  for (const [gold, ...forms] of EQUIVALENT) {
    for (const f of forms) {
      n++;
      assert(isEquivalent(gold, f), `expected ${JSON.stringify(gold)} ≡ ${JSON.stringify(f)}`);
      assert(isEquivalent(f, gold), `expected ${JSON.stringify(f)} ≡ ${JSON.stringify(gold)}`);
    }
  }
  assert(n >= 150, `only ${n} rewrites`);
});

Deno.test("isEquivalent: non-equivalent pairs (both directions)", () => {
  for (const [a, b] of DIFFERENT) {
    assert(!isEquivalent(a, b), `expected ${JSON.stringify(a)} ≢ ${JSON.stringify(b)}`);
    assert(!isEquivalent(b, a), `expected ${JSON.stringify(b)} ≢ ${JSON.stringify(a)}`);
  }
});

Deno.test("isEquivalent: different groups are different", () => {
  // The first member of each equivalence group differs from every other group's first member,
  // except groups that are deliberately the same value.
  const same = new Set(["10|10", "\\frac{1}{2}|\\frac12", "2|2", "10|\\frac12"]);
  const heads = EQUIVALENT.map((g) => g[0]);
  for (let i = 0; i < heads.length; i++) {
    for (let j = i + 1; j < heads.length; j++) {
      const key = `${heads[i]}|${heads[j]}`;
      if (same.has(key) || heads[i] === heads[j]) continue;
      const expectEqual = (heads[i] === "x=5" && heads[j] === "5") ||
        EQUIVALENT[i].some((f) => EQUIVALENT[j].includes(f));
      assertEquals(isEquivalent(heads[i], heads[j]), expectEqual, key);
    }
  }
});

Deno.test("isEquivalent: non-strings and odd input never throw", () => {
  // deno-lint-ignore no-explicit-any
  const odd: any[] = [
    null,
    undefined,
    5,
    {},
    [],
    "\\",
    "{",
    "}",
    "\\frac",
    "\\sqrt",
    "^",
    "_",
    "\\begin{pmatrix}",
    "(((",
    "1/0",
    "0/0",
    "\\frac{1}{0}",
  ];
  for (const a of odd) {
    for (const b of odd) {
      const r = isEquivalent(a, b);
      assertEquals(typeof r, "boolean");
    }
  }
  assertEquals(gradeAnswer(null, "1"), false);
  assertEquals(gradeAnswer(undefined, "1"), false);
  assertEquals(gradeAnswer("1", "1"), true);
});

Deno.test("normalizeAnswer / canonicalText", () => {
  assertEquals(normalizeAnswer("\\$32,\\!348"), "32348");
  assertEquals(normalizeAnswer("\\frac{270}7\\text{ degrees}"), "\\frac{270}7");
  assertEquals(normalizeAnswer("864 \\mbox{ inches}^2"), "864");
  assertEquals(normalizeAnswer("x \\in [-2,7]"), "[-2,7]");
  assertEquals(normalizeAnswer("\\left( 3, \\frac{\\pi}{2} \\right)"), "( 3, \\frac{\\pi}{2} )");
  assertEquals(normalizeAnswer("58,500"), "58500");
  assertEquals(normalizeAnswer("3 and 5"), "3, 5");
  assertEquals(normalizeAnswer("\\text{east}"), "east");
  assertEquals(canonicalText("\\text{(C)}".replace("\\text{", "").replace("}", "")), "c");
  assertEquals(canonicalText("2 \\sqrt{5}"), "2\\sqrt{5}");
  assertEquals(canonicalText("\\cot x"), "\\cot x");
});

Deno.test("MATH-500: every gold answer equals the last \\boxed{} of its own solution (500/500)", async () => {
  const problems = await loadProblems(MATH500);
  assertEquals(problems.length, 500);
  let equal = 0;
  const failures: string[] = [];
  for (const p of problems) {
    const boxed = extractBoxed(p.solution);
    if (boxed !== null && isEquivalent(boxed, p.answer)) equal++;
    else failures.push(`${p.unique_id}: ${boxed} vs ${p.answer}`);
  }
  assertEquals(failures, []);
  assertEquals(equal, 500);
});

/**
 * Cross-problem pairs of MATH-500 answers that the grader treats as equal. Each is the same
 * mathematical answer (degree marks, units, `\$`, a leading `x =`, thousands separators, the same
 * solution set in another order, spacing, `\frac14` shorthand).
 */
const MATH500_EQUAL_CROSS = new Set([
  ["90^\\circ", "90"],
  ["5", "x=5"],
  ["1,-2", "-2,1"],
  ["120^\\circ", "120"],
  ["36", "36^\\circ"],
  ["36", "\\$36"],
  ["\\frac{1}{4}", "\\frac14"],
  ["30^\\circ", "30"],
  ["10,\\!080", "10080"],
  ["15", "15\\mbox{ cm}^2"],
  ["36^\\circ", "\\$36"],
  ["2 \\sqrt{5}", "2\\sqrt{5}"],
].map(([a, b]) => [a, b].sort().join("\u0000")));

Deno.test("MATH-500: answers of different problems grade different unless the same value", async () => {
  const problems = await loadProblems(MATH500);
  const answers = [...new Set(problems.map((p) => p.answer))];
  const equalPairs: string[] = [];
  for (let i = 0; i < answers.length; i++) {
    for (let j = i + 1; j < answers.length; j++) {
      if (isEquivalent(answers[i], answers[j])) {
        equalPairs.push([answers[i], answers[j]].sort().join("\u0000"));
      }
    }
  }
  assertEquals(new Set(equalPairs), MATH500_EQUAL_CROSS);
});

Deno.test("MATH-500: each gold answer vs its own boxed answer after rewriting", async () => {
  // Presentation-only rewrites of every gold answer must still grade equal.
  const problems = await loadProblems(MATH500);
  const rewrites = [
    (s: string) => `\\boxed{${s}}`,
    (s: string) => ` ${s} `,
    (s: string) => s.replaceAll("\\frac", "\\dfrac"),
    (s: string) => `$${s}$`,
    (s: string) => s.replace(/ (?![a-zA-Z])/g, ""),
    (s: string) => s.replaceAll("\\\\", " \\\\ ").replace(/,(?![\d\\])/g, ", "),
  ];
  const failures: string[] = [];
  for (const p of problems) {
    for (const [k, rw] of rewrites.entries()) {
      if (!isEquivalent(rw(p.answer), p.answer)) failures.push(`${k}: ${p.answer}`);
    }
  }
  assertEquals(failures, []);
});

Deno.test("extractBoxed / extractAllBoxed / extractAnswer", () => {
  assertEquals(extractBoxed("so \\boxed{\\frac{1}{2}}."), "\\frac{1}{2}");
  assertEquals(extractBoxed("\\boxed{\\frac{\\sqrt{3}}{2}}"), "\\frac{\\sqrt{3}}{2}");
  assertEquals(extractBoxed("\\boxed{1} then \\boxed{2}"), "2");
  assertEquals(extractBoxed("\\fbox{7}"), "7");
  assertEquals(extractBoxed("\\boxed{1} and \\fbox{3}"), "3");
  assertEquals(extractBoxed("so it is \\boxed 5."), "5");
  assertEquals(extractBoxed("$\\boxed 12$"), "12");
  assertEquals(extractBoxed("\\boxed{3"), null);
  assertEquals(extractBoxed("\\boxed{1} \\boxed{2"), null);
  assertEquals(extractBoxed("no answer"), null);
  assertEquals(extractBoxed("\\boxedx"), null);
  assertEquals(extractBoxed("\\boxed{\\{1,2\\}}"), "\\{1,2\\}");
  assertEquals(extractBoxed("\\boxed{a}{b}"), "a");
  assertEquals(extractAllBoxed("\\boxed{1}, \\boxed{2}, \\boxed{3"), ["1", "2"]);
  assertEquals(extractAnswer("The answer is 42."), "42");
  assertEquals(extractAnswer("So the answer is $\\frac12$.\nDone"), "\\frac12");
  assertEquals(extractAnswer("Final answer: 7"), "7");
  assertEquals(extractAnswer("answer is \\boxed{3}. The answer is 4"), "3");
  assertEquals(extractAnswer("nothing here"), null);
  assertEquals(extractAnswer("The answer is"), null);
});

Deno.test("parseThink", () => {
  assertEquals(parseThink("<think>7*8=56.</think>\\boxed{56}"), {
    think: "7*8=56.",
    rest: "\\boxed{56}",
    wellFormed: true,
  });
  assertEquals(parseThink("  <think>a</think> b").wellFormed, true);
  assertEquals(parseThink("x<think>a</think>b").wellFormed, false);
  assertEquals(parseThink("<think>a</think>b</think>").wellFormed, false);
  assertEquals(parseThink("<think>a<think>b</think>c").wellFormed, false);
  assertEquals(parseThink("<think>unclosed \\boxed{1}"), {
    think: null,
    rest: "<think>unclosed \\boxed{1}",
    wellFormed: false,
  });
  assertEquals(parseThink("\\boxed{1}"), { think: null, rest: "\\boxed{1}", wellFormed: false });
  assertEquals(parseThink("</think><think>").think, null);
});
