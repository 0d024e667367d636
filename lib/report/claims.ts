/**
 * The claims table: each thing the seed paper claims, tested on our runs with a paired estimate,
 * a 95 % interval from the hierarchical bootstrap (seeds, then problems; `lib/stats`) and a
 * verdict. The inputs are score matrices — per variant, one row per seed, one column per
 * evaluation problem (accuracy over the k samples) — read from the run folders of a grid.
 *
 * | id | claim | statistic |
 * | --- | --- | --- |
 * | C1 | up to 3.7× over the base | pass@1(ZeroGRPO) ÷ pass@1(base) > 1 |
 * | C2 | beats standard GRPO | ZeroGRPO − GRPO-KL > 0 |
 * | C3 | beats penalty variants | mild − strong > 0; mild − none > 0 (per advantage scaling) |
 * | C4 | no-KL helps small models most | (Z − KL) small − (Z − KL) large > 0 |
 * | C5 | curriculum stabilises | spread across seeds, shuffled − staged > 0; staged − shuffled pass@1 > 0 |
 * | C6 | reasoning or brevity? | ZeroGRPO − base at each budget multiple |
 *
 * @module
 */
import { join } from "node:path";
import { bootstrap, type Interval, meanOf, type ScoreMatrix, stdOf } from "../stats/bootstrap.ts";
import { type Verdict, verdict } from "../stats/verdict.ts";
import { rowsToMarkdown } from "./markdown_table.ts";

/** One row of the claims table. */
export interface ClaimRow {
  /** `C1` … `C6`. */
  id: string;
  /** The claim in words. */
  claim: string;
  /** The testbed: base (and size) the runs start from. */
  base: string;
  /** What is estimated, e.g. `zero_grpo − grpo_kl (pass@1, points)`. */
  statistic: string;
  estimate: number;
  lo: number;
  hi: number;
  verdict: Verdict;
  /** The value of no effect: 0 for a difference, 1 for a ratio. */
  nullValue: number;
  /** The runs it is computed from, e.g. `zero_grpo×5, grpo_kl×5`. */
  runs: string;
}

/**
 * The KL arms C4 compares ZeroGRPO with, where both sizes ran them: standard GRPO (β = 0.04) and
 * the β sweep's β = 0.4, where the KL term starts to cost.
 */
export const C4_KL_ARMS = ["grpo_kl", "kl_beta_0_4"] as const;

/** Score matrices of one testbed, by variant name (`base`, `zero_grpo`, …). */
export type Testbed = { name: string; scores: Map<string, ScoreMatrix> };

/** Bootstrap settings of the table. */
export interface ClaimsOptions {
  seed: number;
  resamples?: number;
}

const pts = (x: number) => 100 * x;

/** The runs a row is computed from: each arm's first `seeds` seeds (default: the paired count). */
function runsOf(tb: Testbed, names: string[], seeds?: number): string {
  const n = seeds ?? Math.min(...names.map((v) => tb.scores.get(v)!.length));
  return names.map((v) => `${tb.name}/${v}×${n}`).join(", ");
}

function has(tb: Testbed, names: string[]): boolean {
  return names.every((n) => (tb.scores.get(n)?.length ?? 0) > 0);
}

/** Trims arms to their common number of seeds (the first ones), so they can be paired. */
function paired(arms: ScoreMatrix[]): ScoreMatrix[] {
  const n = Math.min(...arms.map((a) => a.length));
  return arms.map((a) => a.slice(0, n));
}

function row(
  id: string,
  claim: string,
  base: string,
  statistic: string,
  iv: Interval,
  direction: "greater" | "less",
  nullValue: number,
  runs: string,
): ClaimRow {
  return {
    id,
    claim,
    base,
    statistic,
    estimate: iv.estimate,
    lo: iv.lo,
    hi: iv.hi,
    verdict: verdict(iv, direction, nullValue),
    nullValue,
    runs,
  };
}

