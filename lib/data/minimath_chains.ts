/**
 * MiniMath v2 ("chains"): the same five subjects, but every worked step is one easy operation —
 * a running value (0–99) plus or minus one digit, or one times-table fact — and the level is the
 * number of steps (level 1 = one step, level 5 = five). Difficulty grows with the length of the
 * reasoning rather than with harder arithmetic, which is the gradient a sub-million-parameter
 * model can learn and still fail at: every step is within reach, a long chain of them is not
 * always, and a re-check of a long chain is long.
 *
 * MiniMath v1 ({@link ./minimath.ts}) stays for the first base (`imperfect-0.8m`), which was
 * pretrained and evaluated on it; a base records its version in `pretrain.json` (`minimath`).
 *
 * | subject | problem (level 3) | steps |
 * |---|---|---|
 * | Arithmetic | `What is 6*7-5+8?` | `6*7=42. 42-5=37. 37+8=45.` |
 * | Linear Equations | `Solve for x: x+6-3+9=20.` | `20-9=11. 11+3=14. x=14-6=8.` |
 * | Number Theory | `What is the sum of the digits of 4725?` | `4+7=11. 11+2=13. 13+5=18.` |
 * | Fractions | `What is \frac{3}{7}+\frac{5}{7}-\frac{2}{7}?` | `3+5=8. 8-2=6.` |
 * | Counting & Probability | `A box has 3 red, 5 blue and 2 green balls. How many balls?` | `3+5=8. 8+2=10.` |
 *
 * @module
 */
import type { Level } from "./problem.ts";
import type { Rng } from "./rng.ts";

/** Length limits every v2 problem respects (characters). */
export const CHAINS_LIMITS = { problem: 90, solution: 150 } as const;

/** A v2 generator's output: problem text, worked steps (each ending in `.`), answer. */
export interface ChainGen {
  text: string;
  steps: string[];
  answer: string;
}

/** One easy step applied to a running value: `v op b = result`. */
interface Op {
  op: "+" | "-";
  b: number;
}

/**
 * `n` random `±digit` operations starting at `start`, every running value kept in [0, 99]
 * (an operation that would leave the range takes the other sign).
 */
function drawOps(rng: Rng, start: number, n: number): Op[] {
  const ops: Op[] = [];
  let v = start;
  for (let i = 0; i < n; i++) {
    const b = rng.int(1, 9);
    let op: "+" | "-" = rng.chance(0.55) ? "+" : "-";
    if (op === "-" && v - b < 0) op = "+";
    if (op === "+" && v + b > 99) op = "-";
    v = op === "+" ? v + b : v - b;
    ops.push({ op, b });
  }
  return ops;
}

/** Applies `ops` from `start`, writing one step each: `12-3=9.`; returns steps and the result. */
function runOps(start: number, ops: readonly Op[]): { steps: string[]; value: number } {
  const steps: string[] = [];
  let v = start;
  for (const { op, b } of ops) {
    const next = op === "+" ? v + b : v - b;
    steps.push(`${v}${op}${b}=${next}.`);
    v = next;
  }
  return { steps, value: v };
}

/** `+5-3+8` */
function opsText(ops: readonly Op[], term: (b: number) => string = String): string {
  return ops.map(({ op, b }) => `${op}${term(b)}`).join("");
}

const PRIME_DENOMINATORS = [7, 11, 13] as const;
const COLORS = ["red", "blue", "green", "white", "black", "pink"] as const;
const THINGS = ["balls", "beads", "pens", "cards"] as const;
const CONTAINERS: Record<(typeof THINGS)[number], string> = {
  balls: "A box has",
  beads: "A jar has",
  pens: "A cup has",
  cards: "A deck has",
};

/** The v2 generators, per subject: one function for every level (the level is the step count). */
export const CHAIN_GENERATORS: Record<string, (rng: Rng, level: Level) => ChainGen> = {
  /** `What is 7+5-3?` (L ± steps) or `What is 6*7-5?` (a times-table fact, then L − 1 steps). */
  "Arithmetic": (rng, level) => {
    if (rng.chance(0.4)) {
      const a = rng.int(2, 9);
      const b = rng.int(2, 9);
      const ops = drawOps(rng, a * b, level - 1);
      const run = runOps(a * b, ops);
      return {
        text: `What is ${a}*${b}${opsText(ops)}?`,
        steps: [`${a}*${b}=${a * b}.`, ...run.steps],
        answer: String(run.value),
      };
    }
    const a = rng.int(1, 9);
    const ops = drawOps(rng, a, level);
    const run = runOps(a, ops);
    return { text: `What is ${a}${opsText(ops)}?`, steps: run.steps, answer: String(run.value) };
  },

  /** `Solve for x: x+6-3+9=20.`: undo the terms from the right, one step each. */
  "Linear Equations": (rng, level) => {
    const x = rng.int(0, 20);
    const ops = drawOps(rng, x, level);
    const forward = runOps(x, ops);
    const steps: string[] = [];
    let v = forward.value;
    for (let i = ops.length - 1; i >= 0; i--) {
      const { op, b } = ops[i];
      const prev = op === "+" ? v - b : v + b;
      steps.push(`${i === 0 ? "x=" : ""}${v}${op === "+" ? "-" : "+"}${b}=${prev}.`);
      v = prev;
    }
    return { text: `Solve for x: x${opsText(ops)}=${forward.value}.`, steps, answer: String(x) };
  },

  /** `What is the sum of the digits of 4725?`: a number of L + 1 digits, one addition per digit. */
  "Number Theory": (rng, level) => {
    const digits = [rng.int(1, 9)];
    for (let i = 0; i < level; i++) digits.push(rng.int(0, 9));
    const run = runOps(digits[0], digits.slice(1).map((b) => ({ op: "+" as const, b })));
    return {
      text: `What is the sum of the digits of ${digits.join("")}?`,
      steps: run.steps,
      answer: String(run.value),
    };
  },

  /** `What is \frac{3}{7}+\frac{5}{7}-\frac{2}{7}?`: L + 1 terms over one prime denominator. */
  "Fractions": (rng, level) => {
    const d = rng.pick(PRIME_DENOMINATORS);
    for (;;) {
      const a = rng.int(1, 9);
      const ops = drawOps(rng, a, level);
      const run = runOps(a, ops);
      if (run.value <= 0 || run.value % d === 0) continue;
      const f = (n: number) => `\\frac{${n}}{${d}}`;
      return {
        text: `What is ${f(a)}${opsText(ops, f)}?`,
        steps: run.steps,
        answer: f(run.value),
      };
    }
  },

  /** `A box has 3 red, 5 blue and 2 green balls. How many balls?`: L + 1 groups, added. */
  "Counting & Probability": (rng, level) => {
    const colors = rng.shuffle([...COLORS]).slice(0, level + 1);
    const counts = colors.map(() => rng.int(1, 9));
    const things = rng.pick(THINGS);
    const ops = counts.slice(1).map((b) => ({ op: "+" as const, b }));
    const run = runOps(counts[0], ops);
    const groups = colors.map((c, i) => `${counts[i]} ${c}`);
    const list = `${groups.slice(0, -1).join(", ")} and ${groups[groups.length - 1]}`;
    return {
      text: `${CONTAINERS[things]} ${list} ${things}. How many ${things}?`,
      steps: run.steps,
      answer: String(run.value),
    };
  },
};
