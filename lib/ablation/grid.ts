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
import type { Problem } from "../data/problem.ts";
import type { RunSummary } from "../report/run_summary.ts";
import { askedIdentity, refusalLine, runDir, type RunOptions, runVariant } from "./run.ts";
import { inspectRun, isRefused, type RunState } from "./run_state.ts";
import { writeReport } from "./report.ts";
import {
  DEFAULT_GRID,
  type Preset,
  variantByName,
  VARIANTS,
  type VariantSpec,
} from "./variants.ts";

/** Options of {@linkcode runGrid}. */
export interface GridOptions {
  preset: Preset;
  /** Seeds per variant (default: the preset's); seeds are 1..N. */
  seeds?: number;
  /** Variant names to run (default: all). */
  only?: string[];
  /** Base checkpoint folder. */
  baseDir: string;
  /** Results folder: runs go to `<resultsDir>/runs/`, tables and charts to `<resultsDir>/`. */
  resultsDir: string;
  /** Evaluation problems. */
  evalProblems: Problem[];
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
  const variants = (opts.only?.length ? opts.only : opts.preset.variants ?? DEFAULT_GRID).map(
    variantByName,
  );
  const seeds = opts.seeds ?? opts.preset.seeds;
  const runOpts: RunOptions = {
    baseDir: opts.baseDir,
    runsDir: `${opts.resultsDir}/runs`,
    preset: opts.preset,
    evalProblems: opts.evalProblems,
    write: opts.write,
  };
  const plan: { variant: VariantSpec; seed: number; dir: string; state: RunState }[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    for (const variant of variants) {
      const dir = runDir(runOpts.runsDir, variant.name, seed);
      const identity = askedIdentity(variant, seed, runOpts);
      plan.push({ variant, seed, dir, state: inspectRun(dir, variant.name, seed, identity) });
    }
  }
  const refused = plan.flatMap((p) => isRefused(p.state) ? [{ dir: p.dir, state: p.state }] : []);
  if (refused.length) {
    throw new Error(refusalLine(refused[0].dir, refused[0].state, refused.length - 1));
  }
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
  const files = await writeReport(opts.resultsDir, runOpts.runsDir, {
    preset: opts.preset.name,
    evalProblems: opts.evalProblems,
    identityOf: (name, seed) => {
      const variant = VARIANTS.find((v) => v.name === name);
      return variant ? askedIdentity(variant, seed, runOpts) : null;
    },
    warn: log,
  });
  return { runs, files, seconds, computed, reused };
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

function secs(ms: number): string {
  return (ms / 1000).toFixed(0);
}

/** `2025-12-03 13:45 UTC`. */
function when(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
