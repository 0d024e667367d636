/**
 * The coordinator's live status of a queued grid in one line: runs done, which run is running on
 * which worker (and at which training step), how many wait, how many failed, and an ETA from the
 * mean duration of the runs computed so far spread over the workers busy now.
 *
 * @module
 */

/** A run being computed. */
export interface RunningRun {
  /** `variant/seed`. */
  label: string;
  /** The worker's name (BullMQ's `processedBy`), when known. */
  worker?: string;
  /** Training steps done / total, when reported. */
  step?: number;
  steps?: number;
}

/** What the status line shows. */
export interface GridStatus {
  /** Runs finished in the results folder (read back or received). */
  done: number;
  /** Runs in the grid. */
  total: number;
  running: RunningRun[];
  waiting: number;
  failed: number;
  /** Seconds each run computed by a worker so far took (for the ETA). */
  runSeconds: number[];
}

/**
 * `ablate: 3/9 done · running zero_grpo/1 on ws1:812 (step 1/2), base/2 on ws2:77 · 4 waiting ·
 * 0 failed · ETA ~40 s`; `withSteps: false` leaves the steps out (a line that changes only when
 * the counts or the workers do).
 */
export function gridStatusLine(s: GridStatus, withSteps = true): string {
  const running = s.running.length
    ? `running ${
      s.running.map((r) =>
        `${r.label}${r.worker ? ` on ${r.worker}` : ""}${
          withSteps && r.step !== undefined && r.steps ? ` (step ${r.step}/${r.steps})` : ""
        }`
      ).join(", ")
    }`
    : "0 running";
  const parts = [
    `${s.done}/${s.total} done`,
    running,
    `${s.waiting} waiting`,
    `${s.failed} failed`,
  ];
  const eta = etaSeconds(s);
  if (eta !== null) parts.push(`ETA ${duration(eta)}`);
  return `ablate: ${parts.join(" · ")}`;
}

/**
 * Seconds left: the mean run duration × the runs left (running or waiting) ÷ the workers busy now
 * (at least 1); `null` before any run has been computed or when nothing is left.
 */
export function etaSeconds(s: GridStatus): number | null {
  const left = s.running.length + s.waiting;
  if (!s.runSeconds.length || left === 0) return null;
  const mean = s.runSeconds.reduce((a, b) => a + b, 0) / s.runSeconds.length;
  const workers = Math.max(1, new Set(s.running.map((r) => r.worker ?? r.label)).size);
  return (mean * left) / workers;
}

/** `~40 s`, `~3 min`, `~2.5 h`. */
export function duration(seconds: number): string {
  if (seconds < 90) return `~${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 90 * 60) return `~${Math.round(seconds / 60)} min`;
  return `~${(seconds / 3600).toFixed(1)} h`;
}
