/**
 * Vega-Lite chart specs for the report and the notebooks: learning curves
 * (reward / accuracy / completion length vs step, per variant, with a band over
 * seeds or one line per seed) and accuracy by difficulty level (grouped bars
 * with 95% CI error bars).
 *
 * The builders return plain JSON specs (data inlined, aggregation over seeds
 * done here, so renders are deterministic). Render them to SVG with
 * `renderSvg` (`svg.ts`) or display them in a notebook with
 * {@linkcode vegaLiteMimeBundle}.
 *
 * @module
 */

import type { TopLevelSpec } from "vega-lite";
import type { MetricsRecord } from "../train/metrics.ts";
import type { RunSummary } from "./run_summary.ts";
import { staticChartMarkdown } from "./static_chart.ts";
import { summarize } from "./stats.ts";

export type { TopLevelSpec };

/** Vega-Lite schema URL the specs declare (valid for Vega-Lite 5 and 6 renderers alike). */
export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/** One training-curve point: a metrics JSONL record tagged with its run. */
export interface CurveRow {
  variant: string;
  seed: number;
  step: number;
  [metric: string]: number | string | boolean | null | undefined;
}

/** Tag metrics records (from `readMetricsJsonl`) with their variant and seed. */
export function curveRows(
  variant: string,
  seed: number,
  records: readonly MetricsRecord[],
): CurveRow[] {
  return records.map((r) => ({ ...r, variant, seed }));
}

/** Options for {@linkcode learningCurveSpec}. */
export interface LearningCurveOptions {
  /** Metric field to plot (e.g. `"reward"`, `"accuracy"`, `"completion_length"`). */
  metric: string;
  /** Chart title (default: the metric). */
  title?: string;
  /** Y axis title (default: the metric). */
  yTitle?: string;
  /** `"band"` (default): mean line + band over seeds; `"seeds"`: one line per seed. */
  mode?: "band" | "seeds";
  /** Band extent over seeds: `"minmax"` (default), `"ci95"` (Student t) or `"std"` (±1 sd). */
  band?: "minmax" | "ci95" | "std";
  /** Trailing moving-average window in logged points, applied per seed before aggregating (default 1: none). */
  smooth?: number;
  /** Format the y axis as a percentage (values are fractions). */
  percent?: boolean;
  /** Variant order (and color order); default: order of first appearance. */
  variants?: string[];
  width?: number;
  height?: number;
}

/**
 * A learning curve: `metric` vs `step`, one color per variant.
 *
 * ```ts
 * const spec = learningCurveSpec(rows, { metric: "reward", smooth: 10 });
 * await writeTextAtomic("results/reward.svg", await renderSvg(spec));
 * ```
 */
export function learningCurveSpec(
  rows: readonly CurveRow[],
  options: LearningCurveOptions,
): TopLevelSpec {
  const { metric } = options;
  const variants = options.variants ?? uniqueInOrder(rows.map((r) => r.variant));
  const perSeed = smoothedSeries(rows, metric, Math.max(1, Math.floor(options.smooth ?? 1)));
  const color = {
    field: "variant",
    type: "nominal",
    title: "Variant",
    scale: { domain: variants },
    legend: { labelLimit: 400 },
  };
  const x = { field: "step", type: "quantitative", title: "Step" };
  const yAxis = options.percent ? { format: ".0%" } : {};
  const yTitle = options.yTitle ?? metric;
  const base = {
    $schema: VEGA_LITE_SCHEMA,
    title: options.title ?? metric,
    width: options.width ?? 480,
    height: options.height ?? 280,
  };

  if (options.mode === "seeds") {
    const values = perSeed.flatMap((s) =>
      s.points.map(([step, value]) => ({ variant: s.variant, seed: s.seed, step, value }))
    );
    return {
      ...base,
      data: { values },
      mark: { type: "line", strokeWidth: 1.5, opacity: 0.8 },
      encoding: {
        x,
        y: { field: "value", type: "quantitative", title: yTitle, axis: yAxis },
        color,
        detail: { field: "seed", type: "nominal" },
        strokeDash: { field: "seed", type: "nominal", title: "Seed", legend: null },
      },
    } as TopLevelSpec;
  }

  const values = bandValues(perSeed, options.band ?? "minmax");
  return {
    ...base,
    data: { values },
    encoding: { x, color },
    layer: [
      {
        mark: { type: "area", opacity: 0.2 },
        encoding: {
          y: { field: "lo", type: "quantitative", title: yTitle, axis: yAxis },
          y2: { field: "hi" },
        },
      },
      {
        mark: { type: "line", strokeWidth: 2 },
        encoding: { y: { field: "mean", type: "quantitative", title: yTitle, axis: yAxis } },
      },
    ],
  } as TopLevelSpec;
}

