/**
 * A worker of the queued ablation grid: a BullMQ worker that takes one run at a time and computes
 * it in a worker thread (`sandboxed_run.ts`) with the serial grid's code, returning the run's
 * files as the job's result. BullMQ does the rest: the job's lock is renewed while the run goes
 * on; when a worker dies its lock expires and the stalled-job check of any live worker puts the
 * run back in the queue (at most {@linkcode MAX_STALLS} times, then it fails); a run that throws is
 * retried with the attempts the coordinator set, then failed with its error. A worker that cannot
 * compute the grid's runs (a job asks for another run identity — another base checkpoint, another
 * version of the settings — or its backend cannot start) fails that attempt and stops, rather than
 * failing every run in the queue.
 *
 * @module
 */
import { Worker } from "bullmq";
import type { RedisTarget } from "./redis_target.ts";
import { ABLATION_QUEUE, type RunJobData, type RunJobResult, WORKER_UNFIT } from "./run_job.ts";
import type { SandboxSettings } from "./sandboxed_run.ts";

/** How a worker works. */
export interface RunWorkerOptions {
  target: RedisTarget;
  /** Base checkpoint folder on this machine. */
  baseDir: string;
  /** Backend name (default: the best available). */
  backend?: string;
  /** The worker's name, stored on each job it takes (default `<hostname>:<pid>`). */
  name?: string;
  /**
   * Seconds a job's lock lasts without renewal, and between stalled-job checks (default 30): a
   * killed worker's run goes back to the queue after about twice this.
   */
  lockSeconds?: number;
  /** Log lines (default: console.log). */
  log?: (line: string) => void;
  /**
   * Called (after the job's attempt has failed) when the worker cannot compute the grid's runs: a
   * job asked for another run identity (its base checkpoint or settings differ from the grid's) or
   * its backend cannot start. Default: the worker closes, so that it cannot eat the attempts of
   * every run in the queue.
   */
  onUnfit?: (why: string) => void;
}

/** A running worker. */
export interface RunWorker {
  /** Its name. */
  name: string;
  /** The run being computed now (`variant/seed`), or null when idle. */
  current(): string | null;
  /**
   * Stops taking jobs; resolves when the current run (if any) has finished and been returned.
   * `force`: do not wait for the current run (its lock expires and it goes back to the queue).
   */
  close(force?: boolean): Promise<void>;
}

/** Times a run may lose its worker (killed, hung) and go back to the queue before it fails. */
export const MAX_STALLS = 2;

/** Default lock duration and stalled-check interval, in seconds (BullMQ's defaults). */
export const DEFAULT_LOCK_SECONDS = 30;

/** Starts a worker on `opts.target`'s queue; resolves once it is connected and waiting for jobs. */
export async function startRunWorker(opts: RunWorkerOptions): Promise<RunWorker> {
  const log = (text: string) => (opts.log ?? console.log)(opts.target.redact(text));
  const name = opts.name ?? `${Deno.hostname()}:${Deno.pid}`;
  const lockMs = Math.round((opts.lockSeconds ?? DEFAULT_LOCK_SECONDS) * 1000);
  const workerData: SandboxSettings = {
    baseDir: opts.baseDir,
    ...(opts.backend ? { backend: opts.backend } : {}),
  };
  const worker = new Worker<RunJobData, RunJobResult>(
    ABLATION_QUEUE,
    new URL("./sandboxed_run.ts", import.meta.url).pathname,
    {
      connection: opts.target.connection,
      name,
      concurrency: 1,
      useWorkerThreads: true,
      workerThreadsOptions: { workerData },
      lockDuration: lockMs,
      stalledInterval: lockMs,
      maxStalledCount: MAX_STALLS,
      autorun: false,
    },
  );
  const label = (job?: { data?: RunJobData; id?: string }) =>
    job?.data ? `${job.data.variant}/${job.data.seed}` : job?.id ?? "a job";
  let lastError = "";
  let current: string | null = null;
  worker.on("error", (e) => {
    const text = firstLine(e);
    if (text !== lastError) log(`worker ${name}: queue error: ${text}`);
    lastError = text;
  });
  worker.on("active", (job) => {
    lastError = "";
    current = label(job);
    log(
      `worker ${name}: ${label(job)} started (attempt ${job.attemptsMade + 1} of ${
        job.opts.attempts ?? 1
      })`,
    );
  });
  worker.on("completed", (job, result) => {
    current = null;
    log(
      `worker ${name}: ${label(job)} done in ${result.seconds.toFixed(1)} s, pass@1 ${
        (100 * result.pass_at_1).toFixed(1)
      }%`,
    );
  });
  worker.on("failed", (job, e) => {
    current = null;
    const attempts = job?.opts.attempts ?? 1;
    const made = job?.attemptsMade ?? attempts;
    const next = made < attempts ? "; it will be retried" : "; no attempts left, reported failed";
    log(
      `worker ${name}: ${label(job)} failed (attempt ${made} of ${attempts}): ${
        firstLine(e)
      }${next}`,
    );
    if (firstLine(e).startsWith(WORKER_UNFIT)) {
      log(`worker ${name}: stopping`);
      if (opts.onUnfit) opts.onUnfit(firstLine(e));
      else worker.close(true).catch(() => {});
    }
  });
  worker.on("stalled", (jobId) => {
    log(`worker ${name}: job ${jobId} lost its worker (lock expired); put back in the queue`);
  });
  await worker.waitUntilReady();
  worker.run().catch((e) => log(`worker ${name}: stopped: ${firstLine(e)}`));
  return { name, current: () => current, close: (force = false) => worker.close(force) };
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0];
}
