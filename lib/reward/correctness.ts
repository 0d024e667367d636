/**
 * Correctness reward: 1 when the completion's final answer equals the gold answer, else 0.
 *
 * @module
 */
import { extractAnswer } from "../grade/extract.ts";
import { gradeAnswer } from "../grade/equivalent.ts";
import { checkBatch, type ProblemLike, type RewardContext } from "./types.ts";

/**
 * 1 if the last `\boxed{…}` (else a "The answer is …" fallback) of the completion is
 * equivalent to `problem.answer` (see `isEquivalent`), else 0.
 *
 * @example
 * ```ts
 * correctnessReward(["<think>2+2=4.</think>\\boxed{4}"], [{ answer: "4" }]); // [1]
 * ```
 */
export function correctnessReward(
  completions: readonly string[],
  problems: readonly ProblemLike[],
  ctx?: RewardContext,
): number[] {
  checkBatch(completions, problems, ctx);
  return completions.map((c, i) => (gradeAnswer(extractAnswer(c), problems[i].answer) ? 1 : 0));
}
