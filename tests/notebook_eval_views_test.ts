import { assert, assertEquals } from "./_assert.ts";
import { type SampleResult, summarize } from "../lib/eval/evaluate.ts";
import { miniMathHeldOut } from "../lib/data/minimath_split.ts";
import {
  completionKind,
  completionKindsTable,
  completionsHtml,
  evalByLevelTable,
  evalBySubjectTable,
  evalRunSummary,
  evalSummaryTable,
  miniMathEvalSet,
  pickCompletions,
} from "../lib/notebook/eval_views.ts";

const PROBLEMS = miniMathEvalSet(1);
const sample = (problem: number, s: number, r: Partial<SampleResult>): SampleResult => ({
  problem,
  sample: s,
  completion: "<think>x</think>\\boxed{1}",
  answer: "1",
  correct: false,
  length: 10,
  truncated: false,
  wellFormatted: true,
  ...r,
});
// Problem 4 (level 5) correct twice; problem 0 wrong then truncated; 1 no answer; others wrong.
const RESULTS = PROBLEMS.flatMap((_, i) =>
  [0, 1].map((s) => {
    if (i === 4) return sample(i, s, { correct: true, answer: PROBLEMS[i].answer });
    if (i === 0 && s === 1) {
      return sample(i, s, { truncated: true, answer: null, completion: "<think>a<b" });
    }
    if (i === 1) {
      return sample(i, s, { answer: null, completion: "<think>x</think>" });
    }
    return sample(i, s, {});
  })
);
const REPORT = summarize(PROBLEMS, RESULTS, 2, 100, 2);

Deno.test("miniMathEvalSet: the first n held-out problems of each level", () => {
  const set = miniMathEvalSet(3);
  assertEquals(set.map((p) => p.level), [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5]);
  // the default base's MiniMath version (v2 for the overthinking bases); v1 for the first base
  assertEquals(set[3], miniMathHeldOut("v2")[100]);
  assertEquals(miniMathEvalSet(3, "data/bases/imperfect-0.8m")[3], miniMathHeldOut("v1")[100]);
});

Deno.test("eval tables: headline, by level, by subject, completion kinds (percent)", () => {
  const head = evalSummaryTable(REPORT).toRecords()[0] as Record<string, unknown>;
  assertEquals(head.pass_at_1_pct, 20);
  // k = 2 makes no majority vote: no maj@2 column (it used to be sample 0's correctness).
  assertEquals(Object.keys(head).filter((c) => c.startsWith("maj")), []);
  const three = summarize(
    PROBLEMS,
    PROBLEMS.flatMap((_, i) => [0, 1, 2].map((s) => sample(i, s, {}))),
    3,
  );
  assertEquals(evalSummaryTable(three).toRecords()[0].maj_at_3_pct, 0);
  assertEquals(head.tokens_per_s, 50);
  const byLevel = evalByLevelTable(REPORT).toRecords();
  assertEquals(byLevel.map((r) => r.pass_at_1_pct), [0, 0, 0, 0, 100]);
  assertEquals(evalBySubjectTable(REPORT).toRecords(), [
    { subject: "Arithmetic", problems: 5, pass_at_1_pct: 20 },
  ]);
  assertEquals(
    completionKindsTable(REPORT).toRecords().map((r) => [r.kind, r.completions]),
    [["correct", 2], ["wrong", 5], ["no answer", 2], ["truncated", 1]],
  );
  const run = evalRunSummary("base", 0, REPORT);
  assertEquals(run.accuracy_by_level, { 1: 0, 2: 0, 3: 0, 4: 0, 5: 1 });
});

Deno.test("pickCompletions: one of each kind, hardest level first; cards escape the text", () => {
  const picks = pickCompletions(REPORT, PROBLEMS);
  assertEquals(picks.map((p) => p.kind), ["correct", "wrong", "no answer", "truncated"]);
  assertEquals(picks[0].problem.level, 5);
  assertEquals(picks[1].problem.level, 4);
  assertEquals(completionKind(picks[3].result), "truncated");
  const h = completionsHtml(picks);
  assert(h.includes("&lt;think&gt;a&lt;b"), "completion escaped");
  assert(h.includes("<i>none</i>"), "no extracted answer");
  assert(completionsHtml([], "nothing").includes("nothing"));
});