/** Mean reward vs step (`metric` default `"reward"`). */
export function rewardCurveSpec(
  rows: readonly CurveRow[],
  options: Partial<LearningCurveOptions> = {},
): TopLevelSpec {
  return learningCurveSpec(rows, {
    metric: "reward",
    title: "Reward",
    yTitle: "Mean reward",
    ...options,
  });
}

/** Training accuracy vs step (`metric` default `"accuracy"`, a fraction). */
export function accuracyCurveSpec(
  rows: readonly CurveRow[],
  options: Partial<LearningCurveOptions> = {},
): TopLevelSpec {
  return learningCurveSpec(rows, {
    metric: "accuracy",
    title: "Accuracy",
    yTitle: "Accuracy",
    percent: true,
    ...options,
  });
}

/** Mean completion length vs step (`metric` default `"completion_length"`). */
export function lengthCurveSpec(
  rows: readonly CurveRow[],
  options: Partial<LearningCurveOptions> = {},
): TopLevelSpec {
  return learningCurveSpec(rows, {
    metric: "completion_length",
    title: "Response length",
    yTitle: "Mean completion length (tokens)",
    ...options,
  });
}

/** Options for {@linkcode accuracyByLevelSpec}. */
export interface AccuracyByLevelOptions {
  title?: string;
  /** Variant order (default: first appearance). */
  variants?: string[];
  /** Draw 95% CI error bars for variants with ≥ 2 seeds (default `true`). */
  errorBars?: boolean;
  width?: number;
  height?: number;
}

/** Grouped bars: accuracy per difficulty level (x), one bar per variant, mean over seeds ± 95% CI. */
export function accuracyByLevelSpec(
  runs: readonly RunSummary[],
  options: AccuracyByLevelOptions = {},
): TopLevelSpec {
  const variants = options.variants ?? uniqueInOrder(runs.map((r) => r.variant));
  const levels = [
    ...new Set(runs.flatMap((r) => Object.keys(r.accuracy_by_level ?? {}).map(Number))),
  ].sort((a, b) => a - b);
  const values: Record<string, number | string | null>[] = [];
  for (const variant of variants) {
    const mine = runs.filter((r) => r.variant === variant);
    for (const level of levels) {
      const s = summarize(mine.map((r) => r.accuracy_by_level?.[level]));
      if (s.n === 0) continue;
      const ci = Number.isFinite(s.ci95) ? s.ci95 : null;
      values.push({
        variant,
        level: `L${level}`,
        accuracy: s.mean,
        lo: ci === null ? null : Math.max(0, s.mean - ci),
        hi: ci === null ? null : Math.min(1, s.mean + ci),
        n: s.n,
      });
    }
  }
  const x = {
    field: "level",
    type: "ordinal",
    title: "Difficulty level",
    sort: levels.map((l) => `L${l}`),
    axis: { labelAngle: 0 },
  };
  const xOffset = { field: "variant", type: "nominal", scale: { domain: variants } };
  const layers: unknown[] = [{
    mark: { type: "bar" },
    encoding: {
      y: { field: "accuracy", type: "quantitative", title: "Accuracy", axis: { format: ".0%" } },
      color: {
        field: "variant",
        type: "nominal",
        title: "Variant",
        scale: { domain: variants },
        legend: { labelLimit: 400 },
      },
    },
  }];
  if ((options.errorBars ?? true) && values.some((v) => v.lo !== null)) {
    layers.push({
      transform: [{ filter: "datum.lo != null" }],
      mark: { type: "rule", color: "black" },
      encoding: { y: { field: "lo", type: "quantitative" }, y2: { field: "hi" } },
    });
  }
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: options.title ?? "Accuracy by difficulty level",
    width: options.width ?? 480,
    height: options.height ?? 280,
    data: { values },
    encoding: { x, xOffset },
    layer: layers,
  } as TopLevelSpec;
}

