/**
 * Views of problem sets for the data notebook: the level × subject mix as a table and a chart,
 * and typeset samples per level.
 *
 * @module
 */
import pl from "nodejs-polars";
import type { TopLevelSpec } from "vega-lite";
import { type Level, LEVELS, type Problem } from "../data/problem.ts";
import { createRng } from "../data/rng.ts";
import { VEGA_LITE_SCHEMA } from "../report/charts.ts";
import { htmlTable, mathTextHtml, miniMathToTex, texHtml } from "./math_html.ts";

/**
 * Problems per subject (rows, in order of first appearance) and level (columns `L1`…`L5`), with a
 * `total` column and a final `total` row.
 */
export function problemMixTable(problems: readonly Problem[]): pl.DataFrame {
  const subjects = [...new Set(problems.map((p) => p.subject))];
  const count = (subject: string | null, level: Level | null) =>
    problems.filter((p) =>
      (subject === null || p.subject === subject) && (level === null || p.level === level)
    ).length;
  const rows = [...subjects, null];
  return pl.DataFrame([
    pl.Series("subject", rows.map((s) => s ?? "total"), pl.Utf8),
    ...LEVELS.map((l) => pl.Series(`L${l}`, rows.map((s) => count(s, l)), pl.Int64)),
    pl.Series("total", rows.map((s) => count(s, null)), pl.Int64),
  ]);
}

/** Stacked bars: problems per level, colored by subject. */
export function problemMixSpec(problems: readonly Problem[], title: string): TopLevelSpec {
  const counts = new Map<string, { level: string; subject: string; problems: number }>();
  for (const p of problems) {
    const key = `${p.level}\u0000${p.subject}`;
    const e = counts.get(key) ?? { level: `L${p.level}`, subject: p.subject, problems: 0 };
    e.problems++;
    counts.set(key, e);
  }
  return {
    $schema: VEGA_LITE_SCHEMA,
    title,
    width: 360,
    height: 220,
    data: { values: [...counts.values()] },
    mark: { type: "bar" },
    encoding: {
      x: {
        field: "level",
        type: "ordinal",
        title: "Level",
        sort: LEVELS.map((l) => `L${l}`),
        axis: { labelAngle: 0 },
      },
      y: { field: "problems", type: "quantitative", title: "Problems", stack: "zero" },
      color: { field: "subject", type: "nominal", title: "Subject" },
      tooltip: [{ field: "level" }, { field: "subject" }, { field: "problems" }],
    },
  } as TopLevelSpec;
}

/** `n` problems of each level, drawn with a seeded shuffle (level order, then draw order). */
export function samplePerLevel(
  problems: readonly Problem[],
  n: number,
  seed: number,
): Problem[] {
  const rng = createRng(seed);
  return LEVELS.flatMap((l) => rng.shuffle(problems.filter((p) => p.level === l)).slice(0, n));
}

/** Options of {@link problemsHtml}. */
export interface ProblemsHtmlOptions {
  /** MiniMath text (bare LaTeX): find and typeset its math runs. Default false (`$…$` math). */
  miniMath?: boolean;
  /** Show the worked solution (MiniMath's are short; MATH-500's are long). Default false. */
  solution?: boolean;
  /** Caption. */
  caption?: string;
}

/** A typeset table of problems: level, subject, problem, (solution,) answer. */
export function problemsHtml(
  problems: readonly Problem[],
  options: ProblemsHtmlOptions = {},
): string {
  const text = (s: string) => mathTextHtml(options.miniMath ? miniMathToTex(s) : s);
  const header = [
    "Level",
    "Subject",
    "Problem",
    ...(options.solution ? ["Solution"] : []),
    "Answer",
  ];
  const rows = problems.map((p) => [
    String(p.level),
    p.subject,
    text(withoutFigures(p.problem)),
    ...(options.solution ? [text(solutionText(p.solution))] : []),
    texHtml(p.answer),
  ]);
  return htmlTable(header, rows, options.caption);
}

/** Asymptote figures (`[asy]…[/asy]`) replaced by a short marker. */
export function withoutFigures(text: string): string {
  return text.replace(/\[asy\][\s\S]*?\[\/asy\]/g, "[figure]");
}

/** A MiniMath solution for display: the think block's steps, then the boxed answer. */
function solutionText(solution: string): string {
  return solution.replace(/<\/?think>/g, " ").replace(/\s+/g, " ").trim();
}
