/**
 * The pretraining corpora of the embedded base models: MiniMath problems with *imperfect* worked
 * solutions, so that a base model is a realistic starting point for RL-only training. Two recipes
 * ({@linkcode CORPUS_RECIPES}):
 *
 * - `overthink` — the seed's failure mode: correct worked steps followed by a geometric number of
 *   re-derivation and verification passes (`Wait, let me check again. …`) before the boxed answer,
 *   so the model knows the math but often runs past a short budget; a small share of slips and of
 *   missing answers keeps correctness and format meaningful.
 * - `imperfect` — the first base: slips, missing boxes and rambling. Its solution kinds:
 *
 * - `clean`: `<think>steps</think>\boxed{answer}` — the behaviour RL should find;
 * - `wrong_final`: the same steps with a slip in the final result, boxed;
 * - `no_answer`: `<think>steps</think>` and stop, with no boxed answer;
 * - `ramble`: re-check the steps again and again ("Let me check again.") until far past the
 *   token budget, so the completion is truncated without an answer.
 *
 * The mix decides the base model's pass@1; each imperfection is a choice the model makes at a
 * visible branch point (after the steps, after `</think>`, at the final digits), which is what RL
 * can re-weight without learning new arithmetic.
 *
 * @module
 */
import { createRng, deriveSeed, type Rng } from "../data/rng.ts";
import { isHeldOut } from "../data/minimath_split.ts";
import {
  type GeneratedProblem,
  generateProblem,
  MINIMATH_SUBJECTS,
  type MiniMathVersion,
} from "../data/minimath.ts";
import { LEVELS, type Problem } from "../data/problem.ts";

/** Kinds of worked solutions in the corpus. */
export type SolutionKind = "clean" | "wrong_final" | "no_answer" | "ramble";

/** Relative weights of each solution kind (normalized when drawn). */
export type CorpusMix = Record<SolutionKind, number>;

/** The mix the first (`imperfect`) base model was pretrained on (see its card). */
export const DEFAULT_MIX: CorpusMix = {
  clean: 0.25,
  wrong_final: 0.15,
  no_answer: 0.2,
  ramble: 0.4,
};

/**
 * How many re-check passes a solution makes before it closes its think block: none with
 * probability `concise`; otherwise `min` passes, then after each further one a "stop now?"
 * decision taken with probability `stop` (a geometric tail), `max` passes at most. The decision
 * to stop right after the steps is the one the policy can learn to take more often.
 */
export interface PassSpec {
  /** Probability of closing the think block right after the steps (no pass). */
  concise: number;
  /** Passes an overthinking solution makes at least (≥ 1). */
  min: number;
  /** Probability of stopping at each decision point after the `min`-th pass. */
  stop: number;
  /** Most passes a solution makes. */
  max: number;
}

/** A corpus recipe: the mix of solution kinds and the re-check passes (`null`: none). */
export interface CorpusRecipe {
  mix: CorpusMix;
  passes: PassSpec | null;
}

/** The named corpus recipes of `deno task pretrain --corpus`. */
export const CORPUS_RECIPES: Readonly<Record<string, CorpusRecipe>> = {
  imperfect: { mix: DEFAULT_MIX, passes: null },
  overthink: {
    mix: { clean: 0.9, wrong_final: 0.05, no_answer: 0.05, ramble: 0 },
    passes: { concise: 0.3, min: 3, stop: 0.4, max: 12 },
  },
  /** The overthinking mix without passes: short sequences, for a first leg that learns the math. */
  concise: {
    mix: { clean: 0.9, wrong_final: 0.05, no_answer: 0.05, ramble: 0 },
    passes: null,
  },
};

/** The recipe of a name; a one-line error lists the names. */
export function corpusRecipe(name: string): CorpusRecipe {
  const r = CORPUS_RECIPES[name];
  if (!r) {
    throw new Error(
      `--corpus: unknown recipe "${name}" (${Object.keys(CORPUS_RECIPES).join(", ")})`,
    );
  }
  return r;
}

