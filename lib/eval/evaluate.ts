/**
 * Evaluation: one protocol for the base model and every trained variant. The same prompts, the
 * same token budget as training rollouts, sampling at temperature 0.6 with top-p 0.95 (the
 * DeepSeek-R1 convention), k samples per problem. Reports pass@1 (mean over the k samples),
 * maj@k (only for an odd k ≥ 3, where it is a real vote), accuracy by level and subject, mean
 * response length and truncation rate.
 *
 * @module
 */
import type { Problem } from "../data/problem.ts";
import { deriveSeed } from "../data/rng.ts";
import { extractAnswer } from "../grade/extract.ts";
import { isEquivalent } from "../grade/equivalent.ts";
import { generate } from "../model/sampler.ts";
import { isWellFormatted } from "../reward/format.ts";
import { judgedText, type Policy } from "../rl/policy.ts";

/** Evaluation settings. */
export interface EvalOptions {
  /** Samples per problem (k). */
  samples: number;
  /** Token budget per completion (the same as training rollouts). */
  maxNewTokens: number;
  /** Sampling temperature (default 0.6). */
  temperature?: number;
  /** Nucleus mass (default 0.95). */
  topP?: number;
  /** Seed: sample j of problem i always gets the same sampling seed, whatever the batching. */
  seed: number;
  /** Sequences generated together (default 256). */
  batchSize?: number;
  /** Called after each batch with (completions done, total). */
  onProgress?: (done: number, total: number) => void;
}

/** One graded completion. */
export interface SampleResult {
  /** Index of the problem in the evaluated list. */
  problem: number;
  /** Which of the k samples. */
  sample: number;
  /** The completion text. */
  completion: string;
  /** `<think>…</think>` then a boxed answer (see `lib/reward/format.ts`). */
  wellFormatted: boolean;
  /** The extracted final answer (null: none found). */
  answer: string | null;
  /** Whether the answer is equivalent to the gold answer. */
  correct: boolean;
  /** Completion length in tokens (EOS excluded). */
  length: number;
  /** Hit the token budget without EOS. */
  truncated: boolean;
}

/** Accuracy of a group of problems. */
export interface GroupScore {
  /** Problems in the group. */
  n: number;
  /** Mean over problems of the per-problem mean accuracy over k samples. */
  pass1: number;
}

/** Evaluation report. */
export interface EvalReport {
  /** Problems evaluated. */
  n: number;
  /** Samples per problem. */
  k: number;
  /** pass@1 averaged over the k samples. */
  pass1: number;
  /**
   * Majority vote over the k extracted answers (equivalence classes by the grader): the fraction
   * of problems whose most-voted answer is correct. `null` unless k is odd and ≥ 3 — with an even
   * k (maj@2 above all) a tie is common and no vote decides it.
   */
  majk: number | null;
  /** pass@1 by level ("1".."5"). */
  byLevel: Record<string, GroupScore>;
  /** pass@1 by subject. */
  bySubject: Record<string, GroupScore>;
  /** Mean completion length in tokens. */
  meanLength: number;
  /** Fraction of completions cut at the budget. */
  truncationRate: number;
  /** Fraction of completions with a well-formed `<think>…</think>` and a boxed answer. */
  formatRate: number;
  /** Generated tokens per second. */
  tokensPerSecond: number;
  /** Wall time in seconds. */
  seconds: number;
  /** Every graded completion. */
  results: SampleResult[];
}

