/**
 * Views of an evaluation report (`lib/eval`): headline numbers, accuracy by level and subject,
 * and typeset sample completions — good, wrong, no answer, truncated.
 *
 * @module
 */
import pl from "nodejs-polars";
import type { Problem } from "../data/problem.ts";
import { miniMathHeldOutByLevel } from "../data/minimath_split.ts";
import { baseMiniMathVersion } from "../model/bases.ts";
import { baseModelDir } from "./paths.ts";
import type { EvalReport, SampleResult } from "../eval/evaluate.ts";
import { escapeHtml, mathTextHtml, miniMathToTex, rawTextHtml, texHtml } from "./math_html.ts";

/**
 * A level-stratified slice of MiniMath-500: the first `perLevel` held-out problems of each level
 * (subjects cycle within a level, so each slice covers them evenly), of the MiniMath version the
 * base in `baseDir` (default: the notebooks' base) was pretrained on.
 */
export function miniMathEvalSet(perLevel: number, baseDir: string = baseModelDir()): Problem[] {
  return miniMathHeldOutByLevel(perLevel, baseMiniMathVersion(baseDir));
}

/**
 * Headline numbers of a report as a one-row table (rates in percent); maj@k only where the report
 * has one (an odd k ≥ 3).
 */
export function evalSummaryTable(report: EvalReport, label = "base"): pl.DataFrame {
  return pl.DataFrame([
    pl.Series("model", [label], pl.Utf8),
    pl.Series("problems", [report.n], pl.Int64),
    pl.Series("k", [report.k], pl.Int64),
    pl.Series("pass_at_1_pct", [pct(report.pass1)], pl.Float64),
    ...(report.majk === null
      ? []
      : [pl.Series(`maj_at_${report.k}_pct`, [pct(report.majk)], pl.Float64)]),
    pl.Series("format_ok_pct", [pct(report.formatRate)], pl.Float64),
    pl.Series("mean_length", [Math.round(report.meanLength * 10) / 10], pl.Float64),
    pl.Series("truncated_pct", [pct(report.truncationRate)], pl.Float64),
    pl.Series("tokens_per_s", [Math.round(report.tokensPerSecond)], pl.Int64),
  ]);
}

/** pass@1 by level: `level, problems, pass_at_1_pct`. */
export function evalByLevelTable(report: EvalReport): pl.DataFrame {
  const levels = Object.keys(report.byLevel).sort();
  return pl.DataFrame([
    pl.Series("level", levels.map((l) => `L${l}`), pl.Utf8),
    pl.Series("problems", levels.map((l) => report.byLevel[l].n), pl.Int64),
    pl.Series("pass_at_1_pct", levels.map((l) => pct(report.byLevel[l].pass1)), pl.Float64),
  ]);
}

/** pass@1 by subject: `subject, problems, pass_at_1_pct`. */
export function evalBySubjectTable(report: EvalReport): pl.DataFrame {
  const subjects = Object.keys(report.bySubject);
  return pl.DataFrame([
    pl.Series("subject", subjects, pl.Utf8),
    pl.Series("problems", subjects.map((s) => report.bySubject[s].n), pl.Int64),
    pl.Series("pass_at_1_pct", subjects.map((s) => pct(report.bySubject[s].pass1)), pl.Float64),
  ]);
}

/** A report as a {@link RunSummary} (for the report's tables and charts). */
export { evalRunSummary } from "../ablation/run.ts";

/** The kinds of completion {@link pickCompletions} looks for. */
export type CompletionKind = "correct" | "wrong" | "no answer" | "truncated";

/** What a completion is: truncated, else correct, wrong or without an answer. */
export function completionKind(r: SampleResult): CompletionKind {
  if (r.truncated) return "truncated";
  if (r.correct) return "correct";
  return r.answer === null ? "no answer" : "wrong";
}

/** One picked completion with its problem. */
export interface PickedCompletion {
  kind: CompletionKind;
  problem: Problem;
  result: SampleResult;
}

/**
 * Up to `perKind` completions of each kind (correct, wrong, no answer, truncated), taken from the
 * hardest levels first so that the picks show more than level-1 sums.
 */
export function pickCompletions(
  report: EvalReport,
  problems: readonly Problem[],
  perKind = 1,
): PickedCompletion[] {
  const order = [...report.results].sort((a, b) =>
    problems[b.problem].level - problems[a.problem].level || a.problem - b.problem ||
    a.sample - b.sample
  );
  const kinds: CompletionKind[] = ["correct", "wrong", "no answer", "truncated"];
  return kinds.flatMap((kind) =>
    order.filter((r) => completionKind(r) === kind).slice(0, perKind)
      .map((result) => ({ kind, problem: problems[result.problem], result }))
  );
}

/** How many completions of each kind a report has: `kind, completions, share_pct`. */
export function completionKindsTable(report: EvalReport): pl.DataFrame {
  const kinds: CompletionKind[] = ["correct", "wrong", "no answer", "truncated"];
  const counts = kinds.map((k) => report.results.filter((r) => completionKind(r) === k).length);
  const total = Math.max(1, report.results.length);
  return pl.DataFrame([
    pl.Series("kind", kinds, pl.Utf8),
    pl.Series("completions", counts, pl.Int64),
    pl.Series("share_pct", counts.map((c) => pct(c / total)), pl.Float64),
  ]);
}

const KIND_COLORS: Record<CompletionKind, string> = {
  correct: "#2a9d3a",
  wrong: "#d33",
  "no answer": "#b8860b",
  truncated: "#777",
};

/**
 * Typeset cards of picked completions: the kind, the problem (KaTeX), the completion verbatim,
 * and the gold and extracted answers (KaTeX). `note` is shown when `picks` is empty.
 */
export function completionsHtml(
  picks: readonly (PickedCompletion & { label?: string })[],
  note = "No completions to show.",
): string {
  if (picks.length === 0) return `<p><i>${escapeHtml(note)}</i></p>`;
  return picks.map(({ kind, problem, result, label }) => {
    const head = [
      `<b style="color:${KIND_COLORS[kind]}">${escapeHtml(kind)}</b>`,
      ...(label ? [escapeHtml(label)] : []),
      `level ${problem.level}`,
      escapeHtml(problem.subject),
      `${result.length} tokens`,
    ].join(" · ");
    const predicted = result.answer === null ? "<i>none</i>" : texHtml(result.answer);
    return `<div style="border-left:4px solid ${KIND_COLORS[kind]};padding:4px 10px;margin:8px 0">
<div>${head}</div>
<div><b>Problem:</b> ${mathTextHtml(miniMathToTex(problem.problem))}</div>
<div><b>Completion:</b></div>${rawTextHtml(result.completion)}
<div><b>Gold:</b> ${texHtml(problem.answer)} &nbsp; <b>Extracted:</b> ${predicted}</div>
</div>`;
  }).join("\n");
}

function pct(x: number): number {
  return Math.round(1000 * x) / 10;
}
