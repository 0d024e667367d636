/**
 * The ablation grid through a BullMQ queue: the coordinator plans the grid exactly as the serial
 * grid does (`lib/ablation/grid_plan.ts`: finished runs of the asked identity are read back, a
 * refused run stops everything), enqueues every unfinished run as a job whose id is derived from
 * the run's identity (`job_id.ts`: enqueueing twice adds nothing), then watches the queue — BullMQ
 * events wake it, and a poll of each pending job's state catches anything an event did not say.
 * Each run a worker returns is checked and written into `<results>/runs/<variant>/<seed>/`
 * atomically, `summary.json` last (`acceptRunFiles`), and its job removed; the report is written
 * once every run is finished.
 *
 * Workers hold the runs, not the coordinator: killing it loses nothing. Rerun it and it collects
 * what was finished meanwhile (completed jobs keep their files in Redis until collected), re-adds
 * jobs that vanished from Redis (flushed, or restarted without persistence), and queues again the
 * runs that failed before (fresh job, attempts counted from zero).
 *
 * @module
 */
import { type Job, Queue, QueueEvents } from "bullmq";
import type { RunSummary } from "../report/run_summary.ts";
import type { GridOptions, GridResult } from "../ablation/grid.ts";
import { pct, writeGridReport } from "../ablation/grid.ts";
import { gridRunOptions, planGrid, type PlannedRun } from "../ablation/grid_plan.ts";
import { acceptRunFiles } from "../ablation/run_files.ts";
import { type GridStatus, gridStatusLine, type RunningRun } from "./grid_status.ts";
import { runJobId } from "./job_id.ts";
import { probeRedis } from "./probe.ts";
import type { RedisTarget } from "./redis_target.ts";
import {
  ABLATION_QUEUE,
  type RunJobData,
  runJobData,
  type RunJobProgress,
  type RunJobResult,
} from "./run_job.ts";

/** Options of {@linkcode runQueuedGrid}. */
export interface QueuedGridOptions extends GridOptions {
  /** The queue's Redis. */
  target: RedisTarget;
  /** Attempts per run before it is reported failed (default 3). */
  attempts?: number;
  /** Milliseconds between polls of the pending jobs' states (default 1000). */
  pollMs?: number;
  /** Redraw the status line in place (default: whether stdout is a terminal). */
  tty?: boolean;
}

/** What {@linkcode runQueuedGrid} did (the serial grid's result). */
export type QueuedGridResult = GridResult;

/** Default attempts per run. */
export const DEFAULT_ATTEMPTS = 3;

/**
 * Runs the grid through the queue at `opts.target` and writes the report. Throws a one-line error
 * before enqueueing anything when a finished run cannot be reused or Redis cannot be reached, and
 * at the end when some runs failed after their attempts (the others are written; the report is
 * not, until a rerun finishes them).
 */
