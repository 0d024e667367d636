/**
 * `results/claims.md` and `results/claims.csv` from the run folders of a claims grid: one
 * results folder per testbed (`<dir>/runs/<variant>/<seed>/`), the claims rows C1–C6 with their
 * intervals and verdicts, and the tables that explain them — the β sweep, the KL trajectory
 * against the reward's spread, curriculum stability, the budget sweep, how the samples end, and
 * sample completions — and the grid's wall time.
 *
 * @module
 */
import { join } from "node:path";
import { BETA_SWEEP, DEFAULT_GRID } from "../ablation/variants.ts";
import { bootstrap, meanOf, type ScoreMatrix, stdOf } from "../stats/bootstrap.ts";
import { verdict } from "../stats/verdict.ts";
import {
  type ClaimRow,
  claimsCsv,
  claimsMarkdown,
  claimsRows,
  readScores,
  runSeeds,
  type Testbed,
} from "./claims.ts";
import { parseJsonl } from "../data/jsonl.ts";
import { rowsToMarkdown } from "./markdown_table.ts";
import {
  contrastMarkdown,
  contrastSample,
  failureProfileRows,
  type SampleContrast,
  testbedEvalProblems,
} from "./claims_samples.ts";

/** The variants whose scores the claims read. */
export const CLAIM_VARIANTS: readonly string[] = [
  ...DEFAULT_GRID,
  ...BETA_SWEEP.map((b) => b.variant),
];

/** Budget multiples of C6 (1 is the run's own evaluation). */
export const CLAIM_BUDGETS: readonly number[] = [0.5, 1, 2, 4];

/** A testbed's results folder and name. */
export interface TestbedDir {
  name: string;
  dir: string;
}

/** The claims grid's testbeds, each a results folder `<claims dir>/<name>/`. */
export const CLAIM_TESTBEDS: readonly string[] = [
  "overthink-0.8m",
  "overthink-0.2m",
  "overthink-0.2m-long",
  "imperfect-0.8m",
];

/** C4's pair of testbeds: the same recipe on a small and a large base. */
export const C4_TESTBEDS = { small: "overthink-0.2m", large: "overthink-0.8m" } as const;

/** The default testbeds under `dir` (`results/claims`): `<dir>/<name>` each. */
export function claimTestbedDirs(dir = join("results", "claims")): TestbedDir[] {
  return CLAIM_TESTBEDS.map((name) => ({ name, dir: join(dir, name) }));
}

/** Reads a testbed's score matrices: every claim variant, and `<variant>@<m>x` for C6. */
export function readTestbed(t: TestbedDir): Testbed {
  const runs = join(t.dir, "runs");
  const scores = new Map<string, ScoreMatrix>();
  for (const v of new Set(CLAIM_VARIANTS)) {
    const s = readScores(runs, v);
    if (s.length) scores.set(v, s);
  }
  for (const v of ["base", "zero_grpo"]) {
    for (const m of CLAIM_BUDGETS) {
      const s = m === 1 ? readScores(runs, v) : readScores(runs, v, `eval_samples@${m}x.jsonl`);
      if (s.length) scores.set(`${v}@${m}x`, s);
    }
  }
  return { name: t.name, scores };
}

/** One run's training curve (`metrics.jsonl`), or `[]` when absent. */
export function readMetrics(
  runsDir: string,
  variant: string,
  seed: number,
): Record<string, number>[] {
  const path = join(runsDir, variant, String(seed), "metrics.jsonl");
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw e;
  }
  return parseJsonl(text, path).map((r) => r.value as Record<string, number>);
}

/**
 * The β sweep of a testbed: pass@1 per β (mean over seeds), its difference from β = 0 with the
 * bootstrap interval, and the policy's drift and the KL term's weight against the reward's spread
 * (last 10 steps: mean drift k3 KL to the start, β·KL, reward std).
 */
export function betaSweepRows(t: TestbedDir, tb: Testbed, seed: number): Record<string, unknown>[] {
  const zero = tb.scores.get("zero_grpo");
  return BETA_SWEEP.filter((b) => tb.scores.has(b.variant)).map((b) => {
    const s = tb.scores.get(b.variant)!;
    const curves = runSeeds(join(t.dir, "runs"), b.variant).map((sd) =>
      readMetrics(join(t.dir, "runs"), b.variant, sd).slice(-10)
    ).filter((c) => c.length);
    const avg = (f: (m: Record<string, number>) => number | undefined) => {
      const xs = curves.flat().map(f).filter((x): x is number => typeof x === "number");
      return xs.length ? meanOf(xs) : null;
    };
    let diff = "–";
    if (zero && b.beta > 0) {
      const n = Math.min(zero.length, s.length);
      const iv = bootstrap(
        [s.slice(0, n), zero.slice(0, n)],
        (m) => 100 * (meanOf(m[0]) - meanOf(m[1])),
        { seed, resamples: 2000 },
      );
      diff = `${iv.estimate.toFixed(2)} [${iv.lo.toFixed(2)}, ${iv.hi.toFixed(2)}] ${
        verdict(iv, "less")
      }`;
    }
    return {
      beta: b.beta,
      variant: b.variant,
      seeds: s.length,
      pass1: 100 * meanOf(s.map((row) => meanOf(row))),
      vs_zero: diff,
      drift_kl: avg((m) => m.drift_kl),
      beta_kl: b.beta > 0 ? avg((m) => (m.kl === undefined ? undefined : b.beta * m.kl)) : 0,
      reward_std: avg((m) => m.reward_std),
    };
  });
}