/** Draws the number of re-check passes of one solution (0 when `spec` is null). */
export function drawPasses(spec: PassSpec | null, rng: Rng): number {
  if (!spec || rng.next() < spec.concise) return 0;
  let n = Math.min(spec.min, spec.max);
  while (n < spec.max && !(rng.next() < spec.stop)) n++;
  return n;
}

/**
 * The openings of re-check passes: the first passes each have their own (so a small model can
 * tell how far it is), later ones draw from the rest.
 */
export const PASS_OPENERS: readonly string[] = [
  "Wait, let me check again.",
  "Hmm, let me verify that once more.",
  "Let me re-derive it.",
  "Wait, is that right? Let me redo it.",
  "Let me double-check.",
];

/**
 * Pass `index` (0-based) of a re-check: an opener, the worked steps again, and the answer they
 * give restated (` Wait, let me check again. 7*8=56. 56+5=61. So the answer is 61.`).
 */
export function recheckPass(index: number, steps: string, answer: string, rng: Rng): string {
  const opener = index < 2 ? PASS_OPENERS[index] : rng.pick(PASS_OPENERS.slice(2));
  return ` ${opener} ${steps} So the answer is ${answer}.`;
}

/**
 * Parses a corpus mix from JSON (`--mix`): an object with the four kinds as keys and non-negative
 * weights; a one-line error names the bad field.
 */
export function parseMix(json: string): CorpusMix {
  const value = jsonObject("--mix", json, "an object of weights");
  const mix = { ...DEFAULT_MIX };
  for (const [k, w] of Object.entries(value)) {
    if (!(k in DEFAULT_MIX)) throw new Error(`--mix: field "${k}": unknown kind`);
    if (typeof w !== "number" || !(w >= 0)) {
      throw new Error(`--mix: field "${k}": expected a weight ≥ 0, got ${JSON.stringify(w)}`);
    }
    mix[k as SolutionKind] = w;
  }
  if (!(Object.values(mix).reduce((a, b) => a + b, 0) > 0)) throw new Error("--mix: all weights 0");
  return mix;
}

/**
 * Overrides some fields of a recipe's re-check passes from JSON (`--passes '{"concise":0.5}'`):
 * an object whose keys are {@linkcode PassSpec} fields; a one-line error names the bad field.
 * A recipe without passes takes the `overthink` recipe's as the starting point.
 */
export function parsePasses(json: string, base: PassSpec | null): PassSpec {
  const value = jsonObject("--passes", json, 'an object, e.g. {"concise":0.5}');
  const spec: PassSpec = { ...(base ?? CORPUS_RECIPES.overthink.passes!) };
  for (const [k, v] of Object.entries(value)) {
    if (!(k in spec)) throw new Error(`--passes: field "${k}": not one of concise, min, stop, max`);
    const ok = typeof v === "number" &&
      (k === "concise" || k === "stop" ? v >= 0 && v <= 1 : Number.isInteger(v) && v >= 1);
    if (!ok) {
      const want = k === "concise" || k === "stop" ? "a probability in [0, 1]" : "an integer ≥ 1";
      throw new Error(`--passes: field "${k}": expected ${want}, got ${JSON.stringify(v)}`);
    }
    spec[k as keyof PassSpec] = v as number;
  }
  if (spec.min > spec.max) throw new Error(`--passes: field "min": ${spec.min} > max ${spec.max}`);
  return spec;
}

