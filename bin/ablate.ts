/**
 * `deno task ablate` — the ablation grid, headless: base; GRPO-with-KL; ZeroGRPO; ZeroGRPO without
 * curriculum; without length penalty; with a strong length penalty. Same budget for all, several
 * seeds each. Runs land in `results/runs/<variant>/<seed>/`; tables, charts and samples in
 * `results/`. A finished run is never recomputed: kill it any time and rerun to resume.
 *
 *   deno task ablate [--preset quick|full|tiny] [--seeds N] [--only NAME …] [--results DIR]
 *                    [--base DIR] [--backend NAME]
 *
 * @module
 */
import { parseArgs } from "node:util";
import { initBackend } from "../lib/backend/mod.ts";
import { miniMathHeldOutByLevel } from "../lib/data/minimath_split.ts";
import { presetByName, runGrid } from "../lib/ablation/mod.ts";
import { fail } from "../lib/cli/fail.ts";

try {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: {
      preset: { type: "string", default: "quick" },
      seeds: { type: "string" },
      only: { type: "string", multiple: true },
      results: { type: "string", default: "results" },
      base: { type: "string", default: "data/base" },
      backend: { type: "string" },
    },
  });
  const preset = presetByName(values.preset!);
  const seeds = values.seeds === undefined ? undefined : Number(values.seeds);
  if (seeds !== undefined && !(Number.isInteger(seeds) && seeds > 0)) {
    throw new Error(`--seeds: expected a positive integer, got "${values.seeds}"`);
  }
  // `--only a b c` and `--only a --only b` both work.
  const only = [...(values.only ?? []), ...positionals];
  await initBackend({ backend: values.backend });
  const evalProblems = miniMathHeldOutByLevel(Math.ceil(preset.eval_problems / 5));
  const { files, seconds } = await runGrid({
    preset,
    seeds,
    only,
    baseDir: values.base!,
    resultsDir: values.results!,
    evalProblems,
  });
  console.log(`ablate: done in ${(seconds / 60).toFixed(1)} min; wrote ${files.join(", ")}`);
} catch (e) {
  fail(e);
}
