/**
 * The failure profile of an evaluation: per level and overall, pass@1, format and truncation
 * rates, and what the failures are — *truncated* (the budget ran out before an answer),
 * *unboxed* (finished without a boxed answer) or *wrong* (a boxed answer that is not the gold
 * one). It tells which failure mode a base model has, and so what RL can fix.
 *
 * @module
 */
import type { Problem } from "../data/problem.ts";
import { rowsToMarkdown } from "../report/markdown_table.ts";
import type { SampleResult } from "./evaluate.ts";

/** One row of a failure profile (rates in [0, 1]). */
export interface FailureRow {
  /** `"1"`…`"5"` or `"all"`. */
  level: string;
  /** Completions in the row. */
  samples: number;
  pass1: number;
  /** Well-formatted completions (think block closed, boxed answer). */
  format: number;
  /** Completions cut at the budget. */
  truncation: number;
  /** Failures: the share of the row's completions that are not correct. */
  failures: number;
  /** Of the failures, the share truncated / unboxed / wrong (they sum to 1). */
  truncated: number;
  unboxed: number;
  wrong: number;
}

/** Why a graded completion failed (`null`: it is correct). */
export function failureKind(r: SampleResult): "truncated" | "unboxed" | "wrong" | null {
  if (r.correct) return null;
  if (r.truncated) return "truncated";
  return r.answer === null ? "unboxed" : "wrong";
}

/** The failure profile of `results` (graded samples of `problems`): levels 1–5, then all. */
export function failureProfile(problems: Problem[], results: SampleResult[]): FailureRow[] {
  const levels = [...new Set(problems.map((p) => String(p.level)))].sort();
  const row = (level: string, rs: SampleResult[]): FailureRow => {
    const n = rs.length || 1;
    const fails = rs.map(failureKind).filter((k) => k !== null);
    const f = fails.length || 1;
    return {
      level,
      samples: rs.length,
      pass1: rs.filter((r) => r.correct).length / n,
      format: rs.filter((r) => r.wellFormatted).length / n,
      truncation: rs.filter((r) => r.truncated).length / n,
      failures: fails.length / n,
      truncated: fails.filter((k) => k === "truncated").length / f,
      unboxed: fails.filter((k) => k === "unboxed").length / f,
      wrong: fails.filter((k) => k === "wrong").length / f,
    };
  };
  return [
    ...levels.map((l) => row(l, results.filter((r) => String(problems[r.problem].level) === l))),
    row("all", results),
  ];
}

/** A failure profile as a Markdown table, rates in percent. */
export function failureProfileMarkdown(rows: FailureRow[], budget: number): string {
  const pct = (x: unknown) => (100 * (x as number)).toFixed(1);
  return rowsToMarkdown(rows.map((r) => ({ budget, ...r })) as Record<string, unknown>[], {
    columns: [
      "budget",
      "level",
      "samples",
      "pass1",
      "format",
      "truncation",
      "truncated",
      "unboxed",
      "wrong",
    ],
    headers: {
      budget: "Budget",
      level: "Level",
      samples: "Samples",
      pass1: "pass@1 (%)",
      format: "Format (%)",
      truncation: "Truncated (%)",
      truncated: "Failures: truncated (%)",
      unboxed: "unboxed (%)",
      wrong: "wrong (%)",
    },
    format: {
      pass1: pct,
      format: pct,
      truncation: pct,
      truncated: pct,
      unboxed: pct,
      wrong: pct,
    },
  });
}
