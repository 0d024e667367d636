/**
 * One run of the ablation grid: train a variant from the base checkpoint with one seed, then
 * evaluate it with the shared protocol. Everything lands in `results/runs/<variant>/<seed>/`:
 *
 * - `config.json` — the run's identity (see `identity.ts`: variant, seed, preset, the resolved
 *   training and evaluation settings, sha256 of the base checkpoint's files and of the evaluation
 *   set) and the base folder it was read from;
 * - `metrics.jsonl` — one line per training step;
 * - `eval.json` — the evaluation report (without the completions);
 * - `eval_samples.jsonl` — every graded completion;
 * - `summary.json` — written last, atomically, with the time it finished: its presence marks the
 *   run finished, and a run killed before it is redone from the start.
 *
 * A finished run is read back, never recomputed, only when its recorded identity equals the one
 * asked for and its files are intact; otherwise {@link runVariant} refuses it with one line (see
 * `run_state.ts`) and leaves it as it is.
 *
 * @module
 */
import { join } from "node:path";
import type { Problem } from "../data/problem.ts";
import { deriveSeed } from "../data/rng.ts";
import { createMiniMathSampler } from "../curriculum/minimath_sampler.ts";
import { baseMiniMathVersion } from "../model/bases.ts";
import { type Schedule, shuffledSchedule, stagedSchedule } from "../curriculum/schedule.ts";
import { type EvalReport, evaluate } from "../eval/evaluate.ts";
import { writeTextAtomic } from "../io/atomic.ts";
import { loadCheckpoint } from "../model/checkpoint.ts";
import type { RunSummary } from "../report/run_summary.ts";
import { rewardPreset } from "../reward/presets.ts";
import { type GRPOConfig, type GRPOStepMetrics, GRPOTrainer } from "../rl/grpo_trainer.ts";
import { charCodec, type Policy } from "../rl/policy.ts";
import { MetricsWriter } from "../train/metrics.ts";
import { ProgressLine } from "../train/progress.ts";
import { type EvalSettings, type RunIdentity, runIdentity } from "./identity.ts";
import { inspectRun, isRefused, refusalReason, type RefusedState } from "./run_state.ts";
import type { Preset, VariantSpec } from "./variants.ts";

/** Where and how a run happens. */
export interface RunOptions {
  /** The base checkpoint folder (default {@linkcode DEFAULT_BASE_DIR}, `lib/model/bases.ts`). */
  baseDir: string;
  /** Root of the run folders (`results/runs`). */
  runsDir: string;
  /** Sizes of the run. */
  preset: Preset;
  /** The evaluation problems (the same for every run). */
  evalProblems: Problem[];
  /** Load the policy (default: the char-level checkpoint in `baseDir`). */
  loadPolicy?: (baseDir: string) => Policy;
  /** Called after every training step (notebooks draw live curves with it). */
  onStep?: (m: GRPOStepMetrics) => void | Promise<void>;
  /** Progress output (default: a live line on stdout). */
  write?: (text: string) => void;
}

/** The folder of a run. */
export function runDir(runsDir: string, variant: string, seed: number): string {
  return join(runsDir, variant, String(seed));
}

/** The GRPO config of a variant under a preset and seed. */
export function grpoConfigFor(variant: VariantSpec, preset: Preset, seed: number): GRPOConfig {
  if (!variant.train) throw new Error(`variant "${variant.name}" does not train`);
  const { beta, scale_rewards } = variant.train;
  return { ...preset.grpo, beta, ...(scale_rewards ? { scale_rewards } : {}), seed };
}

/**
 * The evaluation settings of a run: k samples per problem at temperature 0.6, top-p 0.95 (the
 * DeepSeek-R1 convention), within the rollouts' token budget, with a seed derived from the run's.
 */
export function evalSettingsFor(preset: Preset, seed: number): EvalSettings {
  return {
    samples: preset.eval_samples,
    maxNewTokens: preset.grpo.max_completion_length,
    temperature: 0.6,
    topP: 0.95,
    seed: deriveSeed(seed, "eval"),
  };
}

/** The identity a run of (`variant`, `seed`) must have under `opts` to be reused. */
export function askedIdentity(variant: VariantSpec, seed: number, opts: RunOptions): RunIdentity {
  return runIdentity({
    variant,
    seed,
    preset: opts.preset,
    train: variant.train ? grpoConfigFor(variant, opts.preset, seed) : null,
    eval: evalSettingsFor(opts.preset, seed),
    baseDir: opts.baseDir,
    evalProblems: opts.evalProblems,
  });
}

/**
 * A refused run as one line: what is wrong and how to proceed (another results folder, or delete
 * the run folder so that it is recomputed); `others` counts further refused runs.
 */
