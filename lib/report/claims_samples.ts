/**
 * What the runs of a claims testbed actually do, for `results/claims.md`: how each variant's
 * evaluation samples end (correct, truncated at the budget, no answer, a wrong answer) and
 * sample completions that show a difference — the problem where one variant beats another most
 * often, with a completion of each.
 *
 * @module
 */
import { join } from "node:path";
import { evalSetIdentity } from "../ablation/identity.ts";
import { miniMathHeldOutByLevel } from "../data/minimath_split.ts";
import { MINIMATH_VERSIONS } from "../data/minimath.ts";
import type { Problem } from "../data/problem.ts";
import { parseJsonl } from "../data/jsonl.ts";
import type { SampleResult } from "../eval/evaluate.ts";
import { runSeeds } from "./claims.ts";

/**
 * Outcome shares of a variant's evaluation samples over all its seeds (percent): correct,
 * truncated at the budget, stopped without an answer, a wrong answer; and the mean length.
 */
export function failureProfileRows(
  runsDir: string,
  variants: readonly string[],
): Record<string, unknown>[] {
  return variants.flatMap((variant) => {
    const samples = variantSamples(runsDir, variant).flatMap((s) => s.samples);
    if (!samples.length) return [];
    const pct = (f: (r: SampleResult) => boolean) =>
      100 * samples.filter(f).length / samples.length;
    return [{
      variant,
      samples: samples.length,
      correct: pct((r) => r.correct),
      truncated: pct((r) => !r.correct && r.truncated),
      no_answer: pct((r) => !r.correct && !r.truncated && r.answer === null),
      wrong_answer: pct((r) => !r.correct && !r.truncated && r.answer !== null),
      length: samples.reduce((a, r) => a + r.length, 0) / samples.length,
    }];
  });
}

/** One contrast: the problem where `better` is right most often relative to `worse`. */
export interface SampleContrast {
  problem: Problem;
  index: number;
  better: { variant: string; rate: number; sample?: SampleResult & { seed: number } };
  worse: { variant: string; rate: number; sample?: SampleResult & { seed: number } };
}

/**
 * The evaluation problem with the largest gap in correct rate (over all seeds and samples)
 * between `better` and `worse` (the first on ties), with a correct completion of `better` and a
 * failed one of `worse` (first seed, first sample that qualifies); null when either variant has
 * no samples or `better` is never ahead.
 */
export function contrastSample(
  runsDir: string,
  problems: readonly Problem[],
  better: string,
  worse: string,
): SampleContrast | null {
  const a = variantSamples(runsDir, better), b = variantSamples(runsDir, worse);
  if (!a.length || !b.length) return null;
  const ra = correctRates(a, problems.length), rb = correctRates(b, problems.length);
  let index = -1, gap = 0;
  for (let i = 0; i < problems.length; i++) {
    if (ra[i] - rb[i] > gap) [index, gap] = [i, ra[i] - rb[i]];
  }
  if (index < 0) return null;
  const pick = (runs: SeedSamples[], correct: boolean) => {
    for (const { seed, samples } of runs) {
      const s = samples.find((r) => r.problem === index && r.correct === correct);
      if (s) return { ...s, seed };
    }
    return undefined;
  };
  return {
    problem: problems[index],
    index,
    better: { variant: better, rate: ra[index], sample: pick(a, true) },
    worse: { variant: worse, rate: rb[index], sample: pick(b, false) },
  };
}

/** A contrast as Markdown: the problem, then each side's completion in a code block. */
export function contrastMarkdown(c: SampleContrast): string {
  const side = (s: SampleContrast["better"]) => {
    const head = `\`${s.variant}\`, right in ${(100 * s.rate).toFixed(0)} % of its samples`;
    if (!s.sample) return [`${head}.`];
    const r = s.sample;
    const how = r.correct
      ? "correct"
      : r.truncated
      ? "cut off at the budget"
      : r.answer === null
      ? "no answer"
      : `answered ${r.answer}`;
    return [
      `${head}; seed ${r.seed}, sample ${r.sample} (${r.length} tokens, ${how}):`,
      "",
      "```",
      r.completion,
      "```",
    ];
  };
  return [
    `Problem ${c.index} (level ${c.problem.level}, ${c.problem.subject}; answer ` +
    `${c.problem.answer}): \`${c.problem.problem}\``,
    "",
    ...side(c.better),
    "",
    ...side(c.worse),
  ].join("\n");
}

/**
 * The evaluation problems a testbed's runs were scored on: the held-out MiniMath set (by level)
 * whose identity (count and hash) the first run's `config.json` records; null when no run is
 * there or no version matches.
 */
export function testbedEvalProblems(
  runsDir: string,
  variants: readonly string[],
): Problem[] | null {
  for (const v of variants) {
    for (const seed of runSeeds(runsDir, v)) {
      let id: { n: number; sha256: string } | undefined;
      try {
        const config = JSON.parse(
          Deno.readTextFileSync(join(runsDir, v, String(seed), "config.json")),
        );
        id = config.identity?.eval_set;
      } catch {
        continue;
      }
      if (!id || id.n % 5) return null;
      for (const version of MINIMATH_VERSIONS) {
        const problems = miniMathHeldOutByLevel(id.n / 5, version);
        if (evalSetIdentity(problems).sha256 === id.sha256) return problems;
      }
      return null;
    }
  }
  return null;
}

interface SeedSamples {
  seed: number;
  samples: SampleResult[];
}

/** Every finished seed's `eval_samples.jsonl` of a variant, seeds ascending. */
function variantSamples(runsDir: string, variant: string): SeedSamples[] {
  return runSeeds(runsDir, variant).flatMap((seed) => {
    const path = join(runsDir, variant, String(seed), "eval_samples.jsonl");
    try {
      const text = Deno.readTextFileSync(path);
      return [{ seed, samples: parseJsonl(text, path).map((r) => r.value as SampleResult) }];
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return [];
      throw e;
    }
  });
}

/** Per problem: the share of correct samples over all seeds. */
function correctRates(runs: SeedSamples[], n: number): number[] {
  const right = new Array(n).fill(0), all = new Array(n).fill(0);
  for (const { samples } of runs) {
    for (const r of samples) {
      if (r.problem < 0 || r.problem >= n) continue;
      all[r.problem]++;
      if (r.correct) right[r.problem]++;
    }
  }
  return right.map((c, i) => (all[i] ? c / all[i] : 0));
}
