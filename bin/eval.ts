/**
 * `deno task eval` — evaluates a model folder on a MATH-format JSONL file with the project's
 * evaluation protocol (k samples per problem at temperature 0.6, top-p 0.95), prints a summary
 * (pass@1, maj@k, accuracy by level and subject, mean length, truncation rate) and optionally
 * writes one JSONL line per sample.
 *
 *   deno task eval [--data FILE.jsonl] [--model DIR] [--samples K] [--max-new-tokens N]
 *     [--limit M] [--temperature T] [--top-p P] [--seed S] [--batch-size B] [--out FILE.jsonl]
 *     [--json] [--skip-long] [--backend NAME]
 *
 * `--data` defaults to the shipped MATH-500 (`data/math500/test.jsonl`).
 * `--model` defaults to the default base (`lib/model/bases.ts`, a char model); any Hugging Face Qwen2 folder
 * works. A problem whose prompt does not fit the model's positions is an error unless
 * `--skip-long` (skipped problems are counted in the summary). Bad input prints one line (`FILE:LINE: field …`, or the file and field) and exits 1.
 *
 * @module
 */
import { DEFAULT_BASE_DIR } from "../lib/model/bases.ts";
import { parseArgs } from "node:util";
import { initBackend } from "../lib/backend/mod.ts";
import { fail } from "../lib/cli/fail.ts";
import { loadProblems } from "../lib/data/load_problems.ts";
import { math500Path } from "../lib/data/math500.ts";
import type { Problem } from "../lib/data/problem.ts";
import { type EvalReport, evaluate, type GroupScore } from "../lib/eval/evaluate.ts";
import { join } from "node:path";
import { backendMemoryProblem, type LoadedModel, loadHfConfig, loadModel } from "../lib/hf/mod.ts";
import { writeTextAtomic } from "../lib/io/atomic.ts";

const USAGE = "usage: deno task eval [--data FILE.jsonl] [--model DIR] [--samples K] " +
  "[--max-new-tokens N] [--limit M] [--temperature T] [--top-p P] [--seed S] [--batch-size B] " +
  "[--out FILE.jsonl] [--json] [--skip-long] [--backend NAME]";

/** Output sinks of {@linkcode runEval} (swappable in tests). */
export interface EvalIO {
  /** The summary. */
  out(line: string): void;
  /** Progress and notes. */
  err(line: string): void;
}

/** Runs the eval CLI on `args` and returns the report. Throws a one-line error on bad input. */
export async function runEval(args: string[], io: EvalIO = stdio()): Promise<EvalReport> {
  const { values } = parseArgs({
    args,
    options: {
      model: { type: "string", default: DEFAULT_BASE_DIR },
      data: { type: "string", default: math500Path() },
      samples: { type: "string", default: "1" },
      "max-new-tokens": { type: "string", default: "512" },
      limit: { type: "string" },
      temperature: { type: "string", default: "0.6" },
      "top-p": { type: "string", default: "0.95" },
      seed: { type: "string", default: "0" },
      "batch-size": { type: "string", default: "64" },
      out: { type: "string" },
      json: { type: "boolean", default: false },
      "skip-long": { type: "boolean", default: false },
      backend: { type: "string" },
    },
  });
  if (!values.data) throw new Error(`--data: empty. ${USAGE}`);
  const samples = int(values.samples!, "--samples", 1);
  const maxNewTokens = int(values["max-new-tokens"]!, "--max-new-tokens", 1);
  const limit = values.limit === undefined ? Infinity : int(values.limit, "--limit", 1);
  const temperature = num(values.temperature!, "--temperature", 0);
  const topP = num(values["top-p"]!, "--top-p", 0);
  if (!(topP > 0 && topP <= 1)) throw new Error(`--top-p: must be in (0, 1], got ${topP}`);
  const seed = int(values.seed!, "--seed", 0);
  const batchSize = int(values["batch-size"]!, "--batch-size", 1);

  // Validate the data before the (possibly long) model load.
  let problems: Problem[] = await loadProblems(values.data);
  if (problems.length === 0) throw new Error(`${values.data}: no problems`);
  problems = problems.slice(0, limit);

  const backend = await initBackend({ backend: values.backend, quiet: true });
  const problem = backendMemoryProblem(
    loadHfConfig(join(values.model!, "config.json")),
    backend.name,
  );
  if (problem) throw new Error(`${values.model}: ${problem}`);
  const t0 = performance.now();
  const policy = loadModel(values.model!);
  try {
    const loadSeconds = (performance.now() - t0) / 1000;
    io.err(
      `eval: ${describeModel(policy)} loaded in ${loadSeconds.toFixed(1)} s on ${backend.name}`,
    );
    const maxPos = policy.config.max_position_embeddings;
    const fits = problems.filter((p) => {
      const n = policy.codec.encodePrompt(p).length;
      if (n < maxPos) return true;
      if (values["skip-long"]) return false;
      throw new Error(
        `${values.data}: problem ${p.unique_id}: prompt of ${n} tokens leaves no room ` +
          `(max_position_embeddings ${maxPos}); --skip-long skips such problems`,
      );
    });
    const skipped = problems.length - fits.length;
    if (skipped > 0) {
      io.err(
        `eval: skipped ${skipped} of ${problems.length} problems whose ` +
          `prompt leaves no room (max_position_embeddings ${maxPos})`,
      );
      problems = fits;
      if (problems.length === 0) throw new Error(`${values.data}: every prompt is too long`);
    }
    const report = evaluate(policy, problems, {
      samples,
      maxNewTokens,
      temperature,
      topP,
      seed,
      batchSize,
      onProgress: (done, total) =>
        io.err(
          `eval: ${done}/${total} completions, ${((performance.now() - t0) / 1000).toFixed(1)} s`,
        ),
    });
    if (values.out) await writeTextAtomic(values.out, sampleLines(problems, report));
    const settings = {
      model: values.model!,
      data: values.data,
      samples,
      maxNewTokens,
      temperature,
      topP,
      seed,
      skipped: skipped,
    };
    if (values.json) {
      const { results: _results, ...summary } = report;
      io.out(JSON.stringify({ ...settings, ...summary }));
    } else {
      for (const line of formatSummary(report, settings)) io.out(line);
    }
    if (values.out) io.err(`eval: wrote ${report.results.length} samples to ${values.out}`);
    return report;
  } finally {
    policy.model.dispose();
  }
}