export function refusalLine(dir: string, state: RefusedState, others = 0): string {
  const reason = refusalReason(dir, state);
  if (others === 0) {
    return `${reason}; to proceed, pass another --results folder, or delete ${dir} to recompute ` +
      "that run";
  }
  return `${reason} (and ${others} more finished run(s) refused); to proceed, pass another ` +
    "--results folder, or delete the refused run folders to recompute them";
}

/**
 * The schedule of a curriculum kind over a run of `steps` steps: `staged` gives easy for the first
 * third, medium for the second, hard for the last (each later stage reviews earlier bins with 20 %
 * of its batch); `shuffled` samples the whole pool.
 */
export function curriculumSchedule(kind: "staged" | "shuffled", steps: number): Schedule {
  return kind === "staged"
    ? stagedSchedule([Math.round(steps / 3), Math.round((2 * steps) / 3)], { review: 0.2 })
    : shuffledSchedule();
}

/**
 * Trains (unless the variant is the base) and evaluates one (variant, seed); returns its summary.
 * A finished run with the asked identity is read back, not recomputed; one that is damaged,
 * records no identity, or records another throws a one-line error ({@link refusalLine}).
 */
export async function runVariant(
  variant: VariantSpec,
  seed: number,
  opts: RunOptions,
): Promise<RunSummary> {
  const dir = runDir(opts.runsDir, variant.name, seed);
  const identity = askedIdentity(variant, seed, opts);
  const state = inspectRun(dir, variant.name, seed, identity);
  if (state.kind === "finished") return state.summary;
  if (isRefused(state)) throw new Error(refusalLine(dir, state));
  Deno.mkdirSync(dir, { recursive: true });
  const preset = opts.preset;
  const grpo = identity.train;
  await writeTextAtomic(
    join(dir, "config.json"),
    JSON.stringify({ identity, base_dir: opts.baseDir }, null, 2) + "\n",
  );
  const policy = (opts.loadPolicy ?? loadCharPolicy)(opts.baseDir);
  const label = `${variant.name}/${seed}`;
  const steps: GRPOStepMetrics[] = [];
  let diverged = false;
  let trainSeconds = 0;
  try {
    if (variant.train && grpo) {
      const sampler = createMiniMathSampler({
        seed: deriveSeed(seed, "pool"),
        perLevel: preset.pool_per_level,
        batchSize: grpo.prompts_per_step,
        schedule: curriculumSchedule(variant.train.curriculum, grpo.steps),
        version: baseMiniMathVersion(opts.baseDir),
      });
      const trainer = new GRPOTrainer(policy, rewardPreset(variant.train.reward), sampler, grpo);
      const writer = MetricsWriter.open(join(dir, "metrics.jsonl"), { truncate: true });
      const bar = new ProgressLine({
        total: grpo.steps,
        label,
        ...(opts.write ? { write: opts.write } : {}),
      });
      const t0 = performance.now();
      try {
        for (let t = 0; t < grpo.steps; t++) {
          const m = trainer.step(t);
          steps.push(m);
          writer.append(m as unknown as Parameters<MetricsWriter["append"]>[0]);
          bar.update(t + 1, {
            reward: m.reward,
            accuracy: m.accuracy,
            length: m.completion_length,
            kl: m.kl,
            step_time: m.step_time,
          });
          await opts.onStep?.(m);
          if (trainer.diverged) {
            diverged = true;
            bar.log(`${label}: diverged at step ${t + 1} (non-finite loss or gradients)`);
            break;
          }
        }
      } finally {
        bar.finish();
        writer.close();
        trainer.dispose();
      }
      trainSeconds = (performance.now() - t0) / 1000;
    }
    let evalBar: ProgressLine | undefined;
    const report = evaluate(policy, opts.evalProblems, {
      ...identity.eval,
      onProgress: (done, total) =>
        (evalBar ??= new ProgressLine({
          total,
          label: `${label} eval`,
          ...(opts.write ? { write: opts.write } : {}),
        }))
          .update(done),
    });
    evalBar?.finish();
    const { results, ...summaryOfEval } = report;
    await writeTextAtomic(join(dir, "eval.json"), JSON.stringify(summaryOfEval, null, 2) + "\n");
    await writeTextAtomic(
      join(dir, "eval_samples.jsonl"),
      results.map((r) => JSON.stringify(r)).join("\n") + "\n",
    );
    const budgets = await evalBudgetSweep(variant, policy, dir, identity.eval, opts, label);
    const summary: RunSummary = {
      ...toSummary(variant.name, seed, report, steps, trainSeconds, diverged),
      finished_at: new Date().toISOString(),
    };
    summary.extra = { ...summary.extra, tokens_per_correct: tokensPerCorrect(report), ...budgets };
    await writeTextAtomic(join(dir, "summary.json"), JSON.stringify(summary, null, 2) + "\n");
    return summary;
  } finally {
    policy.model.dispose();
  }
}