/** The JSON object a flag holds; a one-line error names the flag otherwise. */
function jsonObject(flag: string, json: string, expected: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (e) {
    throw new Error(`${flag}: not JSON: ${(e as Error).message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`${flag}: expected ${expected}`);
  }
  return value as Record<string, unknown>;
}

/** One corpus example: a problem and the completion the model is trained to produce. */
export interface CorpusExample {
  problem: Problem;
  completion: string;
  kind: SolutionKind;
  /** Re-check passes in the completion. */
  passes: number;
}

/** The sentence a rambling solution repeats before re-doing its steps. */
export const RECHECK = " Let me check again.";

/**
 * Writes one completion of the given kind for a generated problem, with `passes` re-check passes
 * ({@linkcode recheckPass}) before `</think>` (a `wrong_final` solution re-derives its own slip).
 * `rambleChars` is how long a rambling completion runs (it never closes its think block).
 */
export function writeSolution(
  gen: GeneratedProblem,
  kind: SolutionKind,
  rng: Rng,
  rambleChars = 240,
  passes = 0,
): string {
  const steps = gen.steps.join(" ");
  const answer = gen.problem.answer;
  const think = (s: string, a: string) => {
    let text = `<think>${s}`;
    for (let i = 0; i < passes; i++) text += recheckPass(i, s, a, rng);
    return `${text}</think>`;
  };
  switch (kind) {
    case "clean":
      return `${think(steps, answer)}\\boxed{${answer}}`;
    case "no_answer":
      return think(steps, answer);
    case "wrong_final": {
      const wrong = slip(answer, rng);
      return `${think(slippedSteps(gen, wrong).join(" "), wrong)}\\boxed{${wrong}}`;
    }
    case "ramble": {
      let text = `<think>${steps}`;
      while (text.length < rambleChars) text += `${RECHECK} ${steps}`;
      return text.slice(0, rambleChars);
    }
  }
}

/** The worked steps with the designated slip: the last step's result replaced by `wrong`. */
export function slippedSteps(gen: GeneratedProblem, wrong: string): string[] {
  const last = gen.steps.length - 1;
  return gen.steps.map((s, i) => i === last ? replaceLast(s, gen.problem.answer, wrong) : s);
}

/**
 * An endless seeded stream of corpus examples over all levels and subjects, skipping every
 * held-out MiniMath-500 problem of its version. `passes` adds re-check passes to every
 * non-rambling solution.
 */
export function* corpusStream(
  seed: number,
  mix: CorpusMix = DEFAULT_MIX,
  passes: PassSpec | null = null,
  version: MiniMathVersion = "v1",
): Generator<CorpusExample> {
  const rng = createRng(deriveSeed(seed, "pretrain-corpus"));
  const kinds = Object.keys(mix) as SolutionKind[];
  const total = kinds.reduce((s, k) => s + mix[k], 0);
  if (!(total > 0)) throw new RangeError("corpus mix: weights must sum to a positive number");
  for (;;) {
    const gen = generateProblem(rng, rng.pick(LEVELS), rng.pick(MINIMATH_SUBJECTS), version);
    if (isHeldOut(gen.problem.problem, version)) continue;
    let u = rng.next() * total;
    let kind = kinds[kinds.length - 1];
    for (const k of kinds) {
      if ((u -= mix[k]) < 0) {
        kind = k;
        break;
      }
    }
    const n = kind === "ramble" ? 0 : drawPasses(passes, rng);
    yield {
      problem: gen.problem,
      completion: writeSolution(gen, kind, rng, 240, n),
      kind,
      passes: n,
    };
  }
}

/** A plausible slip in a final answer: an integer off by 1–3, or a fraction's numerator so. */
export function slip(answer: string, rng: Rng): string {
  const delta = rng.pick([-3, -2, -1, 1, 2, 3]);
  const frac = /^(-?)\\frac\{(\d+)\}\{(\d+)\}$/.exec(answer);
  if (frac) {
    const num = Math.max(1, Number(frac[2]) + delta);
    const n = num === Number(frac[2]) ? num + 1 : num;
    return `${frac[1]}\\frac{${n}}{${frac[3]}}`;
  }
  if (/^-?\d+$/.test(answer)) return String(Number(answer) + delta);
  return `${answer}1`;
}

function replaceLast(text: string, find: string, repl: string): string {
  const i = text.lastIndexOf(find);
  return i < 0 ? text : text.slice(0, i) + repl + text.slice(i + find.length);
}
