/**
 * Live training for notebooks: runs ablation variants (`lib/ablation` `runVariant`: train from the
 * base checkpoint, then evaluate) one after the other, with a status table and a reward chart that
 * update in place after every step.
 *
 * @module
 */
import pl from "nodejs-polars";
import { type Preset, variantByName, type VariantSpec } from "../ablation/variants.ts";
import { runVariant } from "../ablation/run.ts";
import type { Problem } from "../data/problem.ts";
import { type CurveRow, rewardCurveSpec } from "../report/charts.ts";
import type { RunSummary } from "../report/run_summary.ts";
import { DEFAULT_GRPO_CONFIG, type GRPOStepMetrics } from "../rl/grpo_trainer.ts";
import type { BaseModel } from "./base_model.ts";
import { chart, type LiveDisplay, liveDisplay, markdown } from "./display.ts";
import type { Missing } from "./missing.ts";

/** Options of {@link trainLive}. */
export interface LiveTrainingOptions {
  /** The ablation preset each run trains and evaluates with. */
  preset: Preset;
  /** Seeds per variant (runs go seed by seed, variants side by side within a seed). */
  seeds: readonly number[];
  /** The evaluation problems of every run. */
  evalProblems: Problem[];
  /** Where the run folders go (default: a fresh temporary folder). */
  runsDir?: string;
  /** Redraw the live chart at most this often (ms); default 2000. The status redraws every step. */
  chartIntervalMs?: number;
  /** Live displays (default: in the notebook, or printed lines outside a kernel). */
  status?: LiveDisplay;
  chart?: LiveDisplay;
}

/** What {@link trainLive} returns. */
export interface TrainedRuns {
  ok: true;
  /** One summary per (variant, seed), in run order. */
  runs: RunSummary[];
  /** Every training step of every run. */
  curves: CurveRow[];
  /** The variants trained. */
  variants: VariantSpec[];
  /** The run folders' root (`<runsDir>/<variant>/<seed>/`). */
  runsDir: string;
  /** Wall time in seconds. */
  seconds: number;
}

interface RowState {
  variant: string;
  seed: number;
  state: string;
  last?: GRPOStepMetrics;
  /** The last logged drift from the starting weights (logged every `drift_every` steps). */
  drift?: number;
  total: number;
}

/**
 * Trains and evaluates each variant (by name or spec) for each seed from the base checkpoint,
 * showing progress live. Returns the base's {@link Missing} when there is no checkpoint.
 */
export async function trainLive(
  base: BaseModel,
  variants: readonly (string | VariantSpec)[],
  options: LiveTrainingOptions,
): Promise<TrainedRuns | Missing> {
  if (!base.ok) return { ok: false, message: base.message };
  const specs = variants.map((v) => typeof v === "string" ? variantByName(v) : v);
  const runsDir = options.runsDir ?? await Deno.makeTempDir({ prefix: "ssr1-notebook-runs-" });
  const status = options.status ?? liveDisplay();
  const live = options.chart ?? liveDisplay();
  const interval = options.chartIntervalMs ?? 2000;
  const steps = options.preset.grpo.steps;
  const rows: RowState[] = options.seeds.flatMap((seed) =>
    specs.map((v) => ({ variant: v.name, seed, state: "waiting", total: v.train ? steps : 0 }))
  );
  const curves: CurveRow[] = [];
  const runs: RunSummary[] = [];
  const t0 = performance.now();
  let lastChart = -Infinity;
  const drawChart = async (final: boolean) => {
    if (curves.length === 0) return;
    const spec = rewardCurveSpec(curves, {
      mode: "seeds",
      title: final ? "Reward per step" : "Reward per step (live)",
      variants: specs.map((v) => v.name),
    });
    await live.update(await chart(spec, { svg: final }));
    lastChart = performance.now();
  };
  await status.update(markdown(statusMarkdown(rows, t0)));
  for (const row of rows) {
    const variant = specs.find((v) => v.name === row.variant)!;
    row.state = variant.train ? "training" : "evaluating";
    await status.update(markdown(statusMarkdown(rows, t0)));
    const summary = await runVariant(variant, row.seed, {
      baseDir: base.dir,
      runsDir,
      preset: options.preset,
      evalProblems: options.evalProblems,
      write: () => {},
      onStep: async (m) => {
        row.last = m;
        row.drift = m.drift_kl ?? row.drift;
        curves.push({ ...m, variant: row.variant, seed: row.seed } as unknown as CurveRow);
        if (m.step >= row.total) row.state = "evaluating";
        await status.update(markdown(statusMarkdown(rows, t0)));
        if (performance.now() - lastChart >= interval) await drawChart(false);
      },
    });
    runs.push(summary);
    row.state = `done: pass@1 ${(100 * summary.pass_at_1).toFixed(1)}%` +
      (summary.diverged ? " (diverged)" : "");
    await status.update(markdown(statusMarkdown(rows, t0)));
  }
  await drawChart(true);
  return {
    ok: true,
    runs,
    curves,
    variants: specs,
    runsDir,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** The live status table: one row per (variant, seed) with its latest step's metrics. */
export function statusMarkdown(
  rows: readonly RowState[],
  t0: number,
  now = performance.now(),
): string {
  const f = (x: number | undefined, d: number) => x === undefined ? "" : x.toFixed(d);
  const lines = [
    "| variant | seed | step | reward | accuracy | length | drift | s/step | state |",
    "|:--|--:|--:|--:|--:|--:|--:|--:|:--|",
    ...rows.map((r) => {
      const m = r.last;
      return `| ${r.variant} | ${r.seed} | ${
        m ? `${m.step}/${r.total}` : r.total ? `0/${r.total}` : "–"
      } | ${f(m?.reward, 3)} | ${m ? `${(100 * m.accuracy).toFixed(1)}%` : ""} | ${
        f(m?.completion_length, 1)
      } | ${f(r.drift, 4)} | ${f(m?.step_time, 2)} | ${r.state} |`;
    }),
    "",
    `_elapsed ${((now - t0) / 1000).toFixed(0)} s_`,
  ];
  return lines.join("\n");
}

/**
 * What each variant changes: `variant, beta, reward, curriculum, scale_rewards, description`
 * (`scale_rewards`: the variant's override, else the default the presets share).
 */
export function variantsTable(variants: readonly (string | VariantSpec)[]): pl.DataFrame {
  const specs = variants.map((v) => typeof v === "string" ? variantByName(v) : v);
  return pl.DataFrame([
    pl.Series("variant", specs.map((v) => v.name), pl.Utf8),
    pl.Series("beta", specs.map((v) => v.train?.beta ?? null), pl.Float64),
    pl.Series("reward", specs.map((v) => v.train?.reward ?? "–"), pl.Utf8),
    pl.Series("curriculum", specs.map((v) => v.train?.curriculum ?? "–"), pl.Utf8),
    pl.Series(
      "scale_rewards",
      specs.map((v) => v.train ? v.train.scale_rewards ?? DEFAULT_GRPO_CONFIG.scale_rewards : "–"),
      pl.Utf8,
    ),
    pl.Series("description", specs.map((v) => v.description), pl.Utf8),
  ]);
}
