/**
 * A run's files as data, so that a run can be computed on one machine and land on another: compute
 * a run into a temporary folder with the serial grid's own code ({@linkcode runVariant}) and read
 * its files back, then write them into a run folder the way the serial grid does — each file
 * atomically, `summary.json` last, so that a reader (or a crash) never sees a half run.
 *
 * @module
 */
import { join } from "node:path";
import type { RunSummary } from "../report/run_summary.ts";
import { writeTextAtomic } from "../io/atomic.ts";
import { runDir, type RunOptions, runVariant } from "./run.ts";
import type { RunIdentity } from "./identity.ts";
import { inspectRun, isRefused, refusalReason } from "./run_state.ts";
import type { VariantSpec } from "./variants.ts";

/** The files of a finished run folder, by name, `summary.json` last. */
export type RunFiles = { name: string; text: string }[];

/** The files a run folder may hold, in the order they are written (`summary.json` marks it done). */
export const RUN_FILE_NAMES = [
  "config.json",
  "metrics.jsonl",
  "eval.json",
  "eval_samples.jsonl",
  "summary.json",
] as const;

/**
 * Trains and evaluates (`variant`, `seed`) with {@linkcode runVariant} into a fresh temporary
 * folder (`opts.runsDir` is ignored), checks that the result is a finished run of the asked
 * identity, and returns its files and summary; the temporary folder is removed whatever happens.
 */
export async function computeRunFiles(
  variant: VariantSpec,
  seed: number,
  opts: Omit<RunOptions, "runsDir">,
): Promise<{ files: RunFiles; summary: RunSummary }> {
  const runsDir = await Deno.makeTempDir({ prefix: "ssr1_run_" });
  try {
    const summary = await runVariant(variant, seed, { ...opts, runsDir });
    const files = readRunFiles(runDir(runsDir, variant.name, seed));
    return { files, summary };
  } finally {
    await Deno.remove(runsDir, { recursive: true }).catch(() => {});
  }
}

/** Whether `name` is a run file: one of {@linkcode RUN_FILE_NAMES}, or a budget-sweep sample file. */
export function isRunFileName(name: string): boolean {
  return (RUN_FILE_NAMES as readonly string[]).includes(name) ||
    /^eval_samples@[0-9.]+x\.jsonl$/.test(name);
}

/**
 * The files of the run folder `dir` — {@linkcode RUN_FILE_NAMES} that exist, with the budget
 * sweep's `eval_samples@<m>x.jsonl` before `summary.json`, which comes last.
 */
export function readRunFiles(dir: string): RunFiles {
  const budgetFiles = [...Deno.readDirSync(dir)].map((e) => e.name)
    .filter((n) => isRunFileName(n) && !(RUN_FILE_NAMES as readonly string[]).includes(n))
    .sort();
  const order = [...RUN_FILE_NAMES.slice(0, -1), ...budgetFiles, "summary.json"];
  const files: RunFiles = [];
  for (const name of order) {
    try {
      files.push({ name, text: Deno.readTextFileSync(join(dir, name)) });
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
  return files;
}

/**
 * Writes a finished run's `files` into the run folder `dir`, each atomically and `summary.json`
 * last, after checking them: only known file names, `summary.json` present and last. Throws a
 * one-line error (writing nothing) when they do not make a run.
 */
export async function writeRunFiles(dir: string, files: RunFiles): Promise<void> {
  const names = files.map((f) => f.name);
  const unknown = names.find((n) => !isRunFileName(n));
  if (unknown !== undefined) {
    throw new Error(`${dir}: unexpected run file ${JSON.stringify(unknown)}`);
  }
  if (new Set(names).size !== names.length) throw new Error(`${dir}: a run file appears twice`);
  if (names.at(-1) !== "summary.json") throw new Error(`${dir}: summary.json missing or not last`);
  for (const f of files) {
    if (typeof f.text !== "string") throw new Error(`${join(dir, f.name)}: not text`);
  }
  for (const f of files) await writeTextAtomic(join(dir, f.name), f.text);
}

/**
 * Checks a run's `files` (received from elsewhere) in a scratch folder — a finished, intact run of
 * (`variant`, `seed`) with the identity `asked` — and only then writes them into the run folder
 * `dir` ({@linkcode writeRunFiles}); returns the run's summary. Throws a one-line error, leaving
 * `dir` untouched, when they are not such a run.
 */
export async function acceptRunFiles(
  dir: string,
  variant: string,
  seed: number,
  asked: RunIdentity,
  files: RunFiles,
): Promise<RunSummary> {
  const scratch = await Deno.makeTempDir({ prefix: "ssr1_accept_" });
  try {
    await writeRunFiles(scratch, files);
    finishedSummary(scratch, variant, seed, asked, `${variant}/${seed}`);
  } catch (e) {
    throw new Error(`${variant}/${seed}: the returned run is not usable: ${firstLine(e)}`);
  } finally {
    await Deno.remove(scratch, { recursive: true }).catch(() => {});
  }
  await writeRunFiles(dir, files);
  return finishedSummary(dir, variant, seed, asked, dir);
}

/** The summary of a finished run of identity `asked` in `dir`; else a one-line error about `name`. */
function finishedSummary(
  dir: string,
  variant: string,
  seed: number,
  asked: RunIdentity,
  name: string,
): RunSummary {
  const state = inspectRun(dir, variant, seed, asked);
  if (state.kind === "finished") return state.summary;
  if (isRefused(state)) throw new Error(refusalReason(dir, state).replaceAll(dir, name));
  throw new Error(`${name}: not a finished run (no summary.json)`);
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0];
}
