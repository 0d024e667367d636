/**
 * Result tables: per-run rows → polars DataFrame → per-variant aggregate
 * (mean ± 95% CI over seeds) → Markdown and CSV.
 *
 * @module
 */

import pl from "nodejs-polars";
import { join } from "node:path";
import { writeTextAtomic } from "../io/atomic.ts";
import type { RunSummary } from "./run_summary.ts";
import { formatMeanCi, formatNumber, MISSING, summarize } from "./stats.ts";
import { rowsToMarkdown } from "./markdown_table.ts";

/** Options shared by the table builders. */
export interface TableOptions {
  /** Name of the untrained variant used for "× over base" (default `"base"`). */
  baseVariant?: string;
  /** Difficulty levels to tabulate (default: all levels present in the runs, sorted). */
  levels?: number[];
}

/**
 * One row per run. Columns: `variant, seed, pass_at_1, maj_at_k, k,
 * acc_l1..acc_lN, mean_length, truncation_rate, train_wall_time_s,
 * train_steps, n_eval, diverged`, then the union of `extra` keys. Missing
 * values are nulls.
 */
export function runsToDataFrame(
  runs: readonly RunSummary[],
  options: TableOptions = {},
): pl.DataFrame {
  const levels = options.levels ?? levelsOf(runs);
  const num = (name: string, get: (r: RunSummary) => number | null | undefined) =>
    pl.Series(name, runs.map((r) => finiteOrNull(get(r))), pl.Float64);
  const series = [
    pl.Series("variant", runs.map((r) => r.variant), pl.Utf8),
    pl.Series("seed", runs.map((r) => r.seed), pl.Int64),
    num("pass_at_1", (r) => r.pass_at_1),
    num("maj_at_k", (r) => r.maj_at_k),
    num("k", (r) => r.k),
    ...levels.map((l) => num(`acc_l${l}`, (r) => r.accuracy_by_level?.[l])),
    num("mean_length", (r) => r.mean_length),
    num("truncation_rate", (r) => r.truncation_rate),
    num("train_wall_time_s", (r) => r.train_wall_time_s),
    num("train_steps", (r) => r.train_steps),
    num("n_eval", (r) => r.n_eval),
    pl.Series("diverged", runs.map((r) => r.diverged ?? false), pl.Bool),
  ];
  const extraKeys = [...new Set(runs.flatMap((r) => Object.keys(r.extra ?? {})))];
  for (const key of extraKeys) {
    const values = runs.map((r) => r.extra?.[key] ?? null);
    const first = values.find((v) => v !== null);
    const dtype = typeof first === "number"
      ? pl.Float64
      : typeof first === "boolean"
      ? pl.Bool
      : pl.Utf8;
    const cast = values.map((v) =>
      v === null
        ? null
        : dtype === pl.Utf8
        ? String(v)
        : typeof v === "number"
        ? finiteOrNull(v)
        : v
    );
    series.push(pl.Series(key, cast, dtype));
  }
  return pl.DataFrame(series);
}

/** Metrics aggregated per variant (mean, std, ci95 columns are produced for each). */
export const AGGREGATED_METRICS = [
  "pass_at_1",
  "maj_at_k",
  "mean_length",
  "truncation_rate",
  "train_wall_time_s",
  "train_steps",
] as const;

/**
 * Aggregate a per-run DataFrame (from {@linkcode runsToDataFrame}) per variant.
 * Output columns, one row per variant (base variant first, then in order of
 * first appearance):
 *
 * - `variant`, `n_seeds`, `n_diverged`, `k`
 * - for each of {@linkcode AGGREGATED_METRICS} and each `acc_l<level>`:
 *   `<m>_mean`, `<m>_std`, `<m>_ci95` (std/ci95 null when fewer than 2 seeds)
 * - `x_over_base`: `pass_at_1_mean / pass_at_1_mean(base)` (null if no base or base is 0)
 *
 * Undefined quantities are nulls (empty cells in CSV).
 */
