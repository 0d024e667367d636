/**
 * Views of training runs and their evaluations — shared by the live-training notebooks (03, 04)
 * and the results notebook (05): the comparison table with 95 % confidence intervals, learning
 * curves, pass@1 with error bars, accuracy by level, and the cost of a step.
 *
 * @module
 */
import pl from "nodejs-polars";
import type { TopLevelSpec } from "vega-lite";
import {
  accuracyByLevelSpec,
  type CurveRow,
  type LearningCurveOptions,
  learningCurveSpec,
  VEGA_LITE_SCHEMA,
} from "../report/charts.ts";
import type { RunSummary } from "../report/run_summary.ts";
import { formatMeanCi, formatNumber, summarize } from "../report/stats.ts";
import { aggregateByVariant, resultsMarkdown, runsToDataFrame } from "../report/tables.ts";
import { chart, markdown, type Viewable } from "./display.ts";
import { type Missing, notice } from "./missing.ts";

/** Runs and their training curves (what `trainLive` and `loadAblationResults` give). */
export interface RunSet {
  ok: true;
  runs: RunSummary[];
  curves: CurveRow[];
}

/**
 * The comparison table, one row per variant: seeds, pass@1 and maj@k as "mean ± 95 % CI" over
 * seeds (percent; "± –" with one seed), × over base, pass@1 by level, mean length, truncation.
 * maj@k is left out where no run has one (k even: no real vote).
 */
export function comparisonTable(runs: readonly RunSummary[]): pl.DataFrame {
  const agg = aggregateByVariant(runsToDataFrame(runs)).toRecords() as Record<string, unknown>[];
  const n = (r: Record<string, unknown>, c: string) => r[c] as number | null;
  const pct = { percent: true };
  const levels = [...new Set(runs.flatMap((r) => Object.keys(r.accuracy_by_level ?? {})))]
    .map(Number).sort((a, b) => a - b);
  const k = runs.find((r) => r.k)?.k;
  const col = (name: string, f: (r: Record<string, unknown>) => string) =>
    pl.Series(name, agg.map(f), pl.Utf8);
  const hasMaj = agg.some((r) => Number.isFinite(n(r, "maj_at_k_mean")));
  return pl.DataFrame([
    col("variant", (r) => String(r.variant)),
    pl.Series("seeds", agg.map((r) => n(r, "n_seeds") ?? 0), pl.Int64),
    col(
      "pass@1 % (± 95% CI)",
      (r) => formatMeanCi(n(r, "pass_at_1_mean"), n(r, "pass_at_1_ci95"), pct),
    ),
    col("× base", (r) => {
      const x = n(r, "x_over_base");
      return x === null ? "–" : `${x.toFixed(2)}×`;
    }),
    ...(hasMaj
      ? [col(
        `maj@${k ?? "k"} % (± 95% CI)`,
        (r) => formatMeanCi(n(r, "maj_at_k_mean"), n(r, "maj_at_k_ci95"), pct),
      )]
      : []),
    ...levels.map((l) =>
      col(`L${l} %`, (r) => formatMeanCi(n(r, `acc_l${l}_mean`), n(r, `acc_l${l}_ci95`), pct))
    ),
    col("length", (r) => formatNumber(n(r, "mean_length_mean"), { digits: 1 })),
    col("truncated %", (r) => formatNumber(n(r, "truncation_rate_mean"), pct)),
  ]);
}

/** The comparison as the report's Markdown table (the same as `results/ablation.md`'s). */
export function comparisonMarkdown(runs: readonly RunSummary[]): string {
  return resultsMarkdown(aggregateByVariant(runsToDataFrame(runs)));
}

