/**
 * The seed's claims in the notebooks, read from the claims grid (`results/claims/<testbed>/`, the
 * same run folders `deno task claims` reads): the claims table with coloured verdicts and one chart
 * per claim (notebook 05), the β sweep and the budget sweep (notebook 04). Before the grid has run,
 * each view is one notice saying how to run it.
 *
 * @module
 */
import pl from "nodejs-polars";
import type { TopLevelSpec } from "vega-lite";
import { VEGA_LITE_SCHEMA } from "../report/charts.ts";
import { type ClaimRow, claimsMarkdown, type Testbed } from "../report/claims.ts";
import {
  betaSweepRows,
  budgetRows,
  C4_TESTBEDS,
  CLAIM_BUDGETS,
  CLAIM_TESTBEDS,
  claimTestbedDirs,
  loadClaims,
  outcomeRows,
  SAMPLE_CONTRASTS_CAPTION,
  testbedContrasts,
  type TestbedDir,
} from "../report/claims_report.ts";
import { contrastMarkdown } from "../report/claims_samples.ts";
import type { Verdict } from "../stats/verdict.ts";
import { chart, html, markdown, type Viewable } from "./display.ts";
import { escapeHtml, htmlTable } from "./math_html.ts";
import { type Missing, notice } from "./missing.ts";
import { claimsDir, relativeToRoot } from "./paths.ts";

/** What the claims grid left: its testbeds, their score matrices and the claims rows. */
export interface ClaimsResults {
  ok: true;
  /** The bootstrap's seed (the same as `deno task claims`' default: the same intervals). */
  seed: number;
  testbeds: TestbedDir[];
  loaded: Testbed[];
  rows: ClaimRow[];
}

/** The colour of each verdict, in the table and the charts. */
export const VERDICT_COLORS: Readonly<Record<Verdict, string>> = {
  supported: "#2a9d3a",
  contradicted: "#d33",
  inconclusive: "#b8860b",
};

/** Each claim's headline, for its chart. */
export const CLAIM_HEADLINES: Readonly<Record<string, string>> = {
  C1: "C1 — up to 3.7× accuracy over the base",
  C2: "C2 — ZeroGRPO outperforms standard GRPO (KL)",
  C3: "C3 — the mild length penalty beats none and a strong one",
  C4: "C4 — removing KL helps small models most",
  C5: "C5 — the curriculum stabilises training",
  C6: "C6 — RL's gain at each evaluation budget",
};

/**
 * Reads the claims grid under `dir` (default `results/claims/`, `$SSR1_CLAIMS_DIR`): the default
 * testbeds of `deno task claims` and its rows, or a {@link Missing} saying how to run the grid.
 */
export function loadClaimsResults(
  dir: string = claimsDir(),
  options: { seed?: number; resamples?: number } = {},
): ClaimsResults | Missing {
  const testbeds = claimTestbedDirs(dir);
  const seed = options.seed ?? 1;
  const { loaded, rows } = loadClaims(testbeds, { ...C4_TESTBEDS, ...options, seed });
  if (loaded.every((tb) => tb.scores.size === 0)) {
    const shown = relativeToRoot(dir);
    return {
      ok: false,
      message:
        `**No claims grid has run yet**: no finished run under \`${shown}/<testbed>/runs/\` ` +
        `(${CLAIM_TESTBEDS.join(", ")}). Run it with \`deno task ablate --preset claims --base ` +
        `data/bases/<base> --results ${shown}/<testbed>\`, one per testbed (\`--preset ` +
        "claims-long` for `overthink-0.2m-long`; the variants each needs: README, *The seed's " +
        "claims*), then `deno task claims`.",
    };
  }
  return { ok: true, seed, testbeds, loaded, rows };
}

const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : "–");

/** A verdict in its colour (bold). */
export function verdictHtml(v: Verdict): string {
  return `<b style="color:${VERDICT_COLORS[v]}">${v}</b>`;
}

/** The claims table as HTML, verdicts coloured; its plain-text form is the Markdown table. */
export function claimsTableHtml(rows: readonly ClaimRow[]): string {
  return htmlTable(
    ["id", "claim", "testbed", "statistic", "estimate", "95 % interval", "verdict", "runs"],
    rows.map((r) => [
      `<b>${escapeHtml(r.id)}</b>`,
      escapeHtml(r.claim),
      escapeHtml(r.base),
      escapeHtml(r.statistic),
      f2(r.estimate),
      `[${f2(r.lo)}, ${f2(r.hi)}]`,
      verdictHtml(r.verdict),
      `<small>${escapeHtml(r.runs)}</small>`,
    ]),
  );
}

