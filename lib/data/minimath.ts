/**
 * MiniMath: a seeded generator of small MATH-style problems for a tiny character-level model.
 *
 * Five subjects × five levels (1 = one-step, 1-digit; 5 = multi-step). Problem text ≤ 70 chars,
 * worked solution ≤ 150 chars, written as `<think>step. step.</think>\boxed{answer}` with short
 * intermediate results a small transformer can imitate. Answers are written as MATH writes them
 * (`61`, `-18`, `\frac{3}{28}`, `-\frac{1}{12}`).
 *
 * @module
 */
import { isLevel, type Level, type Problem } from "./problem.ts";
import { hashString, type Rng } from "./rng.ts";
import { CHAIN_GENERATORS, CHAINS_LIMITS } from "./minimath_chains.ts";

/**
 * The MiniMath problem set: `v1` (levels = harder arithmetic; the first base's) or `v2`
 * ("chains": every step one easy operation, level = number of steps; see `minimath_chains.ts`).
 */
export type MiniMathVersion = "v1" | "v2";

/** The MiniMath versions. */
export const MINIMATH_VERSIONS: readonly MiniMathVersion[] = ["v1", "v2"];

/** The version as given, or a one-line error naming the versions. */
export function parseMiniMathVersion(value: unknown, where = "minimath"): MiniMathVersion {
  if (MINIMATH_VERSIONS.includes(value as MiniMathVersion)) return value as MiniMathVersion;
  throw new Error(`${where}: unknown MiniMath version ${JSON.stringify(value)} (v1, v2)`);
}

/** MiniMath subjects (the `subject` field of generated problems). */
export type MiniMathSubject =
  | "Arithmetic"
  | "Linear Equations"
  | "Number Theory"
  | "Fractions"
  | "Counting & Probability";

/** All MiniMath subjects. */
export const MINIMATH_SUBJECTS: readonly MiniMathSubject[] = [
  "Arithmetic",
  "Linear Equations",
  "Number Theory",
  "Fractions",
  "Counting & Probability",
];

/** Length limits every generated v1 problem respects (characters); v2: `CHAINS_LIMITS`. */
export const MINIMATH_LIMITS = { problem: 70, solution: 150 } as const;

/** The length limits of a version's problems (characters). */
export function miniMathLimits(version: MiniMathVersion): { problem: number; solution: number } {
  return version === "v2" ? CHAINS_LIMITS : MINIMATH_LIMITS;
}

/** A generated problem with its worked steps kept as a list (for corpus builders). */
export interface GeneratedProblem {
  /** The problem in the MATH schema; `solution` = {@link formatSolution}(steps, answer). */
  problem: Problem;
  /** The worked steps, each ending in a period, e.g. `["7*8=56.", "56+5=61."]`. */
  steps: string[];
}

/**
 * Generates one problem of the given level (and subject, else a uniformly random one) of a
 * MiniMath version (default `v1`). Deterministic for the state of `rng`.
 *
 * @example
 * ```ts
 * const { problem, steps } = generateProblem(createRng(1), 3, "Arithmetic");
 * // problem.problem: "What is 7*8+5?", steps: ["7*8=56.", "56+5=61."], problem.answer: "61"
 * ```
 */
export function generateProblem(
  rng: Rng,
  level: Level,
  subject?: MiniMathSubject,
  version: MiniMathVersion = "v1",
): GeneratedProblem {
  const subj = subject ?? rng.pick(MINIMATH_SUBJECTS);
  const gen = version === "v2"
    ? (isLevel(level) ? CHAIN_GENERATORS[subj] : undefined)
    : GENERATORS[subj]?.[level - 1];
  if (gen === undefined) {
    throw new RangeError(`no MiniMath ${version} generator for ${subj} level ${level}`);
  }
  const { text, steps, answer } = gen(rng, level);
  return {
    problem: {
      problem: text,
      solution: formatSolution(steps, answer),
      answer,
      subject: subj,
      level,
      unique_id: miniMathId(subj, level, text),
    },
    steps,
  };
}

/** The worked solution format: `<think>steps joined by spaces</think>\boxed{answer}`. */
export function formatSolution(steps: readonly string[], answer: string): string {
  return `<think>${steps.join(" ")}</think>\\boxed{${answer}}`;
}

