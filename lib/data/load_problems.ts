/**
 * Loading problems (MATH-500, MiniMath exports) from JSONL, validating every line.
 *
 * @module
 */
import { checkProblem, type Problem } from "./problem.ts";
import { JsonlError, parseJsonl, readJsonl } from "./jsonl.ts";

/**
 * Streams the problems of a JSONL file in the MATH schema, validating each line. The first bad
 * line throws a {@link JsonlError} (`FILE:LINE: field level: must be an integer 1–5, got 7`).
 *
 * @example
 * ```ts
 * for await (const p of streamProblems("data/math500/test.jsonl")) console.log(p.answer);
 * ```
 */
export async function* streamProblems(file: string): AsyncGenerator<Problem> {
  for await (const { line, value } of readJsonl(file)) yield toProblem(value, file, line);
}

/** Loads all problems of a JSONL file (see {@link streamProblems}). */
export async function loadProblems(file: string): Promise<Problem[]> {
  const out: Problem[] = [];
  for await (const p of streamProblems(file)) out.push(p);
  return out;
}

/** Parses problems from JSONL text held in memory; `file` names it in errors. */
export function parseProblems(text: string, file = "<string>"): Problem[] {
  return parseJsonl(text, file).map(({ line, value }) => toProblem(value, file, line));
}

function toProblem(value: unknown, file: string, line: number): Problem {
  const r = checkProblem(value);
  if (!r.ok) {
    if (r.issue.field === "(record)") throw new JsonlError(file, line, r.issue.message);
    throw new JsonlError(file, line, r.issue.message, r.issue.field);
  }
  return r.problem;
}
