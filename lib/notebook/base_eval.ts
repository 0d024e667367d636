/**
 * The base model's evaluation for the base-model notebook: the shared protocol (`lib/eval`) on a
 * level-stratified slice of MiniMath-500, its tables and chart, and sample completions.
 *
 * @module
 */
import type { Problem } from "../data/problem.ts";
import { type EvalReport, evaluate } from "../eval/evaluate.ts";
import { accuracyByLevelSpec } from "../report/charts.ts";
import type { BaseModel } from "./base_model.ts";
import { chart, html, markdown, type Viewable } from "./display.ts";
import {
  completionKindsTable,
  completionsHtml,
  evalByLevelTable,
  evalBySubjectTable,
  evalRunSummary,
  evalSummaryTable,
  pickCompletions,
} from "./eval_views.ts";
import { type Missing, notice } from "./missing.ts";

/** An evaluation with the problems it ran on. */
export interface Evaluation {
  ok: true;
  label: string;
  problems: Problem[];
  report: EvalReport;
}

/** Evaluates the base model with k samples per problem; {@link Missing} without a checkpoint. */
export function evaluateBase(
  base: BaseModel,
  problems: Problem[],
  options: { samples: number; maxNewTokens: number; seed: number },
): Evaluation | Missing {
  if (!base.ok) return { ok: false, message: base.message };
  const report = evaluate(base.policy, problems, options);
  return { ok: true, label: "base", problems, report };
}

/** Headline table, pass@1 by level (table and chart), by subject, and the kinds of completion. */
export function evalViews(evaluation: Evaluation | Missing): Viewable[] {
  if (!evaluation.ok) return [notice(evaluation.message)];
  const { report, label } = evaluation;
  return [
    markdown(
      `${report.n} problems × ${report.k} samples in ${report.seconds.toFixed(1)} s ` +
        `(temperature 0.6, top-p 0.95).`,
    ),
    evalSummaryTable(report, label),
    evalByLevelTable(report),
    chart(accuracyByLevelSpec([evalRunSummary(label, 0, report)], {
      title: `pass@1 of the ${label} model by level`,
    })),
    evalBySubjectTable(report),
    completionKindsTable(report),
  ];
}

/** Typeset sample completions: one correct, wrong, answerless and truncated each (when any). */
export function sampleCompletionsView(evaluation: Evaluation | Missing, perKind = 1): Viewable {
  if (!evaluation.ok) return notice(evaluation.message);
  const picks = pickCompletions(evaluation.report, evaluation.problems, perKind);
  return html(completionsHtml(picks, "The evaluation produced no completions."));
}