export async function runQueuedGrid(opts: QueuedGridOptions): Promise<QueuedGridResult> {
  const t0 = performance.now();
  const { target } = opts;
  const say = statusWriter(opts);
  const plan = planGrid(opts);
  await probeRedis(target);
  const attempts = opts.attempts ?? DEFAULT_ATTEMPTS;
  const connection = target.connection;
  const queue = new Queue<RunJobData, RunJobResult>(ABLATION_QUEUE, {
    connection,
    // Completed events carry the run's files: keep the stream short (the coordinator polls).
    streams: { events: { maxLen: 1000 } },
  });
  const events = new QueueEvents(ABLATION_QUEUE, { connection });
  const reportError = onceEach((e: unknown) =>
    say.line(target.redact(`ablate: queue: ${line(e)}`))
  );
  queue.on("error", reportError);
  events.on("error", reportError);
  const runs = new Map<string, RunSummary>();
  const pending = new Map<string, PlannedRun>();
  const failures: string[] = [];
  const runSeconds: number[] = [];
  const setups = new Set<string>();
  let reused = 0;
  let computed = 0;
  try {
    for (const p of plan) {
      if (p.state.kind === "finished") {
        runs.set(label(p), p.state.summary);
        reused++;
      } else pending.set(runJobId(p.identity), p);
    }
    await queue.waitUntilReady();
    const runOpts = gridRunOptions(opts);
    const add = (id: string, p: PlannedRun) =>
      queue.add("run", runJobData(p.variant, p.seed, runOpts), {
        jobId: id,
        attempts,
        backoff: { type: "exponential", delay: 1000 },
      });
    let added = 0, queued = 0, requeued = 0;
    for (const [id, p] of pending) {
      const job = await queue.getJob(id);
      if (job && (await job.getState()) !== "failed") {
        queued++;
        continue;
      }
      if (job) {
        await job.remove();
        requeued++;
      } else added++;
      await add(id, p);
    }
    say.line(
      `ablate: ${plan.length} runs through ${target.display}: ${reused} finished here, ${added} ` +
        `queued now, ${queued} already queued${
          requeued ? `, ${requeued} that failed before queued again` : ""
        }`,
    );
    // Events only wake the loop; the poll below is what decides.
    let wake = () => {};
    for (const e of ["completed", "failed", "active", "stalled", "removed"] as const) {
      events.on(e, () => wake());
    }
    events.on("stalled", ({ jobId }) => {
      const p = pending.get(jobId);
      if (p) {
        say.line(
          `ablate: ${
            label(p)
          }: its worker stopped holding it (killed or hung); BullMQ put it back ` +
            "in the queue",
        );
      }
    });
    const holders = new Map<string, string>();
    while (pending.size) {
      const states = await Promise.all([...pending.keys()].map((id) => queue.getJobState(id)));
      const running: RunningRun[] = [];
      let waiting = 0;
      for (const [i, [id, p]] of [...pending].entries()) {
        const state = states[i];
        if (state === "completed") {
          const job = await queue.getJob(id);
          const summary = job ? await collect(job, p) : null;
          if (summary) {
            runs.set(label(p), summary);
            computed++;
          }
          await job?.remove();
          pending.delete(id);
        } else if (state === "failed") {
          const job = await queue.getJob(id);
          const why = target.redact(line(job?.failedReason ?? "unknown error"));
          failures.push(`${label(p)} (${why})`);
          say.line(
            `ablate: ${label(p)}: failed after ${job?.attemptsMade ?? "?"} attempt(s): ${why}`,
          );
          pending.delete(id);
        } else if (state === "unknown") {
          await add(id, p);
          say.line(
            `ablate: ${label(p)}: its job vanished from Redis (flushed, or restarted without ` +
              "persistence); queued again",
          );
          waiting++;
        } else if (state === "active") {
          const job = await queue.getJob(id);
          const worker = job?.processedBy;
          if (worker && holders.get(id) !== worker) {
            const was = holders.get(id);
            say.line(`ablate: ${label(p)}: running on ${worker}${was ? ` (was on ${was})` : ""}`);
            holders.set(id, worker);
          }
          const progress = job?.progress as RunJobProgress | undefined;
          running.push({
            label: label(p),
            ...(worker ? { worker } : {}),
            ...(typeof progress === "object" ? { step: progress.step, steps: progress.steps } : {}),
          });
        } else waiting++;
      }
      say.status({
        done: runs.size,
        total: plan.length,
        running,
        waiting,
        failed: failures.length,
        runSeconds,
      });
      if (!pending.size) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, opts.pollMs ?? 1000);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = () => {};
    }
  } finally {
    say.end();
    await events.close().catch(() => {});
    await queue.close().catch(() => {});
  }
  if (failures.length) {
    throw new Error(
      `${failures.length} run(s) failed: ${failures.join("; ")}; the other runs are written; ` +
        "rerun the same command to queue the failed runs again (the report is written once every " +
        "run is finished)",
    );
  }
  const files = await writeGridReport(opts);
  return {
    runs: plan.map((p) => runs.get(label(p))!),
    files,
    seconds: (performance.now() - t0) / 1000,
    computed,
    reused,
  };

  /** Writes a completed job's run into its folder; `null` (reported) when it is not usable. */
  async function collect(job: Job<RunJobData, RunJobResult>, p: PlannedRun) {
    const took = job.finishedOn && job.processedOn ? (job.finishedOn - job.processedOn) / 1000 : 0;
    try {
      const files = job.returnvalue?.files;
      if (!Array.isArray(files)) throw new Error(`${label(p)}: the job returned no run files`);
      const summary = await acceptRunFiles(p.dir, p.variant.name, p.seed, p.identity, files);
      runSeconds.push(took);
      const how = computedWith(job.returnvalue);
      say.line(
        `ablate: ${label(p)}: pass@1 ${pct(summary.pass_at_1)} (${took.toFixed(0)} s on ${
          job.processedBy ?? "a worker"
        }${how ? `, ${how}` : ""})`,
      );
      if (how && !setups.has(how) && setups.size) {
        say.line(
          `ablate: warning: runs computed with different setups (${
            [...setups, how].join("; ")
          }): ` +
            "their last bits may differ from one another; give every worker the same --threads " +
            "and backend",
        );
      }
      if (how) setups.add(how);
      return summary;
    } catch (e) {
      const why = target.redact(line(e));
      failures.push(`${label(p)} (${why})`);
      say.line(`ablate: ${why}`);
      return null;
    }
  }
}

/** `native, 1 BLAS thread`, or `null` when the worker did not say. */
function computedWith(result: RunJobResult): string | null {
  const w = result.computedWith;
  if (!w) return null;
  if (w.blasThreads === null) return w.backend;
  return `${w.backend}, ${w.blasThreads} BLAS thread${w.blasThreads === 1 ? "" : "s"}`;
}

function label(p: PlannedRun): string {
  return `${p.variant.name}/${p.seed}`;
}

function line(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0];
}

/** `f` called once per distinct message (a Redis outage repeats the same error every second). */
function onceEach(f: (e: unknown) => void): (e: unknown) => void {
  const seen = new Set<string>();
  return (e) => {
    const key = line(e);
    if (seen.has(key)) return;
    seen.add(key);
    f(e);
  };
}

/** Log lines and the status line: redrawn in place on a terminal, else printed when it changes. */
function statusWriter(opts: QueuedGridOptions) {
  const log = opts.log ?? console.log;
  const encoder = new TextEncoder();
  const write = opts.write ?? ((t: string) => Deno.stdout.writeSync(encoder.encode(t)));
  const tty = opts.tty ?? Deno.stdout.isTerminal();
  let live = false;
  let shown = "";
  const clear = () => {
    if (live) write("\r\x1b[2K");
    live = false;
  };
  return {
    line(text: string) {
      clear();
      log(opts.target.redact(text));
    },
    status(s: GridStatus) {
      if (tty) {
        clear();
        write(opts.target.redact(gridStatusLine(s)));
        live = true;
        return;
      }
      const text = opts.target.redact(gridStatusLine(s, false));
      if (text !== shown) log(text);
      shown = text;
    },
    end: clear,
  };
}