export function aggregateByVariant(df: pl.DataFrame, options: TableOptions = {}): pl.DataFrame {
  const baseVariant = options.baseVariant ?? "base";
  const metrics = [
    ...AGGREGATED_METRICS,
    ...df.columns.filter((c) => /^acc_l\d+$/.test(c)),
  ].filter((c) => df.columns.includes(c));
  const grouped = df.groupBy("variant").agg(
    pl.col("seed").alias("seeds"),
    pl.col("diverged").alias("diverged_list"),
    pl.col("k").max().alias("k"),
    ...metrics.map((m) => pl.col(m).alias(`${m}__list`)),
  );
  const firstSeen = new Map<string, number>();
  (df.getColumn("variant").toArray() as string[]).forEach((v, i) => {
    if (!firstSeen.has(v)) firstSeen.set(v, i);
  });
  const order = (v: string) => (v === baseVariant ? -1 : firstSeen.get(v) ?? Infinity);
  const records = (grouped.toRecords() as Record<string, unknown>[])
    .sort((a, b) => order(a.variant as string) - order(b.variant as string));

  const rows = records.map((rec) => {
    const row: Record<string, number | string | null> = {
      variant: rec.variant as string,
      n_seeds: (rec.seeds as unknown[]).length,
      n_diverged: (rec.diverged_list as (boolean | null)[]).filter((d) => d === true).length,
      k: (rec.k as number | null) ?? null,
    };
    for (const m of metrics) {
      const s = summarize(rec[`${m}__list`] as (number | null)[]);
      row[`${m}_mean`] = s.mean;
      row[`${m}_std`] = s.std;
      row[`${m}_ci95`] = s.ci95;
    }
    return row;
  });
  const base = rows.find((r) => r.variant === baseVariant)?.pass_at_1_mean as number | undefined;
  for (const row of rows) {
    row.x_over_base = base !== undefined && base > 0 ? (row.pass_at_1_mean as number) / base : NaN;
  }
  const columns = ["variant", "n_seeds", "n_diverged", "k", "x_over_base"];
  for (const m of metrics) columns.push(`${m}_mean`, `${m}_std`, `${m}_ci95`);
  const ints = new Set(["n_seeds", "n_diverged", "k"]);
  return pl.DataFrame(
    columns.map((c) =>
      c === "variant" ? pl.Series(c, rows.map((r) => r[c] as string), pl.Utf8) : pl.Series(
        c,
        rows.map((r) => finiteOrNull(r[c] as number | null)),
        ints.has(c) ? pl.Int64 : pl.Float64,
      )
    ),
  );
}

/**
 * The human-readable results table (Markdown) from an aggregate DataFrame:
 * `Variant | Seeds | pass@1 (%) | × base | maj@k (%) | L1 … | Len | Trunc. (%) | Train`.
 * Rates are percentages, "mean ± 95% CI" over seeds ("± –" with one seed).
 * Columns whose values are all missing are left out.
 */
