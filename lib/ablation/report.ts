/**
 * Renders the ablation's results from `<results>/runs/` (damaged runs, and runs of other settings,
 * are left out with one line each, never a crash): `ablation.md` and `ablation.csv` (per
 * variant: MiniMath-500 pass@1 mean ± 95 % CI over seeds, × over base, accuracy by level, mean
 * length, and the cost per training step), `runs.csv`, vega-lite charts rendered to SVG, and
 * `samples.html` (problems and completions typeset with KaTeX).
 *
 * @module
 */
import { join } from "node:path";
import { writeTextAtomic } from "../io/atomic.ts";
import {
  accuracyByLevelSpec,
  accuracyCurveSpec,
  type CurveRow,
  curveRows,
  lengthCurveSpec,
  rewardCurveSpec,
} from "../report/charts.ts";
import type { RunSummary } from "../report/run_summary.ts";
import { type SampleEntry, writeSamplesHtml } from "../report/samples_html.ts";
import { writeSvg } from "../report/svg.ts";
import {
  aggregateByVariant,
  dataFrameToCsv,
  resultsMarkdown,
  runsToDataFrame,
} from "../report/tables.ts";
import { rowsToMarkdown } from "../report/markdown_table.ts";
import type { SampleResult } from "../eval/evaluate.ts";
import type { Problem } from "../data/problem.ts";
import type { RunIdentity } from "./identity.ts";
import { runDir } from "./run.ts";
import { inspectRun, isRefused, refusalReason } from "./run_state.ts";
import { VARIANTS } from "./variants.ts";

/** Everything the ablation wrote, read back from `runsDir`. */
export interface AblationResults {
  runs: RunSummary[];
  curves: CurveRow[];
}

/** Options of {@linkcode readResults}. */
export interface ReadResultsOptions {
  /**
   * The identity a run of (`variant`, `seed`) must record to be read (`null`: leave it out). Without
   * it, identities are not checked (reading published results).
   */
  identityOf?: (variant: string, seed: number) => RunIdentity | null;
  /** One line per run left out: damaged, or not produced by the asked identity (default `console.warn`). */
  warn?: (line: string) => void;
}

/**
 * Reads every finished run (and its training curve) under `runsDir`, in grid order. Unfinished
 * runs are skipped; a damaged run (or, with `identityOf`, one produced by something else) is left
 * out with one line to `warn`, never an exception.
 */
export function readResults(runsDir: string, opts: ReadResultsOptions = {}): AblationResults {
  const warn = opts.warn ?? ((line: string) => console.warn(line));
  const runs: RunSummary[] = [];
  const curves: CurveRow[] = [];
  const names = [...VARIANTS.map((v) => v.name)];
  for (const name of listDirs(runsDir)) if (!names.includes(name)) names.push(name);
  for (const name of names) {
    const seeds = listDirs(join(runsDir, name)).map(Number).filter(Number.isInteger).sort((a, b) =>
      a - b
    );
    for (const seed of seeds) {
      const dir = runDir(runsDir, name, seed);
      const asked = opts.identityOf?.(name, seed);
      if (asked === null) {
        warn(`${dir}: not a run of this grid; left out of the report`);
        continue;
      }
      const state = inspectRun(dir, name, seed, asked);
      if (state.kind === "unfinished") continue;
      if (isRefused(state)) {
        warn(`${refusalReason(dir, state)}; left out of the report`);
        continue;
      }
      runs.push(state.summary);
      curves.push(...curveRows(name, seed, state.metrics));
    }
  }
  return { runs, curves };
}