/** The unique id of a MiniMath problem: `minimath/<subject>/<level>/<hash of text>`. */
export function miniMathId(subject: string, level: Level, text: string): string {
  const slug = subject.toLowerCase().replace(/[^a-z]+/g, "_").replace(/^_|_$/g, "");
  return `minimath/${slug}/${level}/${hashString(text).toString(16).padStart(8, "0")}`;
}

// ---------------------------------------------------------------------------------------------
// Formatting helpers

interface Gen {
  text: string;
  steps: string[];
  answer: string;
}
type Generator = (rng: Rng) => Gen;

/** `\frac{n}{d}` reduced, as MATH writes answers: `3`, `-\frac{1}{12}`. */
export function fractionAnswer(n: number, d: number): string {
  if (d === 0) throw new RangeError("zero denominator");
  if (d < 0) {
    n = -n;
    d = -d;
  }
  const g = gcd(Math.abs(n), d);
  n /= g;
  d /= g;
  if (d === 1) return String(n);
  return n < 0 ? `-\\frac{${-n}}{${d}}` : `\\frac{${n}}{${d}}`;
}

function frac(n: number, d: number): string {
  return n < 0 ? `-\\frac{${-n}}{${d}}` : `\\frac{${n}}{${d}}`;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return Math.abs(a);
}

function lcm(a: number, b: number): number {
  return (a / gcd(a, b)) * b;
}

/** `+5`, `-5` for a term after the first; `""` for 0 when `dropZero`. */
function signed(n: number): string {
  return n < 0 ? `-${-n}` : `+${n}`;
}

/** `3x`, `x`, `-x`, `-3x`. */
function coefX(a: number): string {
  return a === 1 ? "x" : a === -1 ? "-x" : `${a}x`;
}

/** `(-6)` for negatives inside products, else `6`. */
function paren(n: number): string {
  return n < 0 ? `(${n})` : String(n);
}

/** Reduction step `\frac{6}{56}=\frac{3}{28}` when reducible, else `\frac{6}{56}`. */
function reduceChain(n: number, d: number): string {
  const r = fractionAnswer(n, d);
  const raw = frac(n, d);
  return r === raw ? raw : `${raw}=${r}`;
}

/** Euclid steps `84=2*36+12.` … down to remainder 0; returns steps and the gcd. */
function euclid(a: number, b: number): { steps: string[]; g: number } {
  let [x, y] = a >= b ? [a, b] : [b, a];
  const steps: string[] = [];
  while (y > 0) {
    const q = Math.floor(x / y);
    const r = x % y;
    steps.push(`${x}=${q}*${y}+${r}.`);
    [x, y] = [y, r];
  }
  return { steps, g: x };
}

// ---------------------------------------------------------------------------------------------
// Arithmetic

