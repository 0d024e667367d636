/**
 * MiniMath splits: the fixed held-out MiniMath-500 (100 problems per level) and the training
 * stream / pool, which never contains a held-out problem text.
 *
 * @module
 */
import {
  type GeneratedProblem,
  generateProblem,
  MINIMATH_SUBJECTS,
  type MiniMathSubject,
  type MiniMathVersion,
} from "./minimath.ts";
import { type Level, LEVELS, type Problem } from "./problem.ts";
import { createRng, deriveSeed } from "./rng.ts";

/** The seed of the held-out set. Changing it changes MiniMath-500. */
export const MINIMATH_HELDOUT_SEED = 500_500;

/** Problems per level in the held-out set. */
export const MINIMATH_HELDOUT_PER_LEVEL = 100;

const heldOutCache = new Map<MiniMathVersion, GeneratedProblem[]>();
const heldOutTexts = new Map<MiniMathVersion, Set<string>>();

/**
 * The held-out MiniMath-500 of a version (default `v1`): 100 distinct problems per level (20 per
 * subject), levels 1–5 in order. The same on every call and every machine.
 */
export function miniMathHeldOut(version: MiniMathVersion = "v1"): Problem[] {
  return miniMathHeldOutGenerated(version).map((g) => g.problem);
}

/** {@link miniMathHeldOut} with the worked steps. */
export function miniMathHeldOutGenerated(version: MiniMathVersion = "v1"): GeneratedProblem[] {
  let cached = heldOutCache.get(version);
  if (cached === undefined) {
    const rng = createRng(MINIMATH_HELDOUT_SEED);
    const seen = new Set<string>();
    const out: GeneratedProblem[] = [];
    for (const level of LEVELS) {
      for (let k = 0; k < MINIMATH_HELDOUT_PER_LEVEL; k++) {
        const subject = MINIMATH_SUBJECTS[k % MINIMATH_SUBJECTS.length];
        for (;;) {
          const g = generateProblem(rng, level, subject, version);
          if (seen.has(g.problem.problem)) continue;
          seen.add(g.problem.problem);
          out.push(g);
          break;
        }
      }
    }
    cached = out;
    heldOutCache.set(version, out);
    heldOutTexts.set(version, seen);
  }
  return cached.map((g) => ({ problem: { ...g.problem }, steps: [...g.steps] }));
}

/** `true` when `problemText` is the text of a held-out MiniMath-500 problem of `version`. */
export function isHeldOut(problemText: string, version: MiniMathVersion = "v1"): boolean {
  if (!heldOutTexts.has(version)) miniMathHeldOutGenerated(version);
  return heldOutTexts.get(version)!.has(problemText);
}

/** Options for the MiniMath training stream. */
export interface TrainStreamOptions {
  /** Levels to draw from (uniformly). Default: all five. */
  levels?: readonly Level[];
  /** Subjects to draw from (uniformly). Default: all. */
  subjects?: readonly MiniMathSubject[];
  /** MiniMath version (default `v1`). */
  version?: MiniMathVersion;
}

/**
 * An endless, seeded stream of MiniMath training problems (uniform over the given levels and
 * subjects), skipping every held-out problem. Duplicates may occur; see {@link miniMathTrainPool}.
 */
export function* miniMathTrainStream(
  seed: number,
  options: TrainStreamOptions = {},
): Generator<GeneratedProblem> {
  const levels = options.levels ?? LEVELS;
  const subjects = options.subjects ?? MINIMATH_SUBJECTS;
  if (levels.length === 0 || subjects.length === 0) throw new RangeError("no levels or subjects");
  const version = options.version ?? "v1";
  const rng = createRng(deriveSeed(seed, "minimath-train"));
  for (;;) {
    const g = generateProblem(rng, rng.pick(levels), rng.pick(subjects), version);
    if (!isHeldOut(g.problem.problem, version)) yield g;
  }
}

/** Options for {@link miniMathTrainPool}. */
export interface TrainPoolOptions extends TrainStreamOptions {
  /** Seed of the pool. */
  seed: number;
  /** Problems per level. */
  perLevel: number;
  /**
   * Avoid duplicate texts (default true). Low levels have only a few hundred distinct problems;
   * once a level's distinct problems run out, duplicates are allowed for that level.
   */
  dedupe?: boolean;
}

/**
 * A fixed pool of generated training problems: `perLevel` problems for each level (subjects
 * uniform), none held out, in level order. Bin it with `binByLevel` for curriculum sampling.
 */
export function miniMathTrainPool(options: TrainPoolOptions): Problem[] {
  const levels = options.levels ?? LEVELS;
  const dedupe = options.dedupe ?? true;
  const out: Problem[] = [];
  for (const level of levels) {
    const stream = miniMathTrainStream(deriveSeed(options.seed, "pool", level), {
      levels: [level],
      subjects: options.subjects,
      version: options.version,
    });
    const seen = new Set<string>();
    let misses = 0;
    let n = 0;
    while (n < options.perLevel) {
      const g = stream.next().value as GeneratedProblem;
      if (dedupe && misses < 2000 && seen.has(g.problem.problem)) {
        misses++;
        continue;
      }
      misses = 0;
      seen.add(g.problem.problem);
      out.push(g.problem);
      n++;
    }
  }
  return out;
}

/** The first `perLevel` MiniMath-500 problems of each level (all 500 when `perLevel` ≥ 100). */
export function miniMathHeldOutByLevel(
  perLevel: number,
  version: MiniMathVersion = "v1",
): Problem[] {
  const held = miniMathHeldOut(version);
  return LEVELS.flatMap((l) => held.filter((p) => p.level === l).slice(0, perLevel));
}