/** The per-step cost table: GRPO-with-KL against ZeroGRPO (and every trained variant). */
export function costRows(runs: RunSummary[]): Record<string, string | number>[] {
  const byVariant = new Map<string, RunSummary[]>();
  for (const r of runs) {
    if (!r.train_steps) continue;
    byVariant.set(r.variant, [...(byVariant.get(r.variant) ?? []), r]);
  }
  const mean = (rs: RunSummary[], k: string) => {
    const xs = rs.map((r) => Number(r.extra?.[k])).filter(Number.isFinite);
    return xs.length ? Number((xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(3)) : NaN;
  };
  return [...byVariant].map(([variant, rs]) => ({
    variant,
    "step (s)": mean(rs, "step_time_s"),
    "rollout (s)": mean(rs, "gen_time_s"),
    "update (s)": mean(rs, "train_time_s"),
    "reference scoring (s)": mean(rs, "ref_time_s"),
    "metrics only (s)": mean(rs, "monitor_time_s"),
    "live tensors (MiB)": mean(rs, "tensor_mb"),
    "train wall (s)": Math.round(
      rs.reduce((s, r) => s + (r.train_wall_time_s ?? 0), 0) / rs.length,
    ),
  }));
}

/** Training plus evaluation seconds, summed over `runs` (as each run recorded them). */
export function computeSeconds(runs: readonly RunSummary[]): number {
  return runs.reduce((s, r) => {
    const evalSeconds = Number(r.extra?.eval_seconds);
    return s + (r.train_wall_time_s ?? 0) + (Number.isFinite(evalSeconds) ? evalSeconds : 0);
  }, 0);
}

/**
 * Writes `ablation.md`, `ablation.csv`, `runs.csv`, the SVG charts and `samples.html`: a function
 * of the run folders alone, so rewriting the report of unchanged runs changes no file.
 */
export async function writeReport(
  outDir: string,
  runsDir: string,
  opts: {
    title?: string;
    preset?: string;
    evalProblems?: Problem[];
  } & ReadResultsOptions = {},
): Promise<string[]> {
  const { runs, curves } = readResults(runsDir, opts);
  if (runs.length === 0) throw new Error(`${runsDir}: no finished runs to report`);
  const df = runsToDataFrame(runs);
  const agg = aggregateByVariant(df);
  const written: string[] = [];
  const put = async (name: string, text: string) => {
    await writeTextAtomic(join(outDir, name), text);
    written.push(join(outDir, name));
  };
  const cost = costRows(runs);
  const md = [
    `# ${opts.title ?? "Ablation: ZeroGRPO and its ingredients"}`,
    "",
    `MiniMath-500 pass@1 (mean over k samples at temperature 0.6, top-p 0.95), mean ± 95 % CI over seeds${
      opts.preset ? `; preset \`${opts.preset}\`` : ""
    }; compute time ${
      (computeSeconds(runs) / 60).toFixed(1)
    } min (training and evaluation, summed over the runs).`,
    "",
    resultsMarkdown(agg),
    "",
    "## Variants",
    "",
    ...VARIANTS.map((v) => `- \`${v.name}\` — ${v.description}`),
    "",
    "## Cost per training step (mean over seeds)",
    "",
    cost.length ? rowsToMarkdown(cost) : "_no trained runs_",
    "",
    "A step is its rollouts and its update (reference scoring included). Metrics only: scoring " +
    "the rows off the gradient path and the drift against the starting weights, for the curves " +
    "alone — not part of the step.",
    "",
    "Charts: `learning_reward.svg`, `learning_accuracy.svg`, `length.svg`, `accuracy_by_level.svg`;",
    "samples: `samples.html`; per-run data: `runs/<variant>/<seed>/`.",
    "",
  ].join("\n");
  await put("ablation.md", md);
  await put("ablation.csv", dataFrameToCsv(agg));
  await put("runs.csv", dataFrameToCsv(df));
  if (curves.length) {
    for (
      const [name, spec] of [
        ["learning_reward.svg", rewardCurveSpec(curves)],
        ["learning_accuracy.svg", accuracyCurveSpec(curves)],
        ["length.svg", lengthCurveSpec(curves)],
      ] as const
    ) {
      await writeSvg(join(outDir, name), spec);
      written.push(join(outDir, name));
    }
  }
  await writeSvg(join(outDir, "accuracy_by_level.svg"), accuracyByLevelSpec(runs));
  written.push(join(outDir, "accuracy_by_level.svg"));
  if (opts.evalProblems) {
    await writeSamplesHtml(
      join(outDir, "samples.html"),
      pickSamples(runsDir, runs, opts.evalProblems),
      {
        title: "SuperSmall-R1 for Deno — sample completions",
        description:
          "The same MiniMath-500 problems answered by the base model and by each trained variant (first seed, first sample).",
      },
    );
    written.push(join(outDir, "samples.html"));
  }
  return written;
}

/** A few problems (one per level) with each variant's first-seed completion. */
export function pickSamples(
  runsDir: string,
  runs: RunSummary[],
  problems: Problem[],
): SampleEntry[] {
  const firstSeed = new Map<string, number>();
  for (const r of runs) if (!firstSeed.has(r.variant)) firstSeed.set(r.variant, r.seed);
  const picks: number[] = [];
  for (const level of [1, 2, 3, 4, 5]) {
    const i = problems.findIndex((p) => p.level === level);
    if (i >= 0) picks.push(i);
  }
  const out: SampleEntry[] = [];
  for (const i of picks) {
    for (const [variant, seed] of firstSeed) {
      let results: SampleResult[];
      try {
        results = Deno.readTextFileSync(join(runDir(runsDir, variant, seed), "eval_samples.jsonl"))
          .split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
      } catch {
        continue;
      }
      const r = results.find((r) => r.problem === i && r.sample === 0);
      if (!r) continue;
      const p = problems[i];
      out.push({
        problem: p.problem,
        completion: r.completion,
        answer: p.answer,
        predicted: r.answer ?? undefined,
        correct: r.correct,
        level: p.level,
        variant,
        seed,
        id: p.unique_id,
      });
    }
  }
  return out;
}

function listDirs(dir: string): string[] {
  try {
    return [...Deno.readDirSync(dir)].filter((e) => e.isDirectory).map((e) => e.name).sort();
  } catch {
    return [];
  }
}