const arithmetic: Generator[] = [
  // L1: one-digit ± one-digit.
  (rng) => {
    const a = rng.int(0, 9);
    const b = rng.int(0, 9);
    if (rng.chance(0.6) || a < b) {
      return { text: `What is ${a}+${b}?`, steps: [`${a}+${b}=${a + b}.`], answer: String(a + b) };
    }
    return { text: `What is ${a}-${b}?`, steps: [`${a}-${b}=${a - b}.`], answer: String(a - b) };
  },
  // L2: two-digit ± two-digit by place value, or a times-table fact.
  (rng) => {
    const kind = rng.int(0, 2);
    if (kind === 0) {
      const a = rng.int(10, 99);
      const b = rng.int(10, 99);
      const t = a - (a % 10) + (b - (b % 10));
      const u = (a % 10) + (b % 10);
      return {
        text: `What is ${a}+${b}?`,
        steps: [
          `${a - (a % 10)}+${b - (b % 10)}=${t}.`,
          `${a % 10}+${b % 10}=${u}.`,
          `${t}+${u}=${t + u}.`,
        ],
        answer: String(a + b),
      };
    }
    if (kind === 1) {
      const a = rng.int(20, 99);
      const b = rng.int(10, a - 1);
      const m = a - (b - (b % 10));
      return {
        text: `What is ${a}-${b}?`,
        steps: [`${a}-${b - (b % 10)}=${m}.`, `${m}-${b % 10}=${a - b}.`],
        answer: String(a - b),
      };
    }
    const a = rng.int(2, 9);
    const b = rng.int(2, 9);
    return { text: `What is ${a}*${b}?`, steps: [`${a}*${b}=${a * b}.`], answer: String(a * b) };
  },
  // L3: a*b ± c, or a*(b+c).
  (rng) => {
    const a = rng.int(2, 9);
    const b = rng.int(2, 9);
    if (rng.chance(0.5)) {
      const c = rng.int(2, 40);
      const p = a * b;
      if (rng.chance(0.5)) {
        return {
          text: `What is ${a}*${b}+${c}?`,
          steps: [`${a}*${b}=${p}.`, `${p}+${c}=${p + c}.`],
          answer: String(p + c),
        };
      }
      return {
        text: `What is ${a}*${b}-${c}?`,
        steps: [`${a}*${b}=${p}.`, `${p}-${c}=${p - c}.`],
        answer: String(p - c),
      };
    }
    const c = rng.int(1, 9);
    const s = b + c;
    return {
      text: `What is ${a}*(${b}+${c})?`,
      steps: [`${b}+${c}=${s}.`, `${a}*${s}=${a * s}.`],
      answer: String(a * s),
    };
  },
  // L4: two-digit × one-digit by place value, or a*b - c*d (may be negative).
  (rng) => {
    if (rng.chance(0.5)) {
      const a = rng.int(12, 99);
      const b = rng.int(3, 9);
      const t = a - (a % 10);
      return {
        text: `What is ${a}*${b}?`,
        steps: [
          `${t}*${b}=${t * b}.`,
          `${a % 10}*${b}=${(a % 10) * b}.`,
          `${t * b}+${(a % 10) * b}=${a * b}.`,
        ],
        answer: String(a * b),
      };
    }
    const [a, b, c, d] = [rng.int(2, 9), rng.int(2, 9), rng.int(2, 9), rng.int(2, 9)];
    const p = a * b;
    const q = c * d;
    return {
      text: `What is ${a}*${b}-${c}*${d}?`,
      steps: [`${a}*${b}=${p}.`, `${c}*${d}=${q}.`, `${p}-${q}=${p - q}.`],
      answer: String(p - q),
    };
  },
  // L5: (a-b)*c + d*e with negatives along the way.
  (rng) => {
    const [a, b] = [rng.int(1, 9), rng.int(1, 15)];
    const [c, d, e] = [rng.int(2, 9), rng.int(2, 9), rng.int(2, 9)];
    const s = a - b;
    const p = s * c;
    const q = d * e;
    if (rng.chance(0.5)) {
      return {
        text: `What is (${a}-${b})*${c}+${d}*${e}?`,
        steps: [
          `${a}-${b}=${s}.`,
          `${paren(s)}*${c}=${p}.`,
          `${d}*${e}=${q}.`,
          `${p}+${q}=${p + q}.`,
        ],
        answer: String(p + q),
      };
    }
    return {
      text: `What is ${d}*${e}-(${a}-${b})*${c}?`,
      steps: [
        `${d}*${e}=${q}.`,
        `${a}-${b}=${s}.`,
        `${paren(s)}*${c}=${p}.`,
        `${q}-${paren(p)}=${q - p}.`,
      ],
      answer: String(q - p),
    };
  },
];

// ---------------------------------------------------------------------------------------------
// Linear equations