/** pass@1 per variant: mean over seeds as bars, 95 % CI as error bars (with ≥ 2 seeds). */
export function passAt1Spec(
  runs: readonly RunSummary[],
  title = "pass@1 by variant",
): TopLevelSpec {
  const variants = [...new Set(runs.map((r) => r.variant))];
  const values = variants.map((variant) => {
    const s = summarize(runs.filter((r) => r.variant === variant).map((r) => r.pass_at_1));
    const ci = Number.isFinite(s.ci95) ? s.ci95 : null;
    return {
      variant,
      pass_at_1: s.mean,
      lo: ci === null ? null : Math.max(0, s.mean - ci),
      hi: ci === null ? null : Math.min(1, s.mean + ci),
      seeds: s.n,
    };
  });
  const layers: unknown[] = [{
    mark: { type: "bar" },
    encoding: {
      y: { field: "pass_at_1", type: "quantitative", title: "pass@1", axis: { format: ".0%" } },
      color: { field: "variant", type: "nominal", legend: null, scale: { domain: variants } },
      tooltip: [{ field: "variant" }, { field: "pass_at_1", format: ".1%" }, { field: "seeds" }],
    },
  }];
  if (values.some((v) => v.lo !== null)) {
    layers.push({
      transform: [{ filter: "datum.lo != null" }],
      mark: { type: "errorbar", ticks: true },
      encoding: {
        y: { field: "lo", type: "quantitative", title: "pass@1" },
        y2: { field: "hi" },
      },
    });
  }
  return {
    $schema: VEGA_LITE_SCHEMA,
    title,
    width: Math.max(200, 70 * variants.length),
    height: 240,
    data: { values },
    encoding: {
      x: {
        field: "variant",
        type: "nominal",
        title: null,
        sort: variants,
        axis: { labelAngle: -30 },
      },
    },
    layer: layers,
  } as TopLevelSpec;
}

/** Titles of the metrics the curve views know. */
export const CURVE_METRICS: Record<string, Partial<LearningCurveOptions>> = {
  reward: { title: "Reward", yTitle: "Mean reward" },
  accuracy: { title: "Training accuracy", yTitle: "Correct completions", percent: true },
  kl: { title: "KL to the reference (loss term, β > 0)", yTitle: "Mean k3 KL per token" },
  drift_kl: {
    title: "Drift from the starting weights",
    yTitle: "Mean k3 KL per token (no gradient)",
  },
  completion_length: { title: "Response length", yTitle: "Mean completion length (tokens)" },
  truncation_rate: { title: "Truncated completions", yTitle: "Share", percent: true },
  entropy: { title: "Policy entropy", yTitle: "Mean entropy (nats / token)" },
  reward_format: { title: "Format reward", yTitle: "Mean format component" },
  frac_zero_std: { title: "Groups without signal", yTitle: "Share of groups", percent: true },
};

/**
 * Learning curves (one chart per metric, one color per variant): the mean over seeds with a 95 %
 * CI band when there are several seeds, smoothed over about a tenth of the run.
 */
export function curveViews(set: RunSet | Missing, metrics: readonly string[]): Viewable[] {
  if (!set.ok) return [notice(set.message)];
  if (set.curves.length === 0) return [markdown("_No training steps to plot._")];
  const steps = Math.max(...set.curves.map((r) => r.step));
  const seeds = new Set(set.curves.map((r) => r.seed)).size;
  return metrics.map((metric) =>
    chart(learningCurveSpec(set.curves, {
      metric,
      ...CURVE_METRICS[metric],
      band: seeds > 1 ? "ci95" : "minmax",
      smooth: Math.max(1, Math.round(steps / 10)),
      width: 420,
      height: 220,
    }))
  );
}

/** Per variant: mean seconds per step (whole, rollouts, update, reference scoring) and memory. */
export function stepCostTable(curves: readonly CurveRow[]): pl.DataFrame {
  const variants = [...new Set(curves.map((r) => r.variant))];
  const of = (v: string) => curves.filter((r) => r.variant === v);
  const mean = (v: string, k: string) => round(summarize(of(v).map((r) => r[k] as number)).mean, 3);
  const max = (v: string, k: string) => {
    const xs = of(v).map((r) => r[k]).filter((x): x is number => typeof x === "number");
    return xs.length ? Math.max(...xs) : NaN;
  };
  const mib = 2 ** 20;
  return pl.DataFrame([
    pl.Series("variant", variants, pl.Utf8),
    pl.Series("steps", variants.map((v) => of(v).length), pl.Int64),
    pl.Series("step_s", variants.map((v) => mean(v, "step_time")), pl.Float64),
    pl.Series("rollout_s", variants.map((v) => mean(v, "gen_time")), pl.Float64),
    pl.Series("update_s", variants.map((v) => mean(v, "train_time")), pl.Float64),
    pl.Series("reference_s", variants.map((v) => mean(v, "ref_time")), pl.Float64),
    pl.Series(
      "tensors_MiB",
      variants.map((v) => round(max(v, "tensor_bytes") / mib, 1)),
      pl.Float64,
    ),
    pl.Series("peak_rss_MiB", variants.map((v) => round(max(v, "rss_bytes") / mib, 0)), pl.Float64),
  ]);
}