/** One line naming the model: folder, tokenizer kind, parameters, stored dtypes. */
export function describeModel(m: LoadedModel): string {
  const params = m.model.numParams();
  const dtypes = Object.keys(m.weights.dtypes).join("/");
  const size = params >= 1e9
    ? `${(params / 1e9).toFixed(2)}B`
    : params >= 1e6
    ? `${(params / 1e6).toFixed(1)}M`
    : `${params}`;
  return `${m.dir} (${size} params, ${dtypes}, ${m.weights.shards.length} file(s), ` +
    `${m.tokenizer.kind} tokenizer)`;
}

/** The human-readable summary lines. */
export function formatSummary(
  r: EvalReport,
  s: {
    model: string;
    data: string;
    maxNewTokens: number;
    temperature: number;
    topP: number;
    skipped: number;
  },
): string[] {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const groups = (g: Record<string, GroupScore>) =>
    Object.entries(g)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k} ${pct(v.pass1)} (n=${v.n})`)
      .join(", ");
  return [
    `model       ${s.model}`,
    `data        ${s.data}: ${r.n} problems × ${r.k} samples` +
    (s.skipped ? ` (${s.skipped} skipped: prompt too long)` : ""),
    `sampling    max ${s.maxNewTokens} new tokens, temperature ${s.temperature}, top-p ${s.topP}`,
    `pass@1      ${pct(r.pass1)}`,
    `maj@${r.k}`.padEnd(12) +
    (r.majk === null ? "– (no vote: needs an odd k ≥ 3)" : pct(r.majk)),
    `by level    ${groups(r.byLevel)}`,
    `by subject  ${groups(r.bySubject)}`,
    `length      ${r.meanLength.toFixed(1)} tokens mean, ${pct(r.truncationRate)} truncated, ` +
    `${pct(r.formatRate)} well-formatted`,
    `speed       ${r.tokensPerSecond.toFixed(1)} tokens/s, ${r.seconds.toFixed(1)} s`,
  ];
}

/** One JSON line per sample, in problem then sample order. */
export function sampleLines(problems: Problem[], r: EvalReport): string {
  return r.results.map((x) => {
    const p = problems[x.problem];
    return JSON.stringify({
      unique_id: p.unique_id,
      level: p.level,
      subject: p.subject,
      sample: x.sample,
      gold: p.answer,
      answer: x.answer,
      correct: x.correct,
      length: x.length,
      truncated: x.truncated,
      completion: x.completion,
    }) + "\n";
  }).join("");
}

function int(text: string, flag: string, min: number): number {
  const v = Number(text);
  if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(v) || v < min) {
    throw new Error(`${flag}: expected an integer ≥ ${min}, got ${JSON.stringify(text)}`);
  }
  return v;
}

function num(text: string, flag: string, min: number): number {
  const v = Number(text);
  if (text.trim() === "" || !Number.isFinite(v) || v < min) {
    throw new Error(`${flag}: expected a number ≥ ${min}, got ${JSON.stringify(text)}`);
  }
  return v;
}

function stdio(): EvalIO {
  return { out: (l) => console.log(l), err: (l) => console.error(l) };
}

if (import.meta.main) {
  try {
    await runEval(Deno.args);
  } catch (err) {
    fail(err);
  }
}