const linear: Generator[] = [
  // L1: x + a = b, x − a = b (non-negative solutions).
  (rng) => {
    const x = rng.int(0, 12);
    const a = rng.int(1, 9);
    if (rng.chance(0.5)) {
      const b = x + a;
      return { text: `Solve for x: x+${a}=${b}.`, steps: [`x=${b}-${a}=${x}.`], answer: String(x) };
    }
    const b = x - a;
    return { text: `Solve for x: x-${a}=${b}.`, steps: [`x=${b}+${a}=${x}.`], answer: String(x) };
  },
  // L2: a x = b (integer solution, may be negative).
  (rng) => {
    const a = rng.int(2, 9);
    const x = rng.int(-9, 12);
    const b = a * x;
    return { text: `Solve for x: ${a}x=${b}.`, steps: [`x=${b}/${a}=${x}.`], answer: String(x) };
  },
  // L3: a x ± b = c.
  (rng) => {
    const a = rng.int(2, 9);
    const x = rng.int(-5, 12);
    const b = rng.int(1, 20);
    if (rng.chance(0.5)) {
      const c = a * x + b;
      return {
        text: `Solve for x: ${a}x+${b}=${c}.`,
        steps: [`${a}x=${c}-${b}=${c - b}.`, `x=${c - b}/${a}=${x}.`],
        answer: String(x),
      };
    }
    const c = a * x - b;
    return {
      text: `Solve for x: ${a}x-${b}=${c}.`,
      steps: [`${a}x=${c}+${b}=${c + b}.`, `x=${c + b}/${a}=${x}.`],
      answer: String(x),
    };
  },
  // L4: a x + b = c x + d with a > c (integer solution).
  (rng) => {
    const c = rng.int(1, 8);
    const a = rng.int(c + 1, 9);
    const x = rng.int(-9, 9);
    const b = rng.pick([-1, 1]) * rng.int(1, 15);
    const d = (a - c) * x + b;
    const k = a - c;
    const steps = [`${coefX(a)}-${coefX(c)}=${d}${signed(-b)}.`, `${coefX(k)}=${d - b}.`];
    if (k !== 1) steps.push(`x=${d - b}/${k}=${x}.`);
    return {
      text: `Solve for x: ${coefX(a)}${signed(b)}=${coefX(c)}${signed(d)}.`,
      steps,
      answer: String(x),
    };
  },
  // L5: a(x + b) = c x + d, answer possibly a fraction.
  (rng) => {
    const a = rng.int(2, 6);
    const c = rng.int(1, a - 1);
    const b = rng.pick([-1, 1]) * rng.int(1, 6);
    const d = rng.int(-12, 12);
    const k = a - c;
    const rhs = d - a * b;
    const ans = fractionAnswer(rhs, k);
    const dText = d === 0 ? "" : signed(d);
    const steps = [`${a}x${signed(a * b)}=${coefX(c)}${dText}.`, `${coefX(k)}=${rhs}.`];
    if (k !== 1) steps.push(`x=${reduceChain(rhs, k)}.`);
    return { text: `Solve for x: ${a}(x${signed(b)})=${coefX(c)}${dText}.`, steps, answer: ans };
  },
];

// ---------------------------------------------------------------------------------------------
// Number theory

const numberTheory: Generator[] = [
  // L1: remainder of a small division.
  (rng) => {
    const m = rng.int(2, 9);
    const n = rng.int(m + 1, 60);
    const q = Math.floor(n / m);
    return {
      text: `What is the remainder when ${n} is divided by ${m}?`,
      steps: [`${n}=${q}*${m}+${n % m}.`],
      answer: String(n % m),
    };
  },
  // L2: number of divisors.
  (rng) => {
    const n = rng.int(4, 99);
    const ds: number[] = [];
    for (let k = 1; k <= n; k++) if (n % k === 0) ds.push(k);
    return {
      text: `How many positive divisors does ${n} have?`,
      steps: [`Divisors: ${ds.join(",")}.`, `Count: ${ds.length}.`],
      answer: String(ds.length),
    };
  },
  // L3: gcd by Euclid's algorithm.
  (rng) => {
    const g = rng.int(2, 12);
    const a = g * rng.int(2, 9);
    let b = g * rng.int(2, 9);
    if (b === a) b += g;
    const e = euclid(a, b);
    return {
      text: `What is the greatest common divisor of ${a} and ${b}?`,
      steps: e.steps,
      answer: String(e.g),
    };
  },
  // L4: lcm via gcd.
  (rng) => {
    const a = rng.int(4, 30);
    let b = rng.int(4, 30);
    if (b === a) b++;
    const e = euclid(a, b);
    return {
      text: `What is the least common multiple of ${a} and ${b}?`,
      steps: [...e.steps, `${a}*${b}=${a * b}.`, `${a * b}/${e.g}=${(a * b) / e.g}.`],
      answer: String((a * b) / e.g),
    };
  },
  // L5: remainder of a product via remainders of the factors.
  (rng) => {
    const m = rng.int(3, 12);
    const a = rng.int(11, 99);
    const b = rng.int(11, 99);
    const ra = a % m;
    const rb = b % m;
    const p = ra * rb;
    const steps = [
      `${a}=${Math.floor(a / m)}*${m}+${ra}.`,
      `${b}=${Math.floor(b / m)}*${m}+${rb}.`,
      `${ra}*${rb}=${p}.`,
    ];
    if (p >= m) steps.push(`${p}=${Math.floor(p / m)}*${m}+${p % m}.`);
    return {
      text: `What is the remainder when ${a}*${b} is divided by ${m}?`,
      steps,
      answer: String(p % m),
    };
  },
];