/**
 * Curriculum stability (C5, descriptive): per arm, the spread of final pass@1 over seeds, the
 * learning curves' spread (training accuracy's std over seeds, averaged over steps), and the runs
 * that collapsed (final pass@1 below the base's mean, or diverged).
 */
export function stabilityRows(t: TestbedDir, tb: Testbed): Record<string, unknown>[] {
  const base = tb.scores.get("base");
  const baseMean = base ? meanOf(base.map((r) => meanOf(r))) : NaN;
  return ["zero_grpo", "zero_grpo_no_curriculum"].filter((v) => tb.scores.has(v)).map((v) => {
    const finals = tb.scores.get(v)!.map((r) => meanOf(r));
    const curves = runSeeds(join(t.dir, "runs"), v).map((s) =>
      readMetrics(join(t.dir, "runs"), v, s).map((m) => m.accuracy)
    ).filter((c) => c.length);
    const steps = Math.min(...curves.map((c) => c.length));
    const spread = curves.length > 1 && Number.isFinite(steps)
      ? meanOf(Array.from({ length: steps }, (_, i) => stdOf(curves.map((c) => c[i]))))
      : NaN;
    return {
      variant: v,
      seeds: finals.length,
      final_pass1: 100 * meanOf(finals),
      final_sd: 100 * stdOf(finals),
      curve_sd: 100 * spread,
      collapsed: finals.filter((f) => f < baseMean).length,
    };
  });
}

/** The budget sweep (C6, descriptive): pass@1 and tokens per correct answer per budget. */
export function budgetRows(t: TestbedDir, tb: Testbed): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const v of ["base", "zero_grpo"]) {
    for (const m of CLAIM_BUDGETS) {
      const s = tb.scores.get(`${v}@${m}x`);
      if (!s) continue;
      const tpc = runSeeds(join(t.dir, "runs"), v).map((sd) => {
        try {
          const sum = JSON.parse(
            Deno.readTextFileSync(join(t.dir, "runs", v, String(sd), "summary.json")),
          );
          return sum.extra?.[m === 1 ? "tokens_per_correct" : `tokens_per_correct@${m}x`];
        } catch {
          return undefined;
        }
      }).filter((x): x is number => typeof x === "number");
      out.push({
        variant: v,
        budget: `${m}×`,
        pass1: 100 * meanOf(s.map((r) => meanOf(r))),
        tokens_per_correct: tpc.length ? meanOf(tpc) : null,
      });
    }
  }
  return out;
}

/**
 * The pairs whose sample completions `claims.md` shows: C1 (RL vs base), C2 both ways, and
 * ZeroGRPO against the β sweep's strongest KL (what a binding KL term keeps the policy doing).
 */
export const SAMPLE_CONTRASTS: readonly [string, string][] = [
  ["zero_grpo", "base"],
  ["zero_grpo", "grpo_kl"],
  ["grpo_kl", "zero_grpo"],
  ["zero_grpo", "kl_beta_1"],
];

/** How a testbed's evaluation samples end, per claim variant ({@linkcode failureProfileRows}). */
export function outcomeRows(t: TestbedDir): Record<string, unknown>[] {
  return failureProfileRows(join(t.dir, "runs"), [...new Set(CLAIM_VARIANTS)]);
}

/** The sample completions of {@linkcode SAMPLE_CONTRASTS} in a testbed (those it has runs for). */
export function testbedContrasts(t: TestbedDir): SampleContrast[] {
  const runsDir = join(t.dir, "runs");
  const problems = testbedEvalProblems(runsDir, [...new Set(CLAIM_VARIANTS)]);
  if (!problems) return [];
  return SAMPLE_CONTRASTS.map(([a, b]) => contrastSample(runsDir, problems, a, b))
    .filter((c) => c !== null);
}

/** What the sample completions are, in `claims.md` and notebook 05. */
export const SAMPLE_CONTRASTS_CAPTION = "**Sample completions** — for each pair, the evaluation " +
  "problem where the first variant is right most often relative to the second (the extreme " +
  "case, not the typical one), with a correct completion of the first and a failed one of the " +
  "second:";