/** A difference of two variants' pass@1 in points (`a − b`), paired by seed and problem. */
export function differenceRow(
  id: string,
  claim: string,
  tb: Testbed,
  a: string,
  b: string,
  options: ClaimsOptions,
): ClaimRow | null {
  if (!has(tb, [a, b])) return null;
  const arms = paired([tb.scores.get(a)!, tb.scores.get(b)!]);
  const iv = bootstrap(arms, (m) => pts(meanOf(m[0]) - meanOf(m[1])), options);
  return row(
    id,
    claim,
    tb.name,
    `${a} − ${b} (pass@1, points)`,
    iv,
    "greater",
    0,
    runsOf(tb, [a, b]),
  );
}

/**
 * The claims rows computable from `testbeds` (rows whose runs are missing are left out).
 * `small`/`large` name the two testbeds of C4 (same recipe, two model sizes).
 */
export function claimsRows(
  testbeds: Testbed[],
  options: ClaimsOptions & { small?: string; large?: string; budgets?: number[] },
): ClaimRow[] {
  const rows: (ClaimRow | null)[] = [];
  for (const tb of testbeds) {
    if (has(tb, ["zero_grpo", "base"])) {
      const arms = paired([tb.scores.get("zero_grpo")!, tb.scores.get("base")!]);
      const iv = bootstrap(arms, (m) => meanOf(m[0]) / meanOf(m[1]), options);
      rows.push(
        row(
          "C1",
          "up to 3.7× accuracy over the base model",
          tb.name,
          "zero_grpo ÷ base (pass@1 ratio)",
          iv,
          "greater",
          1,
          runsOf(tb, ["zero_grpo", "base"]),
        ),
      );
    }
    rows.push(
      differenceRow("C2", "outperforms standard GRPO (KL)", tb, "zero_grpo", "grpo_kl", options),
    );
    for (const scale of ["", "_none_scale"]) {
      rows.push(
        differenceRow(
          "C3",
          "outperforms stronger length penalties",
          tb,
          `zero_grpo${scale}`,
          `zero_grpo_strong_length${scale}`,
          options,
        ),
        differenceRow(
          "C3",
          "the mild length penalty helps",
          tb,
          `zero_grpo${scale}`,
          `zero_grpo_no_length${scale}`,
          options,
        ),
      );
    }
    rows.push(...curriculumRows(tb, options));
    for (const m of options.budgets ?? []) {
      const z = `zero_grpo@${m}x`;
      const b = `base@${m}x`;
      rows.push(
        differenceRow("C6", `RL gain at ${m}× the evaluation budget`, tb, z, b, options),
      );
    }
  }
  const small = testbeds.find((t) => t.name === options.small);
  const large = testbeds.find((t) => t.name === options.large);
  // Against standard GRPO's β, and against every stronger KL arm both sizes ran.
  for (const kl of C4_KL_ARMS) {
    const need = ["zero_grpo", kl];
    if (!small || !large || !has(small, need) || !has(large, need)) continue;
    const arms = paired([
      small.scores.get("zero_grpo")!,
      small.scores.get(kl)!,
      large.scores.get("zero_grpo")!,
      large.scores.get(kl)!,
    ]);
    const iv = bootstrap(
      arms,
      (m) => pts(meanOf(m[0]) - meanOf(m[1]) - (meanOf(m[2]) - meanOf(m[3]))),
      options,
    );
    rows.push(
      row(
        "C4",
        "removing KL helps small models most",
        `${small.name} vs ${large.name}`,
        `(zero_grpo − ${kl}) small − (zero_grpo − ${kl}) large (points)`,
        iv,
        "greater",
        0,
        `${runsOf(small, need, arms[0].length)}, ${runsOf(large, need, arms[0].length)}`,
      ),
    );
  }
  return rows.filter((r): r is ClaimRow => r !== null);
}

/**
 * C5: the curriculum's effect on stability — the spread of final pass@1 across seeds
 * (shuffled − staged, in points; the claim is that it is larger without the curriculum) and the
 * difference in final pass@1 (staged − shuffled).
 */
