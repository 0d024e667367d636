import { assert, assertEquals } from "./_assert.ts";
import { extractAnswer, isEquivalent, parseThink } from "../lib/grade/mod.ts";
import { createRng } from "../lib/data/rng.ts";

const FRAGMENTS = [
  "\\frac",
  "{",
  "}",
  "\\sqrt",
  "(",
  ")",
  "[",
  "]",
  "1",
  "2",
  "0",
  "9",
  "12",
  "3.5",
  "x",
  "y",
  "i",
  "\\pi",
  "^",
  "_",
  "+",
  "-",
  "*",
  "/",
  ",",
  "=",
  "\\pm",
  "\\cup",
  "\\infty",
  "\\text{",
  "cm",
  " ",
  "\\left(",
  "\\right)",
  "\\begin{pmatrix}",
  "\\end{pmatrix}",
  "&",
  "\\\\",
  "\\{",
  "\\}",
  ".",
  "!",
  "|",
  "\\boxed{",
  "\\$",
  "\\%",
  "^\\circ",
  "e",
  "\\sin",
  "\\log",
  "10^{",
  "999999999",
  "\\dfrac",
  "<",
  "\\le",
  "\\,",
  "\\!",
  "{,}",
  "\\mbox{",
  "inches",
  "and",
  "\\cdot",
  "\\times",
  "\\binom",
  "_8",
  "\\sqrt[3]",
  "\\mp",
  "\\emptyset",
  "\\langle",
  "\\rangle",
  "\\",
  "$",
  "%",
  "°",
  "π",
  "−",
  "\u0000",
  "🙂",
];

const PATHOLOGICAL = [
  "(".repeat(500) + "1" + ")".repeat(500),
  "2^".repeat(300) + "2",
  "10^{10^{10}}",
  "\\sqrt{".repeat(200) + "2" + "}".repeat(200),
  "9".repeat(999),
  "9".repeat(5000),
  "(x+1)^{64}",
  "(x+y+z+w)^{30}",
  "1000!",
  "99999999999999999999!",
  "\\binom{100000}{50000}",
  "2^{-100000}",
  "\\frac{1}{0}",
  "0^0",
  "0^{-1}",
  "\\sqrt{-1}^{2}",
  "(\\sqrt2+\\sqrt3+\\sqrt5+\\sqrt7)^{20}",
  "\\sqrt{123456789012345678901234567890}",
  "\\left(".repeat(300),
  "{".repeat(400) + "}".repeat(400),
  "1,".repeat(400) + "1",
  "\\{" + "x,".repeat(300) + "x\\}",
  "\\sin(".repeat(100) + "1" + ")".repeat(100),
  "a".repeat(900),
  "\\text{".repeat(100) + "a" + "}".repeat(100),
  "\\boxed{".repeat(100),
  "x".repeat(2000),
  " ".repeat(2000) + "1",
  "1 \\pm 2 \\pm 3 \\pm 4 \\pm 5",
  "\\begin{pmatrix}" + "1&".repeat(200) + "1\\end{pmatrix}",
  "(1,2)\\cup".repeat(100) + "(1,2)",
];

function randomString(rng: ReturnType<typeof createRng>): string {
  const n = rng.int(1, 30);
  let s = "";
  for (let k = 0; k < n; k++) s += rng.pick(FRAGMENTS);
  return s;
}

