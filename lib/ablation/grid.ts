/**
 * The ablation grid: every selected variant × seed, run in order (finished runs are read back,
 * not recomputed), then the report.
 *
 * @module
 */
import type { Problem } from "../data/problem.ts";
import type { RunSummary } from "../report/run_summary.ts";
import { type RunOptions, runVariant } from "./run.ts";
import { writeReport } from "./report.ts";
import { type Preset, variantByName, VARIANTS } from "./variants.ts";

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

/** Runs the grid and writes the report; returns every run's summary and the files written. */
export async function runGrid(
  opts: GridOptions,
): Promise<{ runs: RunSummary[]; files: string[]; seconds: number }> {
  const t0 = performance.now();
  const log = opts.log ?? console.log;
  const variants = opts.only?.length ? opts.only.map(variantByName) : [...VARIANTS];
  const seeds = opts.seeds ?? opts.preset.seeds;
  const runOpts: RunOptions = {
    baseDir: opts.baseDir,
    runsDir: `${opts.resultsDir}/runs`,
    preset: opts.preset,
    evalProblems: opts.evalProblems,
    write: opts.write,
  };
  const runs: RunSummary[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    for (const variant of variants) {
      const r0 = performance.now();
      const summary = await runVariant(variant, seed, runOpts);
      runs.push(summary);
      log(
        `${variant.name}/${seed}: pass@1 ${(100 * summary.pass_at_1).toFixed(1)}% ` +
          `(${((performance.now() - r0) / 1000).toFixed(0)} s)`,
      );
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const files = await writeReport(opts.resultsDir, runOpts.runsDir, {
    preset: opts.preset.name,
    wallSeconds: seconds,
    evalProblems: opts.evalProblems,
  });
  return { runs, files, seconds };
}
