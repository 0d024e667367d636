/**
 * The state of a run folder (`<runs>/<variant>/<seed>/`) before the grid uses it: not finished
 * (compute it), finished and reusable, or refused. A finished run (one with `summary.json`) is
 * refused when it is damaged (unparsable `summary.json`, `config.json` or `eval.json`, a missing or
 * truncated `eval_samples.jsonl` or `metrics.jsonl`), when it records no identity (an older layout:
 * what produced it is unknown), or when its identity differs from the one asked for. Nothing here
 * writes or deletes: the grid stops on a refusal and the report leaves the run out.
 *
 * @module
 */
import { join } from "node:path";
import type { RunSummary } from "../report/run_summary.ts";
import { type MetricsRecord, parseMetricsJsonl } from "../train/metrics.ts";
import { describeDifference, type Difference, firstDifference } from "./first_difference.ts";
import type { RunIdentity } from "./identity.ts";

/** What a run folder holds. */
export type RunState =
  /** No `summary.json`: never started, or killed before it finished. */
  | { kind: "unfinished" }
  /** Finished, intact, and (when an identity was asked for) produced by exactly that. */
  | { kind: "finished"; summary: RunSummary; metrics: MetricsRecord[]; finishedAt: Date }
  /** A file of a finished run is missing or unreadable. */
  | { kind: "damaged"; file: string; problem: string }
  /** Finished by an older layout: `config.json` records no identity. */
  | { kind: "unknown"; file: string }
  /** Finished by something else than what is asked. */
  | { kind: "mismatch"; difference: Difference };

/** A refused state (damaged, unknown or mismatched). */
export type RefusedState = Extract<RunState, { kind: "damaged" | "unknown" | "mismatch" }>;

/**
 * The state of the run folder `dir` of (`variant`, `seed`). With `asked`, a finished run must
 * record exactly that identity; without, identity is not checked (reading published results).
 */
export function inspectRun(
  dir: string,
  variant: string,
  seed: number,
  asked?: RunIdentity,
): RunState {
  const summaryPath = join(dir, "summary.json");
  let summaryText: string;
  try {
    summaryText = Deno.readTextFileSync(summaryPath);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return { kind: "unfinished" };
    return damaged(summaryPath, `unreadable (${firstLine(e)})`);
  }
  const summary = parseObject(summaryText) as RunSummary | null;
  if (!summary) return damaged(summaryPath, "not valid JSON (truncated or edited?)");
  if (typeof summary.pass_at_1 !== "number") {
    return damaged(summaryPath, "no pass_at_1: not a run summary");
  }
  if (summary.variant !== variant || summary.seed !== seed) {
    return damaged(
      summaryPath,
      `names ${JSON.stringify(summary.variant)} seed ${summary.seed}, not ${variant} seed ${seed}`,
    );
  }
  const configPath = join(dir, "config.json");
  const config = readObject(configPath);
  if (typeof config === "string") return damaged(configPath, config);
  if (asked) {
    if (!("identity" in config)) return { kind: "unknown", file: configPath };
    const difference = firstDifference(config.identity, asked);
    if (difference) return { kind: "mismatch", difference };
  }
  const evalPath = join(dir, "eval.json");
  const evalReport = readObject(evalPath);
  if (typeof evalReport === "string") return damaged(evalPath, evalReport);
  const samplesPath = join(dir, "eval_samples.jsonl");
  const samples = checkSamples(samplesPath, summary);
  if (samples) return damaged(samplesPath, samples);
  const metricsPath = join(dir, "metrics.jsonl");
  const metrics = readMetrics(metricsPath, summary.train_steps ?? 0);
  if (typeof metrics === "string") return damaged(metricsPath, metrics);
  const finishedAt = summary.finished_at ? new Date(summary.finished_at) : null;
  return {
    kind: "finished",
    summary,
    metrics,
    finishedAt: finishedAt && !isNaN(finishedAt.getTime())
      ? finishedAt
      : Deno.statSync(summaryPath).mtime ?? new Date(0),
  };
}

/** Whether a state refuses the run. */
export function isRefused(state: RunState): state is RefusedState {
  return state.kind === "damaged" || state.kind === "unknown" || state.kind === "mismatch";
}

/** What is wrong with a refused run, in one line (without how to proceed). */
export function refusalReason(dir: string, state: RefusedState): string {
  switch (state.kind) {
    case "damaged":
      return `${state.file}: ${state.problem}`;
    case "unknown":
      return `${dir}: finished by an older layout (${state.file} records no run identity), so ` +
        "what produced it is unknown";
    case "mismatch":
      return `${dir}: finished with other settings (${describeDifference(state.difference)})`;
  }
}

function damaged(file: string, problem: string): RunState {
  return { kind: "damaged", file, problem };
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0];
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(text);
    return v !== null && typeof v === "object" && !Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}

/** A JSON object file, or what is wrong with it. */
function readObject(path: string): Record<string, unknown> | string {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (e) {
    return e instanceof Deno.errors.NotFound ? "missing file" : `unreadable (${firstLine(e)})`;
  }
  return parseObject(text) ?? "not valid JSON (truncated or edited?)";
}

/** `null` when every line of the samples file parses and their count is n_eval × k. */
function checkSamples(path: string, summary: RunSummary): string | null {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (e) {
    return e instanceof Deno.errors.NotFound ? "missing file" : `unreadable (${firstLine(e)})`;
  }
  const lines = text.split("\n");
  let n = 0;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() === "") continue;
    if (parseObject(lines[i]) === null) return `line ${i + 1} is not valid JSON (truncated?)`;
    n++;
  }
  const expected = (summary.n_eval ?? NaN) * (summary.k ?? NaN);
  if (Number.isFinite(expected) && n !== expected) {
    return `${n} samples, but summary.json counts ${expected} (truncated?)`;
  }
  return null;
}

/** The training curve, or what is wrong with it (it must hold every one of `steps` steps). */
function readMetrics(path: string, steps: number): MetricsRecord[] | string {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return steps > 0 ? "missing file" : [];
    return `unreadable (${firstLine(e)})`;
  }
  let parsed;
  try {
    parsed = parseMetricsJsonl(text);
  } catch (e) {
    return firstLine(e);
  }
  if (parsed.tornTail) {
    return `truncated: the last line is cut (${parsed.records.length} whole steps of ${steps})`;
  }
  if (parsed.records.length !== steps) {
    return `${parsed.records.length} steps, but summary.json counts ${steps} (truncated?)`;
  }
  return parsed.records;
}
