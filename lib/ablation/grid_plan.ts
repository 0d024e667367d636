/**
 * The plan of an ablation grid: every selected (variant, seed) with its run folder, the identity
 * it must have, and the state of that folder (`run_state.ts`). The serial grid and the queued grid
 * (`lib/queue/`) plan alike: a finished run of the asked identity is read back, an unfinished one
 * is computed, and any refused run stops the grid before anything is computed.
 *
 * @module
 */
import type { Problem } from "../data/problem.ts";
import type { RunIdentity } from "./identity.ts";
import { askedIdentity, refusalLine, runDir, type RunOptions } from "./run.ts";
import { inspectRun, isRefused, type RunState } from "./run_state.ts";
import { DEFAULT_GRID, type Preset, variantByName, type VariantSpec } from "./variants.ts";

/** What a grid is asked for (the run-selecting part of `GridOptions`). */
export interface GridSelection {
  preset: Preset;
  /** Seeds per variant (default: the preset's); seeds are 1..N. */
  seeds?: number;
  /** Variant names to run (default: all). */
  only?: string[];
  /** Base checkpoint folder. */
  baseDir: string;
  /** Results folder: runs go to `<resultsDir>/runs/`. */
  resultsDir: string;
  /** Evaluation problems. */
  evalProblems: Problem[];
}

/** One planned run. */
export interface PlannedRun {
  variant: VariantSpec;
  seed: number;
  /** Its run folder. */
  dir: string;
  /** The identity it must have. */
  identity: RunIdentity;
  /** What its folder holds now. */
  state: RunState;
}

/**
 * Every run of the grid in grid order (seed-major), its folder inspected. Throws a one-line error
 * (see `refusalLine`) when any finished run cannot be reused.
 */
export function planGrid(
  sel: GridSelection,
  runOpts: RunOptions = gridRunOptions(sel),
): PlannedRun[] {
  const variants = (sel.only?.length ? sel.only : sel.preset.variants ?? DEFAULT_GRID).map(
    variantByName,
  );
  const seeds = sel.seeds ?? sel.preset.seeds;
  const plan: PlannedRun[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    for (const variant of variants) {
      const dir = runDir(runOpts.runsDir, variant.name, seed);
      const identity = askedIdentity(variant, seed, runOpts);
      plan.push({
        variant,
        seed,
        dir,
        identity,
        state: inspectRun(dir, variant.name, seed, identity),
      });
    }
  }
  const refused = plan.flatMap((p) => isRefused(p.state) ? [{ dir: p.dir, state: p.state }] : []);
  if (refused.length) {
    throw new Error(refusalLine(refused[0].dir, refused[0].state, refused.length - 1));
  }
  return plan;
}

/** The run options of a grid: runs in `<resultsDir>/runs`. */
export function gridRunOptions(
  sel: GridSelection,
  extra: Pick<RunOptions, "write"> = {},
): RunOptions {
  return {
    baseDir: sel.baseDir,
    runsDir: `${sel.resultsDir}/runs`,
    preset: sel.preset,
    evalProblems: sel.evalProblems,
    ...(extra.write ? { write: extra.write } : {}),
  };
}