/**
 * A Jupyter display bundle for a spec, e.g. for
 * `Deno.jupyter.display(vegaLiteMimeBundle(spec), { raw: true })`. The spec is
 * tagged with the Vega-Lite major version the frontend expects (`v5` by
 * default, what JupyterLab renders out of the box); an optional pre-rendered
 * SVG is added as a fallback for frontends without a Vega-Lite renderer, both as
 * `image/svg+xml` and as the `text/markdown` that `jupyter nbconvert --to html`
 * shows inline (see `static_chart.ts`).
 */
export function vegaLiteMimeBundle(
  spec: TopLevelSpec,
  options: { version?: 5 | 6; svg?: string } = {},
): Record<string, unknown> {
  const version = options.version ?? 5;
  const bundle: Record<string, unknown> = {
    [`application/vnd.vegalite.v${version}+json`]: {
      ...spec,
      $schema: `https://vega.github.io/schema/vega-lite/v${version}.json`,
    },
  };
  if (options.svg) {
    bundle["image/svg+xml"] = options.svg;
    bundle["text/markdown"] = staticChartMarkdown(options.svg);
  }
  const title = (spec as { title?: unknown }).title;
  bundle["text/plain"] = typeof title === "string" ? `<chart: ${title}>` : "<chart>";
  return bundle;
}

interface SeedSeries {
  variant: string;
  seed: number;
  points: [number, number][];
}

/** Per (variant, seed): finite (step, value) points sorted by step, trailing moving average. */
function smoothedSeries(rows: readonly CurveRow[], metric: string, window: number): SeedSeries[] {
  const groups = new Map<string, SeedSeries>();
  for (const r of rows) {
    const v = r[metric];
    if (typeof v !== "number" || !Number.isFinite(v) || !Number.isFinite(r.step)) continue;
    const key = `${r.variant}\u0000${r.seed}`;
    let g = groups.get(key);
    if (!g) groups.set(key, g = { variant: r.variant, seed: r.seed, points: [] });
    g.points.push([r.step, v]);
  }
  for (const g of groups.values()) {
    g.points.sort((a, b) => a[0] - b[0]);
    if (window > 1) {
      let sum = 0;
      const raw = g.points.map((p) => p[1]);
      g.points = g.points.map(([step], i) => {
        sum += raw[i];
        if (i >= window) sum -= raw[i - window];
        return [step, sum / Math.min(i + 1, window)];
      });
    }
  }
  return [...groups.values()];
}

/** Per (variant, step): mean over seeds and the band [lo, hi]. */
function bandValues(series: SeedSeries[], band: "minmax" | "ci95" | "std") {
  const byKey = new Map<string, { variant: string; step: number; xs: number[] }>();
  for (const s of series) {
    for (const [step, v] of s.points) {
      const key = `${s.variant}\u0000${step}`;
      let e = byKey.get(key);
      if (!e) byKey.set(key, e = { variant: s.variant, step, xs: [] });
      e.xs.push(v);
    }
  }
  return [...byKey.values()].map(({ variant, step, xs }) => {
    const s = summarize(xs);
    let lo = s.mean;
    let hi = s.mean;
    if (band === "minmax") {
      lo = Math.min(...xs);
      hi = Math.max(...xs);
    } else if (s.n >= 2) {
      const h = band === "ci95" ? s.ci95 : s.std;
      lo = s.mean - h;
      hi = s.mean + h;
    }
    return { variant, step, mean: s.mean, lo, hi, n: s.n };
  }).sort((a, b) => a.step - b.step);
}

function uniqueInOrder(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}
