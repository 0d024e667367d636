/**
 * `deno task ablate` — the ablation grid, headless: base; GRPO-with-KL; ZeroGRPO; ZeroGRPO without
 * curriculum; without length penalty; with a strong length penalty. Same budget for all, several
 * seeds each.
 *
 *   deno task ablate [--preset quick|full|tiny] [--seeds N] [--only NAME …] [--results DIR]
 *                    [--base DIR] [--backend NAME]
 *
 * Runs land in `<results>/runs/<variant>/<seed>/`; tables, charts and samples in `<results>/`. The
 * default `--results` is `out/ablation/<preset>/`, which git ignores, so a grid leaves a clone's
 * `git status` clean; the published results in `results/` are written only when asked for with
 * `--results results`. A finished run is read back (not recomputed) when it was produced by exactly
 * what is asked now; kill the grid any time and rerun to resume. A finished run that is damaged or
 * was produced otherwise stops the grid with one line naming it and how to proceed.
 *
 * @module
 */
import { DEFAULT_BASE_DIR } from "../lib/model/bases.ts";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { initBackend } from "../lib/backend/mod.ts";
import { miniMathHeldOutByLevel } from "../lib/data/minimath_split.ts";
import { presetByName, runGrid } from "../lib/ablation/mod.ts";
import { fail } from "../lib/cli/fail.ts";

/** The default results folder of a preset: `out/ablation/<preset>` (git-ignored). */
export function defaultResultsDir(preset: string): string {
  return join("out", "ablation", preset);
}

if (import.meta.main) {
  try {
    const { values, positionals } = parseArgs({
      args: Deno.args,
      allowPositionals: true,
      options: {
        preset: { type: "string", default: "quick" },
        seeds: { type: "string" },
        only: { type: "string", multiple: true },
        results: { type: "string" },
        base: { type: "string", default: DEFAULT_BASE_DIR },
        backend: { type: "string" },
      },
    });
    const preset = presetByName(values.preset!);
    const seeds = values.seeds === undefined ? undefined : Number(values.seeds);
    if (seeds !== undefined && !(Number.isInteger(seeds) && seeds > 0)) {
      throw new Error(`--seeds: expected a positive integer, got "${values.seeds}"`);
    }
    if (values.results === "") throw new Error("--results: expected a folder, got an empty string");
    const resultsDir = values.results ?? defaultResultsDir(preset.name);
    // `--only a b c` and `--only a --only b` both work.
    const only = [...(values.only ?? []), ...positionals];
    await initBackend({ backend: values.backend });
    const evalProblems = miniMathHeldOutByLevel(Math.ceil(preset.eval_problems / 5));
    const { runs, files, seconds, computed, reused } = await runGrid({
      preset,
      seeds,
      only,
      baseDir: values.base!,
      resultsDir,
      evalProblems,
    });
    console.log(
      `ablate: ${runs.length} runs (${computed} computed, ${reused} read back) in ${
        (seconds / 60).toFixed(1)
      } min; wrote ${files.join(", ")}`,
    );
  } catch (e) {
    fail(e);
  }
}