/**
 * The budget sweep of a run (C6): its evaluation again at each of the preset's `eval_budgets`
 * multiples of the training budget, for the variants in `eval_budget_variants`. Each writes
 * `eval_samples@<m>x.jsonl`; the returned summary fields are `pass_at_1@<m>x`,
 * `truncation@<m>x` and `tokens_per_correct@<m>x`, or `skipped@<m>x` (the budget does not fit
 * the model's context).
 */
export async function evalBudgetSweep(
  variant: VariantSpec,
  policy: Policy,
  dir: string,
  settings: EvalSettings,
  opts: RunOptions,
  label: string,
): Promise<Record<string, number | string | null>> {
  const preset = opts.preset;
  const who = preset.eval_budget_variants ?? ["base", "zero_grpo"];
  const out: Record<string, number | string | null> = {};
  if (!preset.eval_budgets?.length || !who.includes(variant.name)) return out;
  const context = policy.model.config.max_position_embeddings;
  const longestPrompt = Math.max(
    ...opts.evalProblems.map((p) => policy.codec.encodePrompt(p).length),
  );
  for (const m of preset.eval_budgets) {
    const budget = Math.round(m * settings.maxNewTokens);
    if (longestPrompt + budget > context) {
      out[`skipped@${m}x`] = `budget ${budget} + prompt ${longestPrompt} > context ${context}`;
      continue;
    }
    let bar: ProgressLine | undefined;
    const report = evaluate(policy, opts.evalProblems, {
      ...settings,
      maxNewTokens: budget,
      onProgress: (done, total) =>
        (bar ??= new ProgressLine({
          total,
          label: `${label} eval@${m}x`,
          ...(opts.write ? { write: opts.write } : {}),
        })).update(done),
    });
    bar?.finish();
    await writeTextAtomic(
      join(dir, `eval_samples@${m}x.jsonl`),
      report.results.map((r) => JSON.stringify(r)).join("\n") + "\n",
    );
    out[`pass_at_1@${m}x`] = report.pass1;
    out[`truncation@${m}x`] = report.truncationRate;
    out[`tokens_per_correct@${m}x`] = tokensPerCorrect(report);
  }
  return out;
}

/** Generated tokens per correct answer (all completions' tokens ÷ correct ones; null if none). */
export function tokensPerCorrect(report: EvalReport): number | null {
  const correct = report.results.filter((r) => r.correct).length;
  return correct ? report.results.reduce((s, r) => s + r.length, 0) / correct : null;
}

/** The embedded char-level policy from a checkpoint folder. */
export function loadCharPolicy(dir: string): Policy {
  const { model, tokenizer } = loadCheckpoint(dir);
  return { model, codec: charCodec(tokenizer) };
}

/** An evaluation report as a {@link RunSummary} (the report's tables and charts read these). */
export function evalRunSummary(variant: string, seed: number, report: EvalReport): RunSummary {
  return {
    variant,
    seed,
    pass_at_1: report.pass1,
    maj_at_k: report.majk,
    k: report.k,
    accuracy_by_level: Object.fromEntries(
      Object.entries(report.byLevel).map(([l, g]) => [Number(l), g.pass1]),
    ),
    mean_length: report.meanLength,
    truncation_rate: report.truncationRate,
    n_eval: report.n,
  };
}

function toSummary(
  variant: string,
  seed: number,
  report: EvalReport,
  steps: GRPOStepMetrics[],
  trainSeconds: number,
  diverged: boolean,
): RunSummary {
  const mean = (f: (m: GRPOStepMetrics) => number) =>
    steps.length ? steps.reduce((s, m) => s + f(m), 0) / steps.length : null;
  return {
    ...evalRunSummary(variant, seed, report),
    train_wall_time_s: trainSeconds,
    train_steps: steps.length,
    diverged,
    extra: {
      format_rate: report.formatRate,
      eval_seconds: report.seconds,
      step_time_s: mean((m) => m.step_time),
      gen_time_s: mean((m) => m.gen_time),
      train_time_s: mean((m) => m.train_time),
      ref_time_s: mean((m) => m.ref_time),
      tensor_mb: mean((m) => m.tensor_bytes / 2 ** 20),
      skipped_steps: steps.filter((m) => m.skipped).length,
      zero_advantage_steps: steps.filter((m) => m.all_zero_advantage).length,
      monitor_time_s: mean((m) => m.monitor_time),
      drift_kl: steps.findLast((m) => m.drift_kl !== undefined)?.drift_kl ?? null,
    },
  };
}
