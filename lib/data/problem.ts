/**
 * The problem record shared by MATH-500 and MiniMath (MATH schema).
 *
 * @module
 */

/** A difficulty level as MATH writes it: an integer from 1 (easiest) to 5 (hardest). */
export type Level = 1 | 2 | 3 | 4 | 5;

/** All levels, easiest first. */
export const LEVELS: readonly Level[] = [1, 2, 3, 4, 5];

/** One math problem in the MATH / MATH-500 schema. */
export interface Problem {
  /** The problem statement (LaTeX allowed). */
  problem: string;
  /** A worked solution whose last `\boxed{…}` holds the answer. */
  solution: string;
  /** The final answer as LaTeX, e.g. `\frac{3}{2}`, `-4`, `(1,2)`. */
  answer: string;
  /** Subject, e.g. `Algebra`, `Number Theory`, `Arithmetic`. */
  subject: string;
  /** Difficulty level 1–5. */
  level: Level;
  /** A unique id, e.g. `test/algebra/1.json` or `minimath/arithmetic/L1/3f2a9c1b`. */
  unique_id: string;
}

/** Why a value is not a {@link Problem}: the field and what is wrong. */
export interface FieldIssue {
  /** Field name, e.g. `level`. */
  field: string;
  /** What is wrong, e.g. `must be an integer 1–5, got 7`. */
  message: string;
}

/** `true` for the integers 1–5. */
export function isLevel(x: unknown): x is Level {
  return typeof x === "number" && Number.isInteger(x) && x >= 1 && x <= 5;
}

/**
 * Checks that `value` is a {@link Problem}. Returns the problem (only the six schema fields,
 * extra fields dropped) or the first issue found. Never throws.
 */
export function checkProblem(value: unknown): { ok: true; problem: Problem } | {
  ok: false;
  issue: FieldIssue;
} {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return {
      ok: false,
      issue: { field: "(record)", message: `expected a JSON object, got ${describe(value)}` },
    };
  }
  const v = value as Record<string, unknown>;
  for (const field of ["problem", "solution", "answer", "subject", "unique_id"] as const) {
    const x = v[field];
    if (x === undefined) return { ok: false, issue: { field, message: "missing" } };
    if (typeof x !== "string") {
      return { ok: false, issue: { field, message: `expected a string, got ${describe(x)}` } };
    }
    if (field !== "solution" && x.trim() === "") {
      return { ok: false, issue: { field, message: "must not be empty" } };
    }
  }
  if (v.level === undefined) return { ok: false, issue: { field: "level", message: "missing" } };
  if (!isLevel(v.level)) {
    return {
      ok: false,
      issue: { field: "level", message: `must be an integer 1–5, got ${describe(v.level)}` },
    };
  }
  return {
    ok: true,
    problem: {
      problem: v.problem as string,
      solution: v.solution as string,
      answer: v.answer as string,
      subject: v.subject as string,
      level: v.level,
      unique_id: v.unique_id as string,
    },
  };
}

/** A short description of a JSON value for error messages. */
export function describe(x: unknown): string {
  if (x === null) return "null";
  if (Array.isArray(x)) return "an array";
  if (typeof x === "string") {
    const s = JSON.stringify(x.length > 40 ? x.slice(0, 40) + "…" : x);
    return `the string ${s}`;
  }
  if (typeof x === "object") return "an object";
  return `${typeof x} ${String(x)}`;
}