Deno.test("fuzz: isEquivalent never throws, is symmetric and bounded in time", () => {
  const rng = createRng(20240601);
  let worst = 0;
  const t0 = performance.now();
  const N = 3000;
  for (let k = 0; k < N; k++) {
    const a = randomString(rng);
    const b = rng.chance(0.3) ? a + rng.pick(["", " ", "+0", "\\!"]) : randomString(rng);
    const t = performance.now();
    const ab = isEquivalent(a, b);
    const ba = isEquivalent(b, a);
    const aa = isEquivalent(a, a);
    worst = Math.max(worst, (performance.now() - t) / 3);
    assertEquals(typeof ab, "boolean");
    assertEquals(ab, ba, `asymmetric: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
    assertEquals(typeof aa, "boolean");
  }
  const total = performance.now() - t0;
  assert(worst < 250, `a call took ${worst.toFixed(1)} ms`);
  assert(total < 20_000, `fuzz took ${total.toFixed(0)} ms`);
});

Deno.test("fuzz: pathological inputs finish quickly and do not throw", () => {
  for (const p of PATHOLOGICAL) {
    for (const q of [p, p + "+1", "1", "x", ""]) {
      const t = performance.now();
      const r = isEquivalent(p, q);
      const dt = performance.now() - t;
      assertEquals(typeof r, "boolean");
      assert(dt < 250, `${JSON.stringify(p.slice(0, 30))} took ${dt.toFixed(1)} ms`);
    }
  }
});

Deno.test("fuzz: extraction and think parsing never throw", () => {
  const rng = createRng(7);
  for (let k = 0; k < 2000; k++) {
    const s = randomString(rng) + rng.pick(["", "<think>", "</think>", "The answer is 5"]) +
      randomString(rng);
    const a = extractAnswer(s);
    assert(a === null || typeof a === "string");
    const t = parseThink(s);
    assertEquals(typeof t.wellFormed, "boolean");
  }
  for (const p of PATHOLOGICAL) extractAnswer(p);
});

Deno.test("fuzz: a value always equals itself (reflexive on non-empty answers)", () => {
  const rng = createRng(99);
  const values = ["1", "\\frac{3}{4}", "-2", "2\\sqrt{3}", "(1,2)", "\\{1,2\\}", "x^2", "\\pi"];
  for (let k = 0; k < 200; k++) {
    const v = rng.pick(values);
    assert(isEquivalent(v, v));
    assert(isEquivalent(`\\boxed{${v}}`, ` ${v} `));
  }
});

Deno.test("property: random rationals and radicals in several forms", () => {
  const rng = createRng(31337);
  const gcd = (a: number, b: number): number => (b === 0 ? Math.abs(a) : gcd(b, a % b));
  for (let k = 0; k < 500; k++) {
    // p/q in lowest terms vs unreduced, negative-denominator and (when terminating) decimal forms.
    const q = rng.pick([1, 2, 4, 5, 8, 10, 16, 20, 25, 3, 6, 7, 9, 12]);
    const p = rng.int(-200, 200);
    const m = rng.int(2, 9);
    const g = gcd(p, q);
    const red = q / g === 1
      ? `${p / g}`
      : `${p < 0 ? "-" : ""}\\frac{${Math.abs(p / g)}}{${q / g}}`;
    assert(isEquivalent(red, `\\frac{${p * m}}{${q * m}}`), `${red} vs ${p * m}/${q * m}`);
    assert(isEquivalent(red, `\\frac{${-p}}{${-q}}`), `${red} vs ${-p}/${-q}`);
    if ([1, 2, 4, 5, 8, 10, 16, 20, 25].includes(q)) {
      assert(isEquivalent(red, String(p / q)), `${red} vs ${p / q}`);
    }
    // A different rational is different.
    assert(!isEquivalent(red, `\\frac{${p * m + 1}}{${q * m}}`), `${red} vs ${p * m + 1}/${q * m}`);
    // a√b vs √(a²b), and a√b ≠ a√(b+1) for square-free b.
    const a = rng.int(2, 30);
    const b = rng.pick([2, 3, 5, 6, 7, 10, 11, 13, 14, 15, 17, 19, 21, 22, 23]);
    assert(isEquivalent(`${a}\\sqrt{${b}}`, `\\sqrt{${a * a * b}}`), `${a}√${b}`);
    assert(!isEquivalent(`${a}\\sqrt{${b}}`, `\\sqrt{${a * a * b + 1}}`), `${a}√${b} vs +1`);
    // Mixed number vs improper fraction.
    const w = rng.int(1, 20);
    const d = rng.int(2, 12);
    const n = rng.int(1, d - 1);
    assert(isEquivalent(`${w}\\frac{${n}}{${d}}`, `\\frac{${w * d + n}}{${d}}`), `${w} ${n}/${d}`);
  }
});
