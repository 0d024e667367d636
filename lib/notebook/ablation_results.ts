/**
 * The results of `deno task ablate` for the results notebook: read back from `results/`, or a
 * clear notice of how to make them.
 *
 * @module
 */
import { join } from "node:path";
import pl from "nodejs-polars";
import { pickSamples, readResults } from "../ablation/report.ts";
import { runDir } from "../ablation/run.ts";
import type { RunSummary } from "../report/run_summary.ts";
import type { Problem } from "../data/problem.ts";
import { miniMathHeldOutByLevel } from "../data/minimath_split.ts";
import type { MiniMathVersion } from "../data/minimath.ts";
import { baseMiniMathVersion } from "../model/bases.ts";
import type { SampleEntry } from "../report/samples_html.ts";
import { html, markdown, type Viewable } from "./display.ts";
import { escapeHtml, mathTextHtml, miniMathToTex, rawTextHtml, texHtml } from "./math_html.ts";
import { type Missing, notice } from "./missing.ts";
import { relativeToRoot, repoRoot, resultsDir } from "./paths.ts";
import type { RunSet } from "./results_views.ts";

/** What the ablation wrote. */
export interface AblationResults extends RunSet {
  /** `results/`. */
  dir: string;
  /** `results/runs/`. */
  runsDir: string;
  /** `results/ablation.md`, when written. */
  reportMarkdown: string | null;
  /** The MiniMath-500 problems the runs were evaluated on. */
  evalProblems: Problem[];
}

/** How to make the results, for notices. */
export const ABLATE_HOW_TO = "Make them with `deno task ablate` (the `quick` preset, three " +
  "seeds per variant; `--preset full` for the real grid, `--preset tiny` for a smoke test), which " +
  "writes `out/ablation/<preset>/`, then re-run this notebook with " +
  "`SSR1_RESULTS_DIR=out/ablation/<preset>` (`--results results` writes the published folder). " +
  "A killed ablation resumes where it stopped.";

/** Reads every finished run under `<dir>/runs/`; {@link Missing} when there is none. */
export async function loadAblationResults(
  dir: string = resultsDir(),
): Promise<AblationResults | Missing> {
  const runsDir = join(dir, "runs");
  const { runs, curves } = readResults(runsDir);
  if (runs.length === 0) {
    return {
      ok: false,
      message: `**No ablation results yet**: \`${
        relativeToRoot(runsDir)
      }/\` holds no finished run. ${ABLATE_HOW_TO}`,
    };
  }
  let reportMarkdown: string | null = null;
  try {
    reportMarkdown = await Deno.readTextFile(join(dir, "ablation.md"));
  } catch {
    // the report is written when the grid finishes
  }
  const nEval = Math.max(...runs.map((r) => r.n_eval ?? 0));
  return {
    ok: true,
    runs,
    curves,
    dir,
    runsDir,
    reportMarkdown,
    // The grid evaluates the first nEval/5 held-out problems of each level of its base's version.
    evalProblems: miniMathHeldOutByLevel(Math.ceil(nEval / 5), runsMiniMathVersion(runsDir, runs)),
  };
}

/** The MiniMath version of the base the runs were trained from (their `config.json`). */
function runsMiniMathVersion(runsDir: string, runs: RunSummary[]): MiniMathVersion {
  try {
    const config = JSON.parse(
      Deno.readTextFileSync(join(runDir(runsDir, runs[0].variant, runs[0].seed), "config.json")),
    );
    const base = config.base_dir ?? config.base;
    return typeof base === "string" ? baseMiniMathVersion(join(repoRoot(), base)) : "v1";
  } catch {
    return "v1";
  }
}

/** The ablation's own report (`results/ablation.md`), or a notice when it is not written yet. */
export function ablationReportView(results: AblationResults | Missing): Viewable {
  if (!results.ok) return notice(results.message);
  if (results.reportMarkdown === null) {
    return notice(
      `**\`${relativeToRoot(results.dir)}/ablation.md\` is not written yet**: the grid writes it ` +
        `when every run has finished. ${ABLATE_HOW_TO}`,
    );
  }
  return markdown(results.reportMarkdown.replace(/^# /, "### "));
}

/** The files under `results/` (not the run folders): `file, KiB`. */
export function resultFilesTable(results: AblationResults | Missing): Viewable {
  if (!results.ok) return notice(results.message);
  const files = [...Deno.readDirSync(results.dir)].filter((e) => e.isFile).map((e) => e.name)
    .sort();
  return pl.DataFrame([
    pl.Series("file", files.map((f) => `${relativeToRoot(results.dir)}/${f}`), pl.Utf8),
    pl.Series(
      "KiB",
      files.map((f) => Math.round(Deno.statSync(join(results.dir, f)).size / 102.4) / 10),
      pl.Float64,
    ),
  ]);
}

/** The same problems answered by each variant (first seed, first sample), typeset. */
export function ablationSamplesView(results: AblationResults | Missing): Viewable {
  if (!results.ok) return notice(results.message);
  const entries = pickSamples(results.runsDir, results.runs, results.evalProblems);
  return html(sampleEntriesHtml(entries));
}

/** Cards of sample entries: problem (KaTeX), variant and verdict, completion verbatim, answers. */
export function sampleEntriesHtml(entries: readonly SampleEntry[]): string {
  if (entries.length === 0) return "<p><i>No evaluated completions found.</i></p>";
  let lastProblem = "";
  return entries.map((e) => {
    const color = e.correct ? "#2a9d3a" : "#d33";
    const head = e.problem === lastProblem
      ? ""
      : `<h4 style="margin:14px 0 4px">${e.level !== undefined ? `Level ${e.level}: ` : ""}${
        mathTextHtml(miniMathToTex(e.problem))
      } &nbsp; <small>gold ${e.answer !== undefined ? texHtml(e.answer) : "–"}</small></h4>`;
    lastProblem = e.problem;
    return `${head}<div style="border-left:4px solid ${color};padding:2px 10px;margin:4px 0">
<div><b>${escapeHtml(e.variant ?? "")}</b>${
      e.seed !== undefined ? ` · seed ${e.seed}` : ""
    } · <b style="color:${color}">${e.correct ? "correct" : "wrong"}</b> · extracted ${
      e.predicted !== undefined ? texHtml(e.predicted) : "<i>none</i>"
    }</div>
${rawTextHtml(e.completion)}
</div>`;
  }).join("\n");
}
