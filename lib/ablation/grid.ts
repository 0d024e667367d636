/**
 * The ablation grid: every selected variant × seed, then the report. Before anything is computed,
 * every run folder is inspected (`run_state.ts`): a finished run is read back only when it records
 * exactly the identity asked for now (`identity.ts`) and its files are intact. Any other finished
 * run — damaged, from an older layout without identity, or produced by other settings, another
 * base checkpoint or another evaluation set — stops the grid with one line naming the run folder
 * (or file) and the first field that differs, and how to proceed. The grid never deletes or
 * overwrites a finished run.
 *
 * @module
 */
import type { RunSummary } from "../report/run_summary.ts";
import { askedIdentity, runVariant } from "./run.ts";
import { gridRunOptions, type GridSelection, planGrid } from "./grid_plan.ts";
import { writeReport } from "./report.ts";
import { VARIANTS } from "./variants.ts";

/** Options of {@linkcode runGrid}: what to run (see {@linkcode GridSelection}) and where to say so. */
export interface GridOptions extends GridSelection {
  /** Progress output. */
  write?: (text: string) => void;
  /** Log lines (default: console.log). */
  log?: (line: string) => void;
}

/** What {@linkcode runGrid} did. */
export interface GridResult {
  /** Every run's summary, in grid order. */
  runs: RunSummary[];
  /** The report files written. */
  files: string[];
  /** Wall time in seconds. */
  seconds: number;
  /** Runs trained and evaluated now. */
  computed: number;
  /** Finished runs read back (same identity). */
  reused: number;
}

/**
 * Runs the grid and writes the report. Throws a one-line error, before computing anything, when a
 * finished run cannot be reused (see the module doc).
 */
export async function runGrid(opts: GridOptions): Promise<GridResult> {
  const t0 = performance.now();
  const log = opts.log ?? console.log;
  const runOpts = gridRunOptions(opts, { write: opts.write });
  const plan = planGrid(opts, runOpts);
  const runs: RunSummary[] = [];
  let computed = 0;
  let reused = 0;
  for (const { variant, seed, state } of plan) {
    const label = `${variant.name}/${seed}`;
    if (state.kind === "finished") {
      runs.push(state.summary);
      reused++;
      log(
        `${label}: pass@1 ${pct(state.summary.pass_at_1)} — read back, finished ${
          when(state.finishedAt)
        }`,
      );
      continue;
    }
    const r0 = performance.now();
    const summary = await runVariant(variant, seed, runOpts);
    runs.push(summary);
    computed++;
    log(`${label}: pass@1 ${pct(summary.pass_at_1)} (${secs(performance.now() - r0)} s)`);
  }
  const seconds = (performance.now() - t0) / 1000;
  const files = await writeGridReport(opts);
  return { runs, files, seconds, computed, reused };
}

/**
 * Writes the grid's report (tables, charts, samples) into `<resultsDir>/` from the runs in
 * `<resultsDir>/runs/`; returns the files written.
 */
export async function writeGridReport(
  opts: GridSelection & Pick<GridOptions, "log">,
): Promise<string[]> {
  const runOpts = gridRunOptions(opts);
  return await writeReport(opts.resultsDir, runOpts.runsDir, {
    preset: opts.preset.name,
    evalProblems: opts.evalProblems,
    identityOf: (name, seed) => {
      const variant = VARIANTS.find((v) => v.name === name);
      return variant ? askedIdentity(variant, seed, runOpts) : null;
    },
    warn: opts.log ?? console.log,
  });
}

/** `12.5%`. */
export function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

function secs(ms: number): string {
  return (ms / 1000).toFixed(0);
}

/** `2025-12-03 13:45 UTC`. */
function when(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
