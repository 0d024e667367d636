/**
 * Views of the curriculum for the data notebook: difficulty bins by level and by measured pass
 * rate, and the schedule (bin weights per training step) as a chart and a table.
 *
 * @module
 */
import pl from "nodejs-polars";
import type { TopLevelSpec } from "vega-lite";
import {
  type Bins,
  DEFAULT_LEVEL_BINS,
  DIFFICULTIES,
  type LevelBinning,
} from "../curriculum/bins.ts";
import type { Sampler } from "../curriculum/sampler.ts";
import type { Schedule } from "../curriculum/schedule.ts";
import { LEVELS, type Problem } from "../data/problem.ts";
import { evaluate } from "../eval/evaluate.ts";
import { VEGA_LITE_SCHEMA } from "../report/charts.ts";
import type { Policy } from "../rl/policy.ts";

/** Problems per level bin: `bin, levels, problems, share_pct`. */
export function levelBinsTable(
  bins: Bins<Problem>,
  binning: LevelBinning = DEFAULT_LEVEL_BINS,
): pl.DataFrame {
  const total = DIFFICULTIES.reduce((s, d) => s + bins[d].length, 0);
  return pl.DataFrame([
    pl.Series("bin", [...DIFFICULTIES], pl.Utf8),
    pl.Series(
      "levels",
      DIFFICULTIES.map((d) => binning[d].map((l) => `L${l}`).join(", ")),
      pl.Utf8,
    ),
    pl.Series("problems", DIFFICULTIES.map((d) => bins[d].length), pl.Int64),
    pl.Series(
      "share_pct",
      DIFFICULTIES.map((d) => round(100 * bins[d].length / total, 1)),
      pl.Float64,
    ),
  ]);
}

/** Options of {@link measurePassRates}. */
export interface PassRateOptions {
  /** Samples per problem. */
  k: number;
  /** Token budget per completion (the training rollouts' budget). */
  maxNewTokens: number;
  /** Sampling seed. */
  seed: number;
  /** Sampling temperature (default 1.0, the rollouts' temperature). */
  temperature?: number;
}

/**
 * Each problem's pass rate under `policy`: the fraction of k sampled completions whose answer is
 * correct (the evaluation protocol's grader), at the rollouts' temperature.
 */
export function measurePassRates(
  policy: Policy,
  problems: Problem[],
  options: PassRateOptions,
): number[] {
  const report = evaluate(policy, problems, {
    samples: options.k,
    maxNewTokens: options.maxNewTokens,
    seed: options.seed,
    temperature: options.temperature ?? 1.0,
    topP: 1.0,
  });
  const rates = problems.map(() => 0);
  for (const r of report.results) if (r.correct) rates[r.problem] += 1 / options.k;
  return rates.map((r) => Math.min(1, r));
}

/**
 * Pass-rate bins against dataset levels: one row per bin with its size, mean / min / max pass
 * rate (percent) and how many problems of each level it holds (`L1`…`L5`).
 */
export function passRateBinsTable(
  problems: readonly Problem[],
  rates: readonly number[],
  bins: Bins<Problem>,
): pl.DataFrame {
  const rateOf = new Map(problems.map((p, i) => [p, rates[i]]));
  const stat = (d: (typeof DIFFICULTIES)[number], f: (xs: number[]) => number) => {
    const xs = bins[d].map((p) => rateOf.get(p)!);
    return xs.length ? round(100 * f(xs), 1) : null;
  };
  return pl.DataFrame([
    pl.Series("bin", [...DIFFICULTIES], pl.Utf8),
    pl.Series("problems", DIFFICULTIES.map((d) => bins[d].length), pl.Int64),
    pl.Series(
      "mean_pass_pct",
      DIFFICULTIES.map((d) => stat(d, (xs) => xs.reduce((a, b) => a + b, 0) / xs.length)),
      pl.Float64,
    ),
    pl.Series(
      "min_pass_pct",
      DIFFICULTIES.map((d) => stat(d, (xs) => Math.min(...xs))),
      pl.Float64,
    ),
    pl.Series(
      "max_pass_pct",
      DIFFICULTIES.map((d) => stat(d, (xs) => Math.max(...xs))),
      pl.Float64,
    ),
    ...LEVELS.map((l) =>
      pl.Series(
        `L${l}`,
        DIFFICULTIES.map((d) => bins[d].filter((p) => p.level === l).length),
        pl.Int64,
      )
    ),
  ]);
}

/** Mean measured pass rate per level (percent): `level, problems, mean_pass_pct`. */
export function passRateByLevelTable(
  problems: readonly Problem[],
  rates: readonly number[],
): pl.DataFrame {
  const levels = LEVELS.filter((l) => problems.some((p) => p.level === l));
  const of = (l: number) => rates.filter((_, i) => problems[i].level === l);
  return pl.DataFrame([
    pl.Series("level", levels.map((l) => `L${l}`), pl.Utf8),
    pl.Series("problems", levels.map((l) => of(l).length), pl.Int64),
    pl.Series(
      "mean_pass_pct",
      levels.map((l) => round(100 * of(l).reduce((a, b) => a + b, 0) / of(l).length, 1)),
      pl.Float64,
    ),
  ]);
}