// ---------------------------------------------------------------------------------------------
// Fractions

const fractions: Generator[] = [
  // L1: same denominator, proper and already reduced.
  (rng) => {
    for (;;) {
      const d = rng.int(3, 11);
      const a = rng.int(1, d - 2);
      const b = rng.int(1, d - 1 - a);
      if (gcd(a + b, d) !== 1) continue;
      return {
        text: `What is \\frac{${a}}{${d}}+\\frac{${b}}{${d}}?`,
        steps: [`${a}+${b}=${a + b}.`],
        answer: frac(a + b, d),
      };
    }
  },
  // L2: simplify.
  (rng) => {
    for (;;) {
      const q = rng.int(2, 9);
      const p = rng.int(1, q - 1);
      if (gcd(p, q) !== 1) continue;
      const k = rng.int(2, 9);
      return {
        text: `Simplify \\frac{${k * p}}{${k * q}}.`,
        steps: [`gcd(${k * p},${k * q})=${k}.`, `${k * p}/${k}=${p}.`, `${k * q}/${k}=${q}.`],
        answer: frac(p, q),
      };
    }
  },
  // L3: different denominators.
  (rng) => {
    const b = rng.int(2, 9);
    let d = rng.int(2, 9);
    if (d === b) d = b === 9 ? 2 : b + 1;
    const a = rng.int(1, b - 1);
    const c = rng.int(1, d - 1);
    const L = lcm(b, d);
    const n = a * (L / b) + c * (L / d);
    return {
      text: `What is \\frac{${a}}{${b}}+\\frac{${c}}{${d}}?`,
      steps: [`\\frac{${a * (L / b)}}{${L}}+\\frac{${c * (L / d)}}{${L}}=${reduceChain(n, L)}.`],
      answer: fractionAnswer(n, L),
    };
  },
  // L4: product, then reduce.
  (rng) => {
    const [a, b, c, d] = [rng.int(1, 9), rng.int(2, 9), rng.int(1, 9), rng.int(2, 12)];
    const n = a * c;
    const m = b * d;
    return {
      text: `What is \\frac{${a}}{${b}}\\cdot\\frac{${c}}{${d}}?`,
      steps: [`${a}*${c}=${n}.`, `${b}*${d}=${m}.`, `${reduceChain(n, m)}.`],
      answer: fractionAnswer(n, m),
    };
  },
  // L5: a/b − (c/d)·(e/f): product first, then a difference over a common denominator.
  (rng) => {
    const [a, b] = [rng.int(1, 5), rng.int(2, 6)];
    const [c, d, e, f] = [rng.int(1, 5), rng.int(2, 6), rng.int(1, 5), rng.int(2, 6)];
    const pn = c * e;
    const pd = d * f;
    const g = gcd(pn, pd);
    const [rn, rd] = [pn / g, pd / g];
    const L = lcm(b, rd);
    const x = a * (L / b);
    const y = rn * (L / rd);
    return {
      text: `What is \\frac{${a}}{${b}}-\\frac{${c}}{${d}}\\cdot\\frac{${e}}{${f}}?`,
      steps: [
        `\\frac{${c}}{${d}}\\cdot\\frac{${e}}{${f}}=${reduceChain(pn, pd)}.`,
        `\\frac{${x}}{${L}}-${frac(y, L)}=${reduceChain(x - y, L)}.`,
      ],
      answer: fractionAnswer(x - y, L),
    };
  },
];

// ---------------------------------------------------------------------------------------------
// Counting & probability