/**
 * Where a step's time goes, per variant: stacked bars of rollout, reference scoring and the rest
 * of the update (mean seconds per step).
 */
export function stepTimeSpec(curves: readonly CurveRow[]): TopLevelSpec {
  const variants = [...new Set(curves.map((r) => r.variant))];
  const parts = [
    ["rollouts", (r: CurveRow) => num(r.gen_time)],
    ["reference scoring", (r: CurveRow) => num(r.ref_time)],
    ["policy update", (r: CurveRow) => num(r.train_time) - num(r.ref_time)],
  ] as const;
  const values = variants.flatMap((variant) => {
    const rows = curves.filter((r) => r.variant === variant);
    return parts.map(([part, f], order) => ({
      variant,
      part,
      order,
      seconds: rows.reduce((s, r) => s + Math.max(0, f(r)), 0) / Math.max(1, rows.length),
    }));
  });
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: "Time per training step",
    width: 360,
    height: Math.max(80, 36 * variants.length),
    data: { values },
    mark: { type: "bar" },
    encoding: {
      y: { field: "variant", type: "nominal", title: null, sort: variants },
      x: {
        field: "seconds",
        type: "quantitative",
        title: "Seconds per step (mean)",
        stack: "zero",
      },
      color: { field: "part", type: "nominal", title: "Part", sort: parts.map(([p]) => p) },
      order: { field: "order", type: "quantitative" },
      tooltip: [{ field: "variant" }, { field: "part" }, { field: "seconds", format: ".2f" }],
    },
  } as TopLevelSpec;
}

/** Memory per step: live tfjs tensor bytes and the process's resident set, per variant. */
export function memorySpec(curves: readonly CurveRow[]): TopLevelSpec {
  const values = curves.flatMap((r) => [
    {
      variant: r.variant,
      seed: r.seed,
      step: r.step,
      kind: "tfjs tensors",
      MiB: num(r.tensor_bytes) / 2 ** 20,
    },
    {
      variant: r.variant,
      seed: r.seed,
      step: r.step,
      kind: "process RSS",
      MiB: num(r.rss_bytes) / 2 ** 20,
    },
  ]);
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: "Memory after each step",
    data: { values },
    facet: { column: { field: "kind", type: "nominal", title: null } },
    resolve: { scale: { y: "independent" } },
    spec: {
      width: 260,
      height: 180,
      mark: { type: "line", point: true },
      encoding: {
        x: { field: "step", type: "quantitative", title: "Step" },
        y: { field: "MiB", type: "quantitative", title: "MiB" },
        color: { field: "variant", type: "nominal", title: "Variant" },
        detail: { field: "seed", type: "nominal" },
      },
    },
  } as TopLevelSpec;
}

/** Cost views: the step-cost table and the time and memory charts. */
export function costViews(set: RunSet | Missing): Viewable[] {
  if (!set.ok) return [notice(set.message)];
  if (set.curves.length === 0) return [markdown("_No training steps: no cost to show._")];
  return [
    stepCostTable(set.curves),
    chart(stepTimeSpec(set.curves)),
    chart(memorySpec(set.curves)),
  ];
}

/** Evaluation views: the comparison table, pass@1 with CIs, and accuracy by level. */
export function comparisonViews(set: RunSet | Missing): Viewable[] {
  if (!set.ok) return [notice(set.message)];
  if (set.runs.length === 0) return [markdown("_No finished runs._")];
  return [
    comparisonTable(set.runs),
    chart(passAt1Spec(set.runs)),
    chart(accuracyByLevelSpec(set.runs)),
  ];
}

function num(x: unknown): number {
  return typeof x === "number" && Number.isFinite(x) ? x : 0;
}

function round(x: number, digits: number): number | null {
  if (!Number.isFinite(x)) return null;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
