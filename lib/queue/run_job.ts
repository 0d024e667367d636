/**
 * One run of the ablation grid as a BullMQ job: what the coordinator puts in the job (the variant
 * and seed, the preset, the evaluation problems and the identity it asks for) and what the worker
 * returns (the run's files, computed with the serial grid's own code). The worker recomputes the
 * identity from its own base checkpoint and refuses a job whose identity differs — a worker with
 * another checkpoint or another version of the settings never produces a run under a wrong name.
 *
 * @module
 */
import type { Problem } from "../data/problem.ts";
import { firstDifference, shortValue } from "../ablation/first_difference.ts";
import type { RunIdentity } from "../ablation/identity.ts";
import { askedIdentity, type RunOptions } from "../ablation/run.ts";
import { computeRunFiles, type RunFiles } from "../ablation/run_files.ts";
import { type Preset, variantByName, type VariantSpec } from "../ablation/variants.ts";
import type { GRPOStepMetrics } from "../rl/grpo_trainer.ts";

/** The BullMQ queue of the ablation grid's runs. */
export const ABLATION_QUEUE = "ssr1-ablation";

/**
 * How the error begins when the worker, not the job, is at fault — the job asks for another run
 * identity than the worker computes (another base checkpoint, another version of the settings), or
 * the worker's backend cannot start — so that the worker stops (see `worker.ts`).
 */
export const WORKER_UNFIT = "this worker cannot compute the job";

/** What a run's job carries. */
export interface RunJobData {
  variant: string;
  seed: number;
  preset: Preset;
  evalProblems: Problem[];
  /** The identity the coordinator asks for: the worker refuses the job if its own differs. */
  identity: RunIdentity;
}

/** What a run's job returns. */
export interface RunJobResult {
  /** The run folder's files, `summary.json` last. */
  files: RunFiles;
  pass_at_1: number;
  /** Seconds the run took on the worker. */
  seconds: number;
  /**
   * What computed it: the backend and OpenBLAS's thread count (`null`: not OpenBLAS). sgemm's
   * summation order depends on the thread count, so runs are bit-identical only between workers
   * (or a serial grid) with the same of both.
   */
  computedWith?: { backend: string; blasThreads: number | null };
}

/** Training progress a worker reports on the job (`job.updateProgress`). */
export interface RunJobProgress {
  step: number;
  steps: number;
}

/** The job of (`variant`, `seed`) under the grid's run options. */
export function runJobData(
  variant: VariantSpec,
  seed: number,
  opts: Pick<RunOptions, "baseDir" | "preset" | "evalProblems">,
): RunJobData {
  return {
    variant: variant.name,
    seed,
    preset: opts.preset,
    evalProblems: opts.evalProblems,
    identity: askedIdentity(variant, seed, { ...opts, runsDir: "" }),
  };
}

/** How a worker computes a job. */
export interface ComputeRunJobOptions {
  /** The worker's base checkpoint folder. */
  baseDir: string;
  /** Called after every training step. */
  onProgress?: (p: RunJobProgress) => void | Promise<void>;
  /** Progress output of the run (default: a live line on stdout). */
  write?: (text: string) => void;
}

/**
 * Trains and evaluates the job's run from the worker's base checkpoint and returns its files.
 * Throws a one-line error when the job is malformed or asks for another identity than this worker
 * would compute.
 */
export async function computeRunJob(
  data: RunJobData,
  opts: ComputeRunJobOptions,
): Promise<RunJobResult> {
  if (!data || typeof data.variant !== "string" || !Number.isInteger(data.seed)) {
    throw new Error("malformed job: no variant name or integer seed");
  }
  const variant = variantByName(data.variant);
  const steps = data.preset?.grpo?.steps ?? 0;
  const runOpts = {
    baseDir: opts.baseDir,
    preset: data.preset,
    evalProblems: data.evalProblems,
    ...(opts.write ? { write: opts.write } : {}),
    ...(opts.onProgress
      ? { onStep: (m: GRPOStepMetrics) => opts.onProgress!({ step: m.step, steps }) }
      : {}),
  };
  const here = askedIdentity(variant, data.seed, { ...runOpts, runsDir: "" });
  const difference = firstDifference(data.identity, here);
  if (difference) {
    throw new Error(
      `${WORKER_UNFIT}: it asks for another run than this worker computes from ${opts.baseDir} ` +
        `(${difference.path || "identity"}: job ${shortValue(difference.recorded)}, worker ${
          shortValue(difference.asked)
        })`,
    );
  }
  const t0 = performance.now();
  const { files, summary } = await computeRunFiles(variant, data.seed, runOpts);
  return { files, pass_at_1: summary.pass_at_1, seconds: (performance.now() - t0) / 1000 };
}