/** Wall time of a testbed's grid: training + evaluation seconds summed over its runs. */
export function gridSeconds(t: TestbedDir): { runs: number; seconds: number } {
  let runs = 0;
  let seconds = 0;
  for (const v of new Set(CLAIM_VARIANTS)) {
    for (const s of runSeeds(join(t.dir, "runs"), v)) {
      try {
        const sum = JSON.parse(
          Deno.readTextFileSync(join(t.dir, "runs", v, String(s), "summary.json")),
        );
        runs++;
        seconds += (sum.train_wall_time_s ?? 0) + (sum.extra?.eval_seconds ?? 0);
      } catch { /* unfinished */ }
    }
  }
  return { runs, seconds };
}

/** Everything `claims.md` shows. */
export interface ClaimsReport {
  rows: ClaimRow[];
  markdown: string;
  csv: string;
}

/** Options of the claims: bootstrap seed and resamples, C4's `small`/`large` testbeds. */
export interface ClaimsReportOptions {
  seed: number;
  resamples?: number;
  small?: string;
  large?: string;
}

/** Reads `testbeds` and computes their claims rows (C6 at every {@linkcode CLAIM_BUDGETS}). */
export function loadClaims(
  testbeds: TestbedDir[],
  options: ClaimsReportOptions,
): { loaded: Testbed[]; rows: ClaimRow[] } {
  const loaded = testbeds.map(readTestbed);
  return { loaded, rows: claimsRows(loaded, { ...options, budgets: [...CLAIM_BUDGETS] }) };
}

/** Builds the claims report of `testbeds` (`small`/`large` for C4). */
export function claimsReport(
  testbeds: TestbedDir[],
  options: ClaimsReportOptions,
): ClaimsReport {
  const { loaded, rows } = loadClaims(testbeds, options);
  const f2 = (x: unknown) => (typeof x === "number" ? x.toFixed(2) : String(x ?? "–"));
  const fmt = (cols: string[]) => Object.fromEntries(cols.map((c) => [c, f2]));
  const sections: string[] = [
    "# The seed's claims, tested",
    "",
    "Each row: a paired estimate over the same seeds and evaluation problems, its 95 % interval " +
    "from a bootstrap that resamples seeds and then problems (2,000 resamples), and the verdict: " +
    "**supported** (the interval excludes no effect in the claimed direction), **contradicted** " +
    "(it excludes it in the other), **inconclusive**. Differences are in pass@1 points; C1 is a " +
    "ratio. Generated by `deno task claims` from the run folders named in the last column.",
    "",
    rows.length ? claimsMarkdown(rows) : "_no runs yet_",
    "",
  ];
  testbeds.forEach((t, i) => {
    const tb = loaded[i];
    const { runs, seconds } = gridSeconds(t);
    sections.push(
      `## Testbed \`${t.name}\``,
      "",
      `${runs} runs in \`${t.dir}\`, ${(seconds / 3600).toFixed(2)} h of training and evaluation.`,
      "",
    );
    const table = (caption: string, rows: Record<string, unknown>[], numeric: string[]) => {
      if (rows.length) {
        sections.push(caption, "", rowsToMarkdown(rows, { format: fmt(numeric) }), "");
      }
    };
    table(
      "**β sweep** — pass@1 per β; the difference from β = 0 with its interval (the verdict " +
        'reads "the KL term costs accuracy"); the last 10 steps\' drift from the start ' +
        "(k3 KL), β·KL and the reward's std:",
      betaSweepRows(t, tb, options.seed),
      ["pass1", "drift_kl", "beta_kl", "reward_std"],
    );
    table(
      "**Curriculum stability** — final pass@1 and its sd over seeds, the training accuracy " +
        "curve's sd over seeds (mean over steps), runs ending below the base (points):",
      stabilityRows(t, tb),
      ["final_pass1", "final_sd", "curve_sd"],
    );
    table(
      "**Budget sweep** — pass@1 at multiples of the evaluation budget, and generated tokens " +
        "per correct answer:",
      budgetRows(t, tb),
      ["pass1", "tokens_per_correct"],
    );
    table(
      "**How the evaluation samples end** (all seeds; percent of samples): correct, cut off at " +
        "the token budget, stopped without an answer, a wrong answer; mean length in tokens:",
      outcomeRows(t),
      ["correct", "truncated", "no_answer", "wrong_answer", "length"],
    );
    const contrasts = testbedContrasts(t);
    if (contrasts.length) {
      sections.push(
        SAMPLE_CONTRASTS_CAPTION,
        "",
        ...contrasts.flatMap((c) => [contrastMarkdown(c), ""]),
      );
    }
  });
  return { rows, markdown: sections.join("\n"), csv: claimsCsv(rows) };
}