export function curriculumRows(tb: Testbed, options: ClaimsOptions): ClaimRow[] {
  const staged = "zero_grpo";
  const shuffled = "zero_grpo_no_curriculum";
  if (!has(tb, [staged, shuffled])) return [];
  const arms = paired([tb.scores.get(staged)!, tb.scores.get(shuffled)!]);
  const runs = runsOf(tb, [staged, shuffled]);
  const spread = bootstrap(arms, (m) => pts(stdOf(m[1]) - stdOf(m[0])), options);
  const out = [
    row(
      "C5",
      "the curriculum stabilises training (less spread across seeds)",
      tb.name,
      `sd over seeds: ${shuffled} − ${staged} (points)`,
      spread,
      "greater",
      0,
      runs,
    ),
  ];
  const d = differenceRow(
    "C5",
    "the curriculum improves final accuracy",
    tb,
    staged,
    shuffled,
    options,
  );
  if (d) out.push(d);
  return out;
}

/** The table as Markdown: estimate [lo, hi] and the verdict, one row per claim and testbed. */
export function claimsMarkdown(rows: ClaimRow[]): string {
  const f = (x: unknown) => (x as number).toFixed(2);
  return rowsToMarkdown(rows as unknown as Record<string, unknown>[], {
    columns: ["id", "claim", "base", "statistic", "estimate", "interval", "verdict", "runs"],
    headers: { interval: "95 % interval" },
    format: {
      estimate: f,
      interval: (_v, r) => `[${f(r.lo)}, ${f(r.hi)}]`,
      verdict: (v) => `**${v}**`,
    },
    align: { interval: "right" },
  });
}

/** The table as CSV (one header line; fields quoted where needed). */
export function claimsCsv(rows: ClaimRow[]): string {
  const cols = ["id", "claim", "base", "statistic", "estimate", "lo", "hi", "verdict", "runs"];
  const q = (v: unknown) => {
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return [cols.join(","), ...rows.map((r) => cols.map((c) => q(r[c as keyof ClaimRow])).join(","))]
    .join("\n") + "\n";
}

/**
 * The score matrix of a variant from a grid's run folders `<runs>/<variant>/<seed>/`: one row per
 * finished seed (ascending), the per-problem accuracy from `eval_samples.jsonl` (`file` names
 * another samples file, e.g. one budget of C6). Seeds without the file are skipped.
 */
export function readScores(
  runsDir: string,
  variant: string,
  file = "eval_samples.jsonl",
): ScoreMatrix {
  const seeds = runSeeds(runsDir, variant);
  const out: number[][] = [];
  for (const seed of seeds) {
    const path = join(runsDir, variant, String(seed), file);
    let text: string;
    try {
      if (!exists(join(runsDir, variant, String(seed), "summary.json"))) continue;
      text = Deno.readTextFileSync(path);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) continue;
      throw e;
    }
    const correct: number[] = [];
    const count: number[] = [];
    text.split("\n").forEach((line, i) => {
      if (!line.trim()) return;
      let s: { problem?: unknown; correct?: unknown };
      try {
        s = JSON.parse(line);
      } catch {
        throw new Error(`${path}:${i + 1}: not JSON`);
      }
      if (typeof s.problem !== "number" || typeof s.correct !== "boolean") {
        throw new Error(`${path}:${i + 1}: field "problem"/"correct" missing`);
      }
      correct[s.problem] = (correct[s.problem] ?? 0) + (s.correct ? 1 : 0);
      count[s.problem] = (count[s.problem] ?? 0) + 1;
    });
    out.push(count.map((n, i) => correct[i] / n));
  }
  return out;
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** The seed folders of a variant under `<runsDir>/<variant>/`, ascending (`[]` when none). */
export function runSeeds(runsDir: string, variant: string): number[] {
  try {
    return [...Deno.readDirSync(join(runsDir, variant))]
      .filter((e) => e.isDirectory && /^\d+$/.test(e.name))
      .map((e) => Number(e.name))
      .sort((a, b) => a - b);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw e;
  }
}