/**
 * Stacked bars: problems per dataset level, colored by the bin their measured pass rate puts
 * them in — where level and measured difficulty agree, each level is one color.
 */
export function passRateBinsSpec(bins: Bins<Problem>, title: string): TopLevelSpec {
  const values = DIFFICULTIES.flatMap((d, order) =>
    LEVELS.map((l) => ({
      level: `L${l}`,
      bin: d,
      order,
      problems: bins[d].filter((p) => p.level === l).length,
    }))
  ).filter((v) => v.problems > 0);
  return {
    $schema: VEGA_LITE_SCHEMA,
    title,
    width: 360,
    height: 220,
    data: { values },
    mark: { type: "bar" },
    encoding: {
      x: {
        field: "level",
        type: "ordinal",
        title: "Dataset level",
        sort: LEVELS.map((l) => `L${l}`),
        axis: { labelAngle: 0 },
      },
      y: { field: "problems", type: "quantitative", title: "Problems", stack: "zero" },
      color: {
        field: "bin",
        type: "nominal",
        title: "Pass-rate bin",
        scale: { domain: [...DIFFICULTIES], range: BIN_COLORS },
      },
      order: { field: "order", type: "quantitative" },
      tooltip: [{ field: "level" }, { field: "bin" }, { field: "problems" }],
    },
  } as TopLevelSpec;
}

/** Colors of easy / medium / hard. */
export const BIN_COLORS = ["#59a14f", "#edc948", "#e15759"];

/**
 * The curriculum schedules as stacked areas of bin weight vs training step, one panel per
 * schedule. A schedule without weights (`shuffled`) is drawn with the pool's own bin shares
 * (`poolBins`), which is what uniform sampling of the pool gives in expectation.
 */
export function scheduleSpec(
  schedules: readonly Schedule[],
  steps: number,
  poolBins: Bins<unknown>,
): TopLevelSpec {
  const poolTotal = DIFFICULTIES.reduce((s, d) => s + poolBins[d].length, 0);
  const values: { schedule: string; step: number; bin: string; order: number; weight: number }[] =
    [];
  for (const s of schedules) {
    for (let step = 0; step <= steps; step++) {
      const w = s.weightsAt(step);
      const sum = w ? DIFFICULTIES.reduce((a, d) => a + w[d], 0) : poolTotal;
      DIFFICULTIES.forEach((d, order) => {
        const x = w ? w[d] : poolBins[d].length;
        values.push({ schedule: s.name, step, bin: d, order, weight: sum > 0 ? x / sum : 0 });
      });
    }
  }
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: "Curriculum schedules: share of each bin in the batch",
    data: { values },
    facet: {
      column: {
        field: "schedule",
        type: "nominal",
        title: null,
        sort: schedules.map((s) => s.name),
      },
    },
    spec: {
      width: 220,
      height: 160,
      mark: { type: "area", interpolate: "step-after" },
      encoding: {
        x: { field: "step", type: "quantitative", title: "Training step" },
        y: {
          field: "weight",
          type: "quantitative",
          title: "Share of batch",
          stack: "normalize",
          axis: { format: ".0%" },
        },
        color: {
          field: "bin",
          type: "nominal",
          title: "Bin",
          scale: { domain: [...DIFFICULTIES], range: BIN_COLORS },
        },
        order: { field: "order", type: "quantitative" },
      },
    },
  } as TopLevelSpec;
}

/**
 * The batches a sampler actually draws at the given steps: `step, easy, medium, hard` prompt
 * counts, plus the level mix of the batch (`levels`, e.g. `L1×3 L2×5`).
 */
export function batchCompositionTable(
  sampler: Sampler<Problem>,
  steps: readonly number[],
): pl.DataFrame {
  const batches = steps.map((t) => sampler.batchAt(t));
  const counts = steps.map((t, i) => {
    const c = sampler.countsAt(t);
    if (c) return c;
    // No curriculum: count by the default level binning.
    const out = { easy: 0, medium: 0, hard: 0 };
    for (const p of batches[i]) {
      const d = DIFFICULTIES.find((d) => DEFAULT_LEVEL_BINS[d].includes(p.level))!;
      out[d]++;
    }
    return out;
  });
  return pl.DataFrame([
    pl.Series("step", [...steps], pl.Int64),
    ...DIFFICULTIES.map((d) => pl.Series(d, counts.map((c) => c[d]), pl.Int64)),
    pl.Series(
      "levels",
      batches.map((b) =>
        LEVELS.map((l) => [l, b.filter((p) => p.level === l).length] as const)
          .filter(([, n]) => n > 0).map(([l, n]) => `L${l}×${n}`).join(" ")
      ),
      pl.Utf8,
    ),
  ]);
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** `n` steps spread evenly over `[0, total)` (distinct, ascending; fewer when total < n). */
export function evenlySpacedSteps(total: number, n: number): number[] {
  if (total <= 0 || n <= 0) return [];
  return [...new Set(Array.from({ length: n }, (_, i) => Math.floor((i * total) / n)))];
}
