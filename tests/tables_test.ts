import { equal, match } from "node:assert/strict";
import type { RunSummary } from "../lib/report/run_summary.ts";
import {
  aggregateByVariant,
  resultsMarkdown,
  runsToDataFrame,
  writeResultTables,
} from "../lib/report/tables.ts";
import { rowsToMarkdown } from "../lib/report/markdown_table.ts";

function near(actual: unknown, expected: number, tol = 1e-6) {
  if (typeof actual !== "number" || !(Math.abs(actual - expected) <= tol)) {
    throw new Error(`${actual} != ${expected} ± ${tol}`);
  }
}

const RUNS: RunSummary[] = [
  {
    variant: "zero_grpo",
    seed: 1,
    pass_at_1: 0.40,
    maj_at_k: 0.5,
    k: 8,
    accuracy_by_level: { 1: 0.8, 2: 0.3 },
    mean_length: 80,
    truncation_rate: 0.02,
    train_wall_time_s: 600,
  },
  {
    variant: "zero_grpo",
    seed: 2,
    pass_at_1: 0.45,
    maj_at_k: 0.5,
    k: 8,
    accuracy_by_level: { 1: 0.9, 2: 0.3 },
    mean_length: 90,
    truncation_rate: 0.04,
    train_wall_time_s: 660,
  },
  {
    variant: "zero_grpo",
    seed: 3,
    pass_at_1: 0.50,
    maj_at_k: 0.5,
    k: 8,
    accuracy_by_level: { 1: 1.0, 2: 0.3 },
    mean_length: 100,
    truncation_rate: 0.0,
    train_wall_time_s: 720,
  },
  {
    variant: "grpo_kl",
    seed: 1,
    pass_at_1: 0.30,
    accuracy_by_level: { 1: 0.7 },
    diverged: true,
    extra: { beta: 0.04 },
  },
  { variant: "base", seed: 0, pass_at_1: 0.20, accuracy_by_level: { 1: 0.5, 2: 0.1 } },
];

Deno.test("runsToDataFrame: one row per run, flattened levels, nulls for missing", () => {
  const df = runsToDataFrame(RUNS);
  equal(df.height, 5);
  equal(df.columns.includes("acc_l1"), true);
  equal(df.columns.includes("acc_l2"), true);
  equal(df.columns.includes("beta"), true);
  equal(df.getColumn("maj_at_k").toArray()[4], null);
  equal(df.getColumn("acc_l2").toArray()[3], null);
});

Deno.test("aggregateByVariant: mean ± t-CI over seeds, × over base, base first", () => {
  const agg = aggregateByVariant(runsToDataFrame(RUNS));
  const recs = agg.toRecords() as Record<string, unknown>[];
  equal(recs.map((r) => r.variant).join(","), "base,zero_grpo,grpo_kl");
  const z = recs[1];
  equal(z.n_seeds, 3);
  equal(z.k, 8);
  // pass@1 [.40, .45, .50]: mean .45, std .05, CI 4.3027·.05/√3 = .1242083
  near(z.pass_at_1_mean, 0.45);
  near(z.pass_at_1_std, 0.05);
  near(z.pass_at_1_ci95, 0.1242083, 1e-6);
  near(z.x_over_base, 2.25); // .45 / .20
  near(z.acc_l1_mean, 0.9);
  near(z.mean_length_mean, 90);
  near(z.maj_at_k_std, 0);
  // single seed: CI undefined (null), diverged counted
  equal(recs[2].pass_at_1_ci95, null);
  equal(recs[2].n_diverged, 1);
  near(recs[2].x_over_base, 1.5);
  near(recs[0].x_over_base, 1);
});

Deno.test("resultsMarkdown: formatted percentages, CI dash for one seed", () => {
  const md = resultsMarkdown(aggregateByVariant(runsToDataFrame(RUNS)));
  const lines = md.trim().split("\n");
  equal(lines.length, 5); // header, rule, 3 variants
  match(
    lines[0],
    /^\| Variant +\| Seeds \| +pass@1 \(%\) \| × base \| +maj@8 \(%\) \| L1 \(%\) \| L2 \(%\) \|/,
  );
  match(lines[2], /^\| base +\| +1 \| +20\.0 ± – \| +1\.00× \| +– \| +50\.0 \| +10\.0 \|/);
  match(
    lines[3],
    /^\| zero_grpo +\| +3 \| +45\.0 ± 12\.4 \| +2\.25× \| +50\.0 ± 0\.0 \| +90\.0 \| +30\.0 \| +90\.0 \| +2\.0 \| +11\.0 \|/,
  );
  match(lines[4], /\| grpo_kl .*\| +1 \|$/); // Diverged column
});

Deno.test("rowsToMarkdown: alignment and escaping", () => {
  const md = rowsToMarkdown([{ name: "a|b", x: 1.23456 }, { name: "c", x: null }]);
  equal(md, "| name |     x |\n| ---- | ----: |\n| a\\|b | 1.235 |\n| c    |     – |\n");
});

Deno.test("writeResultTables writes runs.csv, summary.csv and results.md", async () => {
  const dir = await Deno.makeTempDir();
  const paths = await writeResultTables(RUNS, dir, { title: "Ablation" });
  const csv = await Deno.readTextFile(paths.runsCsv);
  equal(csv.split("\n")[0].startsWith("variant,seed,pass_at_1,maj_at_k,k,acc_l1,acc_l2,"), true);
  equal(csv.trim().split("\n").length, 6);
  const summary = await Deno.readTextFile(paths.summaryCsv);
  match(summary, /^variant,n_seeds,n_diverged,k,x_over_base,pass_at_1_mean,/);
  match(summary, /\nbase,1,0,,1\.0,0\.2,,/);
  const md = await Deno.readTextFile(paths.markdown);
  match(md, /^# Ablation\n\n\| Variant/);
  await Deno.remove(dir, { recursive: true });
});
