/**
 * Format reward: the `<think>…</think>` then `\boxed{answer}` layout.
 *
 * @module
 */
import { extractBoxed } from "../grade/extract.ts";
import { parseThink } from "../grade/think.ts";
import { checkBatch, type ProblemLike, type RewardContext } from "./types.ts";

/**
 * 1 when the completion is a well-formed `<think>…</think>` block (non-empty, nothing but
 * whitespace before it, no stray think tags) followed by a closed `\boxed{…}`, else 0.
 * Correctness is not checked.
 *
 * @example
 * ```ts
 * formatReward(["<think>3+4=7.</think>\\boxed{7}", "7"], [{ answer: "7" }, { answer: "7" }]); // [1, 0]
 * ```
 */
export function formatReward(
  completions: readonly string[],
  problems: readonly ProblemLike[],
  ctx?: RewardContext,
): number[] {
  checkBatch(completions, problems, ctx);
  return completions.map((c) => (isWellFormatted(c) ? 1 : 0));
}

/** `true` when a single completion has the think-then-boxed format (see {@link formatReward}). */
export function isWellFormatted(completion: string): boolean {
  const t = parseThink(completion);
  if (!t.wellFormed || t.think === null || t.think.trim() === "") return false;
  const boxed = extractBoxed(t.rest);
  return boxed !== null && boxed !== "" && t.rest.includes("\\boxed{");
}