export function resultsMarkdown(agg: pl.DataFrame): string {
  const recs = agg.toRecords() as Record<string, unknown>[];
  const has = (c: string) =>
    agg.columns.includes(c) && recs.some((r) => typeof r[c] === "number" && Number.isFinite(r[c]));
  const k = recs.map((r) => r.k as number | null).find((x) => x !== null && Number.isFinite(x));
  const levelCols = agg.columns.filter((c) => /^acc_l\d+_mean$/.test(c) && has(c));
  const pct = { percent: true };
  const cols: [string, string, (r: Record<string, unknown>) => string][] = [
    ["variant", "Variant", (r) => String(r.variant)],
    ["n_seeds", "Seeds", (r) => String(r.n_seeds)],
    [
      "pass_at_1",
      "pass@1 (%)",
      (r) => formatMeanCi(r.pass_at_1_mean as number, r.pass_at_1_ci95 as number, pct),
    ],
    ["x_over_base", "× base", (r) => times(r.x_over_base as number)],
  ];
  if (has("maj_at_k_mean")) {
    cols.push([
      "maj_at_k",
      k ? `maj@${k} (%)` : "maj@k (%)",
      (r) => formatMeanCi(r.maj_at_k_mean as number, r.maj_at_k_ci95 as number, pct),
    ]);
  }
  for (const c of levelCols) {
    const level = c.match(/^acc_l(\d+)_mean$/)![1];
    cols.push([c, `L${level} (%)`, (r) => formatNumber(r[c] as number, pct)]);
  }
  if (has("mean_length_mean")) {
    cols.push([
      "mean_length",
      "Len",
      (r) => formatNumber(r.mean_length_mean as number, { digits: 1 }),
    ]);
  }
  if (has("truncation_rate_mean")) {
    cols.push([
      "truncation_rate",
      "Trunc. (%)",
      (r) => formatNumber(r.truncation_rate_mean as number, pct),
    ]);
  }
  if (has("train_wall_time_s_mean")) {
    cols.push(["train", "Train (min)", (r) => minutes(r.train_wall_time_s_mean as number)]);
  }
  if (recs.some((r) => (r.n_diverged as number) > 0)) {
    cols.push(["n_diverged", "Diverged", (r) => String(r.n_diverged)]);
  }
  const rows = recs.map((r) => Object.fromEntries(cols.map(([key, , fmt]) => [key, fmt(r)])));
  return rowsToMarkdown(rows, {
    columns: cols.map(([key]) => key),
    headers: Object.fromEntries(cols.map(([key, header]) => [key, header])),
    align: Object.fromEntries(cols.map(([key]) => [key, key === "variant" ? "left" : "right"])),
  });
}

/** Paths written by {@linkcode writeResultTables}. */
export interface WrittenTables {
  runsCsv: string;
  summaryCsv: string;
  markdown: string;
}

/**
 * Write `runs.csv` (one row per run), `summary.csv` (aggregate, raw numbers)
 * and `results.md` (the formatted table) into `outDir`, atomically.
 */
export async function writeResultTables(
  runs: readonly RunSummary[],
  outDir: string,
  options: TableOptions & { title?: string } = {},
): Promise<WrittenTables> {
  const df = runsToDataFrame(runs, options);
  const agg = aggregateByVariant(df, options);
  const paths = {
    runsCsv: join(outDir, "runs.csv"),
    summaryCsv: join(outDir, "summary.csv"),
    markdown: join(outDir, "results.md"),
  };
  const title = options.title ?? "Results";
  const note = "pass@1 and maj@k: mean ± 95% CI over seeds (Student t; – with a single seed). " +
    "× base: ratio of mean pass@1 to the base model's. Level columns: mean pass@1 per difficulty level.";
  await writeTextAtomic(paths.runsCsv, dataFrameToCsv(df));
  await writeTextAtomic(paths.summaryCsv, dataFrameToCsv(agg));
  await writeTextAtomic(paths.markdown, `# ${title}\n\n${resultsMarkdown(agg)}\n${note}\n`);
  return paths;
}

/** CSV text of a DataFrame (header row; nulls as empty cells). */
export function dataFrameToCsv(df: pl.DataFrame): string {
  return df.writeCSV().toString();
}

function levelsOf(runs: readonly RunSummary[]): number[] {
  const set = new Set<number>();
  for (const r of runs) for (const k of Object.keys(r.accuracy_by_level ?? {})) set.add(Number(k));
  return [...set].filter(Number.isFinite).sort((a, b) => a - b);
}

function finiteOrNull(x: number | undefined | null): number | null {
  return typeof x === "number" && Number.isFinite(x) ? x : null;
}

function times(x: number | null): string {
  return typeof x === "number" && Number.isFinite(x) ? `${x.toFixed(2)}×` : MISSING;
}

function minutes(seconds: number | null): string {
  return typeof seconds === "number" && Number.isFinite(seconds) && seconds > 0
    ? (seconds / 60).toFixed(1)
    : MISSING;
}