/** Evaluate `policy` on `problems` with k samples each; see {@linkcode EvalOptions}. */
export function evaluate(policy: Policy, problems: Problem[], opts: EvalOptions): EvalReport {
  const t0 = performance.now();
  const k = opts.samples;
  if (!(k >= 1)) throw new RangeError(`evaluate: samples must be ≥ 1, got ${k}`);
  const batchSize = opts.batchSize ?? 256;
  const jobs: { problem: number; sample: number }[] = [];
  for (let i = 0; i < problems.length; i++) {
    for (let j = 0; j < k; j++) jobs.push({ problem: i, sample: j });
  }
  // Sorting by prompt length keeps left padding small; results do not depend on the order.
  const prompts = problems.map((p) => policy.codec.encodePrompt(p));
  jobs.sort((a, b) => prompts[a.problem].length - prompts[b.problem].length);
  const results: SampleResult[] = new Array(jobs.length);
  let tokens = 0;
  for (let start = 0; start < jobs.length; start += batchSize) {
    const batch = jobs.slice(start, start + batchSize);
    const out = generate(policy.model, batch.map((j) => prompts[j.problem]), {
      maxNewTokens: opts.maxNewTokens,
      temperature: opts.temperature ?? 0.6,
      topP: opts.topP ?? 0.95,
      eosId: policy.codec.eosId,
      padId: policy.codec.padId,
      seeds: batch.map((j) => deriveSeed(opts.seed, "eval", j.problem, j.sample)),
    });
    batch.forEach((job, b) => {
      const ids = out.tokens[b];
      tokens += ids.length;
      const completion = policy.codec.decode(ids);
      const answer = extractAnswer(completion);
      const gold = problems[job.problem].answer;
      results[start + b] = {
        problem: job.problem,
        sample: job.sample,
        completion,
        wellFormatted: isWellFormatted(judgedText(policy.codec, completion)),
        answer,
        correct: answer !== null && isEquivalent(answer, gold),
        length: ids.length,
        truncated: !out.finished[b],
      };
    });
    opts.onProgress?.(Math.min(start + batchSize, jobs.length), jobs.length);
  }
  results.sort((a, b) => a.problem - b.problem || a.sample - b.sample);
  return summarize(problems, results, k, tokens, (performance.now() - t0) / 1000);
}

/** Aggregate graded completions (ordered by problem, then sample) into an {@linkcode EvalReport}. */
export function summarize(
  problems: Problem[],
  results: SampleResult[],
  k: number,
  tokens = 0,
  seconds = 0,
): EvalReport {
  const perProblem = problems.map((_, i) => results.slice(i * k, (i + 1) * k));
  const acc = perProblem.map((rs) => rs.filter((r) => r.correct).length / k);
  const group = (key: (p: Problem) => string) => {
    const out: Record<string, GroupScore> = {};
    problems.forEach((p, i) => {
      const g = (out[key(p)] ??= { n: 0, pass1: 0 });
      g.n++;
      g.pass1 += acc[i];
    });
    for (const g of Object.values(out)) g.pass1 /= g.n;
    return out;
  };
  const mean = (xs: number[]) => xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
  return {
    n: problems.length,
    k,
    pass1: mean(acc),
    majk: hasMajorityVote(k) ? mean(perProblem.map((rs) => majorityCorrect(rs) ? 1 : 0)) : null,
    byLevel: group((p) => String(p.level)),
    bySubject: group((p) => p.subject),
    meanLength: mean(results.map((r) => r.length)),
    truncationRate: mean(results.map((r) => r.truncated ? 1 : 0)),
    formatRate: mean(results.map((r) => r.wellFormatted ? 1 : 0)),
    tokensPerSecond: seconds > 0 ? tokens / seconds : 0,
    seconds,
    results,
  };
}

/** Whether k samples make a real majority vote: k odd and at least 3 (maj@k is reported). */
export function hasMajorityVote(k: number): boolean {
  return Number.isInteger(k) && k >= 3 && k % 2 === 1;
}

/**
 * Whether the majority answer of a problem's samples is correct: answers are grouped into
 * equivalence classes by the grader and the class with the most votes wins; samples without an
 * answer do not vote. A tie for the most votes elects nobody (not correct), so the result does not
 * depend on the samples' order.
 */
export function majorityCorrect(samples: SampleResult[]): boolean {
  const classes: { answer: string; votes: number; correct: boolean }[] = [];
  for (const s of samples) {
    if (s.answer === null) continue;
    const c = classes.find((c) => isEquivalent(c.answer, s.answer!));
    if (c) c.votes++;
    else classes.push({ answer: s.answer, votes: 1, correct: s.correct });
  }
  const most = Math.max(0, ...classes.map((c) => c.votes));
  const winners = classes.filter((c) => c.votes === most);
  return winners.length === 1 && winners[0].correct;
}
