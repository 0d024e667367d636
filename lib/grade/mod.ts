/**
 * Answer extraction and grading: `extractAnswer` / `extractBoxed` pull the final answer out of a
 * completion, `parseThink` splits the `<think>…</think>` format, `isEquivalent` decides whether
 * two LaTeX answers are the same mathematical answer.
 *
 * @module
 */
export { gradeAnswer, isEquivalent, MAX_ANSWER_LENGTH } from "./equivalent.ts";
export { extractAllBoxed, extractAnswer, extractAnswerIs, extractBoxed } from "./extract.ts";
export { parseThink, type ThinkParse } from "./think.ts";
export { canonicalText, normalizeAnswer } from "./normalize.ts";
export { parseAnswer, ParseError } from "./parse.ts";
export type { Node } from "./ast.ts";