const counting: Generator[] = [
  // L1: integers in a range, inclusive.
  (rng) => {
    const a = rng.int(1, 20);
    const b = rng.int(a + 1, a + 15);
    return {
      text: `How many integers are there from ${a} to ${b}, inclusive?`,
      steps: [`${b}-${a}+1=${b - a + 1}.`],
      answer: String(b - a + 1),
    };
  },
  // L2: multiples of m up to n.
  (rng) => {
    const m = rng.int(2, 9);
    const n = rng.int(3 * m, 99);
    const q = Math.floor(n / m);
    return {
      text: `How many multiples of ${m} are there from 1 to ${n}?`,
      steps: [`${n}=${q}*${m}+${n % m}.`],
      answer: String(q),
    };
  },
  // L3: arrangements of k of n objects in a row, or the product rule.
  (rng) => {
    if (rng.chance(0.5)) {
      const [a, b, c] = [rng.int(2, 9), rng.int(2, 9), rng.int(2, 9)];
      return {
        text: `A menu has ${a} soups, ${b} mains and ${c} desserts. How many meals?`,
        steps: [`${a}*${b}=${a * b}.`, `${a * b}*${c}=${a * b * c}.`],
        answer: String(a * b * c),
      };
    }
    const n = rng.int(4, 12);
    const k = rng.int(2, 3);
    const thing = rng.pick(["books", "flags", "toys", "cards", "cups"]);
    const steps: string[] = [];
    let p = n;
    for (let j = 1; j < k; j++) {
      steps.push(`${p}*${n - j}=${p * (n - j)}.`);
      p *= n - j;
    }
    return {
      text: `In how many ways can ${k} of ${n} ${thing} be put in a row?`,
      steps,
      answer: String(p),
    };
  },
  // L4: choosing k of n (or handshakes among n people).
  (rng) => {
    const n = rng.int(5, 16);
    if (rng.chance(0.25)) {
      return {
        text: `Each of ${n} people shakes hands with each other once. How many shakes?`,
        steps: [`${n}*${n - 1}=${n * (n - 1)}.`, `${n * (n - 1)}/2=${(n * (n - 1)) / 2}.`],
        answer: String((n * (n - 1)) / 2),
      };
    }
    const k = rng.int(2, 3);
    const who = rng.pick(["students", "people", "books", "players", "colors"]);
    const steps: string[] = [];
    let p = n;
    for (let j = 1; j < k; j++) {
      steps.push(`${p}*${n - j}=${p * (n - j)}.`);
      p *= n - j;
    }
    const f = k === 2 ? 2 : 6;
    steps.push(`${p}/${f}=${p / f}.`);
    return {
      text: `How many ways can ${k} of ${n} ${who} be chosen?`,
      steps,
      answer: String(p / f),
    };
  },
  // L5: two draws without replacement: both of one color, or one color then the other.
  (rng) => {
    const [c1, c2] = rng.shuffle(["red", "blue", "green", "white", "black"]);
    const r = rng.int(2, 9);
    const b = rng.int(1, 9);
    const t = r + b;
    if (rng.chance(0.5)) {
      return {
        text: `2 balls are drawn from ${r} ${c1} and ${b} ${c2}. What is P(both ${c1})?`,
        steps: [
          `${r}+${b}=${t}.`,
          `\\frac{${r}}{${t}}\\cdot\\frac{${r - 1}}{${t - 1}}=${
            reduceChain(r * (r - 1), t * (t - 1))
          }.`,
        ],
        answer: fractionAnswer(r * (r - 1), t * (t - 1)),
      };
    }
    return {
      text: `2 balls are drawn from ${r} ${c1} and ${b} ${c2}. P(${c1} then ${c2})?`,
      steps: [
        `${r}+${b}=${t}.`,
        `\\frac{${r}}{${t}}\\cdot\\frac{${b}}{${t - 1}}=${reduceChain(r * b, t * (t - 1))}.`,
      ],
      answer: fractionAnswer(r * b, t * (t - 1)),
    };
  },
];

const GENERATORS: Record<MiniMathSubject, Generator[]> = {
  "Arithmetic": arithmetic,
  "Linear Equations": linear,
  "Number Theory": numberTheory,
  "Fractions": fractions,
  "Counting & Probability": counting,
};