/** The claims table (notebook 05's opening view). */
export function claimsTableView(results: ClaimsResults | Missing): Viewable {
  if (!results.ok) return notice(results.message);
  if (results.rows.length === 0) return markdown(NO_ROWS);
  return html(claimsTableHtml(results.rows), claimsMarkdown([...results.rows]));
}

const NO_ROWS = "_The claims grid has runs, but none of the pairs a claim compares is complete " +
  "yet (each claim needs both of its variants finished)._";

/**
 * One claim's chart: per testbed and statistic, the estimate (a point, coloured by its verdict)
 * with its 95 % interval (an error bar), and a rule at no effect (0 for a difference, 1 for C1's
 * ratio).
 */
export function claimSpec(rows: readonly ClaimRow[]): TopLevelSpec {
  const id = rows[0]?.id ?? "";
  const nullValue = rows[0]?.nullValue ?? 0;
  const values = rows.map((r) => ({
    label: `${r.base} · ${r.statistic.replace(/ \([^()]*\)$/, "")}`,
    estimate: r.estimate,
    lo: r.lo,
    hi: r.hi,
    verdict: r.verdict,
    runs: r.runs,
    no_effect: nullValue,
  }));
  const labels = values.map((v) => v.label);
  const xTitle = nullValue === 1
    ? "pass@1 ratio (1 = no effect)"
    : "difference, pass@1 points (0 = no effect)";
  const x = { type: "quantitative", title: xTitle };
  const y = {
    field: "label",
    type: "nominal",
    title: null,
    sort: labels,
  };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: CLAIM_HEADLINES[id] ?? id,
    width: 360,
    height: Math.max(40, 30 * values.length),
    data: { values },
    config: { axisY: { labelLimit: 800 } },
    layer: [
      {
        mark: { type: "rule", color: "#888", strokeDash: [4, 3] },
        encoding: { x: { field: "no_effect", ...x } },
      },
      {
        mark: { type: "errorbar", ticks: true },
        encoding: { y, x: { field: "lo", ...x }, x2: { field: "hi" } },
      },
      {
        mark: { type: "point", filled: true, size: 80 },
        encoding: {
          y,
          x: { field: "estimate", ...x },
          color: {
            field: "verdict",
            type: "nominal",
            title: "Verdict",
            scale: {
              domain: Object.keys(VERDICT_COLORS),
              range: Object.values(VERDICT_COLORS),
            },
          },
          tooltip: [
            { field: "label", title: "statistic" },
            { field: "estimate", format: ".2f" },
            { field: "lo", format: ".2f" },
            { field: "hi", format: ".2f" },
            { field: "verdict" },
            { field: "runs" },
          ],
        },
      },
    ],
  } as TopLevelSpec;
}

/** One chart per claim id (C1 … C6, those with rows), in the table's order. */
export function claimSpecs(rows: readonly ClaimRow[]): TopLevelSpec[] {
  const ids = [...new Set(rows.map((r) => r.id))].sort();
  return ids.map((id) => claimSpec(rows.filter((r) => r.id === id)));
}

/** The claims' charts (notebook 05). */
export function claimChartViews(results: ClaimsResults | Missing): Viewable[] {
  if (!results.ok) return [notice(results.message)];
  if (results.rows.length === 0) return [markdown(NO_ROWS)];
  return claimSpecs(results.rows).map((spec) => chart(spec));
}

/** The claims table followed by one chart per claim. */
export function claimsViews(results: ClaimsResults | Missing): Viewable[] {
  if (!results.ok || results.rows.length === 0) return [claimsTableView(results)];
  return [claimsTableView(results), ...claimChartViews(results)];
}

/** Rows of `f` over the testbeds, each tagged with its testbed. */
function perTestbed(
  results: ClaimsResults,
  f: (t: TestbedDir, tb: Testbed) => Record<string, unknown>[],
): Record<string, unknown>[] {
  return results.testbeds.flatMap((t, i) =>
    f(t, results.loaded[i]).map((r) => ({ testbed: t.name, ...r }))
  );
}

const round2 = (x: unknown) => (typeof x === "number" ? Math.round(100 * x) / 100 : x ?? null);

/** The rows as a DataFrame, numbers rounded to 2 decimals. */
function table(rows: Record<string, unknown>[]): pl.DataFrame {
  return pl.DataFrame(
    rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, round2(v)]))),
  );
}

/**
 * One panel per metric side by side (independent y scales) — and, with `byTestbed`, one row of
 * panels per testbed — one line with points per `color` series, x a quantitative or ordinal axis.
 */
