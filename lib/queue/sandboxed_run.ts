/**
 * The BullMQ sandboxed processor of a run: a worker runs each job in a worker thread (BullMQ's
 * `useWorkerThreads`), so that training and evaluation — long synchronous computations — never
 * block the worker's event loop, which keeps renewing the job's lock. A worker process that dies
 * takes its thread with it: the lock expires and BullMQ's stalled-job check hands the run to
 * another worker. The thread's settings (base checkpoint, backend) come as `workerData`.
 *
 * @module
 */
import { workerData } from "node:worker_threads";
import type { SandboxedJob } from "bullmq";
import { loadBlas } from "../backend/blas.ts";
import { initBackend } from "../backend/select.ts";
import { computeRunJob, type RunJobData, type RunJobResult, WORKER_UNFIT } from "./run_job.ts";

/** Trains and evaluates the job's run in this thread, reporting training steps as job progress. */
export default async function processRunJob(
  job: SandboxedJob<RunJobData, RunJobResult>,
): Promise<RunJobResult> {
  const settings = workerData as SandboxSettings;
  const backend = await initBackend({ backend: settings.backend }).catch((e) => {
    throw new Error(`${WORKER_UNFIT}: ${e instanceof Error ? e.message : e}`);
  });
  const blas = backend.name === "native" ? loadBlas() : null;
  const result = await computeRunJob(job.data, {
    baseDir: settings.baseDir,
    onProgress: (p) => job.updateProgress(p),
  });
  const blasThreads = blas?.ok ? blas.blas.threads : null;
  return { ...result, computedWith: { backend: backend.name, blasThreads } };
}

/** What a worker passes to its processor threads (`workerData`). */
export interface SandboxSettings {
  /** The worker's base checkpoint folder. */
  baseDir: string;
  /** A backend name, or undefined for the best available. */
  backend?: string;
}
