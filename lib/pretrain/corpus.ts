/**
 * The pretraining corpus of the embedded base model: MiniMath problems with *imperfect* worked
 * solutions, so that the base model is a realistic starting point for RL-only training — it can
 * often reason its way to the answer, but its pass@1 is low because it also learned to:
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
import { type GeneratedProblem, generateProblem, MINIMATH_SUBJECTS } from "../data/minimath.ts";
import { LEVELS, type Problem } from "../data/problem.ts";

/** Kinds of worked solutions in the corpus. */
export type SolutionKind = "clean" | "wrong_final" | "no_answer" | "ramble";

/** Relative weights of each solution kind (normalized when drawn). */
export type CorpusMix = Record<SolutionKind, number>;

/** The mix the embedded base model was pretrained on (see README, "The base model"). */
export const DEFAULT_MIX: CorpusMix = {
  clean: 0.25,
  wrong_final: 0.15,
  no_answer: 0.2,
  ramble: 0.4,
};

/**
 * Parses a corpus mix from JSON (`--mix`): an object with the four kinds as keys and non-negative
 * weights; a one-line error names the bad field.
 */
export function parseMix(json: string): CorpusMix {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (e) {
    throw new Error(`--mix: not JSON: ${(e as Error).message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error("--mix: expected an object of weights");
  }
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

/** One corpus example: a problem and the completion the model is trained to produce. */
export interface CorpusExample {
  problem: Problem;
  completion: string;
  kind: SolutionKind;
}

/** The sentence a rambling solution repeats before re-doing its steps. */
export const RECHECK = " Let me check again.";

/**
 * Writes one completion of the given kind for a generated problem. `rambleChars` is how long a
 * rambling completion runs (it never closes its think block within that length).
 */
export function writeSolution(
  gen: GeneratedProblem,
  kind: SolutionKind,
  rng: Rng,
  rambleChars = 240,
): string {
  const steps = gen.steps.join(" ");
  const answer = gen.problem.answer;
  switch (kind) {
    case "clean":
      return `<think>${steps}</think>\\boxed{${answer}}`;
    case "no_answer":
      return `<think>${steps}</think>`;
    case "wrong_final": {
      const wrong = slip(answer, rng);
      const last = gen.steps.length - 1;
      const slipped = gen.steps.map((s, i) => i === last ? replaceLast(s, answer, wrong) : s);
      return `<think>${slipped.join(" ")}</think>\\boxed{${wrong}}`;
    }
    case "ramble": {
      let text = `<think>${steps}`;
      while (text.length < rambleChars) text += `${RECHECK} ${steps}`;
      return text.slice(0, rambleChars);
    }
  }
}

/**
 * An endless seeded stream of corpus examples over all levels and subjects, skipping every
 * held-out MiniMath-500 problem.
 */
export function* corpusStream(
  seed: number,
  mix: CorpusMix = DEFAULT_MIX,
): Generator<CorpusExample> {
  const rng = createRng(deriveSeed(seed, "pretrain-corpus"));
  const kinds = Object.keys(mix) as SolutionKind[];
  const total = kinds.reduce((s, k) => s + mix[k], 0);
  if (!(total > 0)) throw new RangeError("corpus mix: weights must sum to a positive number");
  for (;;) {
    const gen = generateProblem(rng, rng.pick(LEVELS), rng.pick(MINIMATH_SUBJECTS));
    if (isHeldOut(gen.problem.problem)) continue;
    let u = rng.next() * total;
    let kind = kinds[kinds.length - 1];
    for (const k of kinds) {
      if ((u -= mix[k]) < 0) {
        kind = k;
        break;
      }
    }
    yield { problem: gen.problem, completion: writeSolution(gen, kind, rng), kind };
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