function sweepSpec(
  title: string,
  values: Record<string, unknown>[],
  x: Record<string, unknown>,
  color: Record<string, unknown>,
  metrics: readonly string[],
  byTestbed = false,
): TopLevelSpec {
  const row = { field: "testbed", type: "nominal", title: null, sort: [...CLAIM_TESTBEDS] };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title,
    data: { values },
    facet: {
      column: { field: "metric", type: "nominal", title: null, sort: metrics },
      ...(byTestbed ? { row } : {}),
    },
    resolve: { scale: { y: "independent" } },
    spec: {
      width: 240,
      height: 160,
      mark: { type: "line", point: true },
      encoding: {
        x,
        y: { field: "value", type: "quantitative", title: null },
        color,
        tooltip: [
          { field: "testbed" },
          { field: x.field as string },
          { field: color.field as string },
          { field: "value", format: ".3f" },
        ],
      },
    },
  } as TopLevelSpec;
}

/** The β sweep's metrics, as the chart's panels name them. */
export const BETA_METRICS = ["pass@1 (%)", "drift KL from the start (k3, last 10 steps)"] as const;

/** The β sweep: pass@1 and the drift KL per β, one line per testbed. */
export function betaSweepSpec(rows: readonly Record<string, unknown>[]): TopLevelSpec {
  const values = rows.flatMap((r) =>
    [r.pass1, r.drift_kl].map((value, i) => ({
      testbed: r.testbed,
      beta: r.beta,
      metric: BETA_METRICS[i],
      value,
    })).filter((v) => typeof v.value === "number")
  );
  return sweepSpec(
    "The β sweep: accuracy and drift per KL weight",
    values,
    // Symmetric log: 0, 0.01 … 1 spread out, 0 still on the axis.
    {
      field: "beta",
      type: "quantitative",
      title: "β (KL weight, symmetric log scale)",
      scale: { type: "symlog", constant: 0.01 },
    },
    { field: "testbed", type: "nominal", title: "Testbed" },
    BETA_METRICS,
  );
}

/** The budget sweep's metrics, as the chart's panels name them. */
export const BUDGET_METRICS = ["pass@1 (%)", "generated tokens per correct answer"] as const;

/**
 * The budget sweep: pass@1 and tokens per correct answer per budget multiple, base vs ZeroGRPO,
 * one row of panels per testbed.
 */
export function budgetSweepSpec(rows: readonly Record<string, unknown>[]): TopLevelSpec {
  const values = rows.flatMap((r) =>
    [r.pass1, r.tokens_per_correct].map((value, i) => ({
      testbed: r.testbed,
      variant: r.variant,
      budget: r.budget,
      metric: BUDGET_METRICS[i],
      value,
    })).filter((v) => typeof v.value === "number")
  );
  return sweepSpec(
    "The budget sweep: base vs ZeroGRPO at multiples of the evaluation budget",
    values,
    {
      field: "budget",
      type: "ordinal",
      title: "Evaluation budget (× the rollouts')",
      sort: CLAIM_BUDGETS.map((m) => `${m}×`),
      axis: { labelAngle: 0 },
    },
    { field: "variant", type: "nominal", title: "Variant" },
    BUDGET_METRICS,
    true,
  );
}

/** The β sweep (notebook 04): its table over the testbeds, and the chart. */
export function betaSweepViews(results: ClaimsResults | Missing): Viewable[] {
  if (!results.ok) return [notice(results.message)];
  const rows = perTestbed(results, (t, tb) => betaSweepRows(t, tb, results.seed));
  if (rows.length === 0) {
    return [markdown(
      "_The claims grid has no β-sweep run yet (`zero_grpo`, `kl_beta_0_01`, " +
        "`grpo_kl`, `kl_beta_0_1`, on `overthink-0.8m`)._",
    )];
  }
  return [table(rows), chart(betaSweepSpec(rows))];
}

/** The budget sweep (notebook 04): its table over the testbeds, and the chart. */
export function budgetSweepViews(results: ClaimsResults | Missing): Viewable[] {
  if (!results.ok) return [notice(results.message)];
  const rows = perTestbed(results, budgetRows);
  if (rows.length === 0) {
    return [markdown("_The claims grid has no budget-sweep run yet (`base` and `zero_grpo`)._")];
  }
  return [table(rows), chart(budgetSweepSpec(rows))];
}

/**
 * What the runs do (notebook 05): how each variant's evaluation samples end, over the testbeds,
 * and per testbed the sample completions of the C1 and C2 pairs (as in `claims.md`).
 */
export function claimsSamplesViews(results: ClaimsResults | Missing): Viewable[] {
  if (!results.ok) return [notice(results.message)];
  const rows = perTestbed(results, (t) => outcomeRows(t));
  const views: Viewable[] = rows.length ? [table(rows)] : [];
  for (const t of results.testbeds) {
    const contrasts = testbedContrasts(t);
    if (!contrasts.length) continue;
    views.push(markdown(
      [`#### \`${t.name}\``, SAMPLE_CONTRASTS_CAPTION, ...contrasts.map(contrastMarkdown)]
        .join("\n\n"),
    ));
  }
  return views;
}
