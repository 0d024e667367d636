/**
 * The real MATH-500 test set for the data notebook: loaded from `data/math500/test.jsonl` (shipped
 * with the project), with its level and subject mix and typeset samples.
 *
 * @module
 */
import type { Problem } from "../data/problem.ts";
import { loadProblems } from "../data/load_problems.ts";
import { chart, html, markdown, type Viewable } from "./display.ts";
import { type Missing, notice } from "./missing.ts";
import { math500Path, relativeToRoot } from "./paths.ts";
import { problemMixSpec, problemMixTable, problemsHtml, samplePerLevel } from "./problem_views.ts";

/** MATH-500 loaded, with where it came from. */
export interface Math500 {
  ok: true;
  problems: Problem[];
  path: string;
}

/** Loads MATH-500 (default {@link math500Path}); a {@link Missing} when the file is absent. */
export async function loadMath500(path: string = math500Path()): Promise<Math500 | Missing> {
  try {
    return { ok: true, problems: await loadProblems(path), path };
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      return {
        ok: false,
        message:
          `**MATH-500 is not available here**: \`${
            relativeToRoot(path)
          }\` does not exist. The project ships it as \`data/math500/test.jsonl\` ` +
          "(restore it with `git checkout -- data/math500`); everything else in this " +
          "notebook works without it.",
      };
    }
    throw e;
  }
}

/** The MATH-500 section: its level × subject table, the mix chart and typeset samples per level. */
export function math500Views(
  math500: Math500 | Missing,
  samplesPerLevel: number,
  seed = 1,
): Viewable[] {
  if (!math500.ok) return [notice(math500.message)];
  const { problems, path } = math500;
  return [
    markdown(`${problems.length} problems from \`${relativeToRoot(path)}\`.`),
    problemMixTable(problems),
    chart(problemMixSpec(problems, "MATH-500: problems per level and subject")),
    html(problemsHtml(samplePerLevel(problems, samplesPerLevel, seed), {
      caption: `MATH-500: ${samplesPerLevel} random problem(s) per level`,
    })),
  ];
}
