/**
 * `deno task ablate` — the ablation grid, headless: base; GRPO-with-KL; ZeroGRPO; ZeroGRPO without
 * curriculum; without length penalty; with a strong length penalty. Same budget for all, several
 * seeds each.
 *
 *   deno task ablate [--preset quick|full|tiny] [--seeds N] [--only NAME …] [--results DIR]
 *                    [--base DIR] [--backend NAME] [--queue redis://HOST:PORT[/DB] [--attempts N]]
 *
 * Runs land in `<results>/runs/<variant>/<seed>/`; tables, charts and samples in `<results>/`. The
 * default `--results` is `out/ablation/<preset>/`, which git ignores, so a grid leaves a clone's
 * `git status` clean; the published results in `results/` are written only when asked for with
 * `--results results`. A finished run is read back (not recomputed) when it was produced by exactly
 * what is asked now; kill the grid any time and rerun to resume. A finished run that is damaged or
 * was produced otherwise stops the grid with one line naming it and how to proceed.
 *
 * With `--queue URL` the runs are not computed here: every unfinished run is enqueued on BullMQ in
 * the Redis at URL (`rediss://user:password@host:port/db` for TLS and a password, or the password
 * in `$SSR1_REDIS_PASSWORD`, out of the command line; it is never printed) and computed by
 * `deno task worker` processes on any machines; this process shows the progress, writes each run
 * as it arrives and the report at the end (see `lib/queue/`). A run is tried `--attempts` times
 * (default 3) before it is reported failed.
 *
 * @module
 */
import { baseMiniMathVersion, DEFAULT_BASE_DIR } from "../lib/model/bases.ts";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { initBackend } from "../lib/backend/mod.ts";
import { miniMathHeldOutByLevel } from "../lib/data/minimath_split.ts";
import { presetByName, runGrid } from "../lib/ablation/mod.ts";
import { fail } from "../lib/cli/fail.ts";
import {
  DEFAULT_ATTEMPTS,
  parseRedisUrl,
  PASSWORD_ENV,
  type RedisTarget,
  runQueuedGrid,
} from "../lib/queue/mod.ts";

/** The default results folder of a preset: `out/ablation/<preset>` (git-ignored). */
export function defaultResultsDir(preset: string): string {
  return join("out", "ablation", preset);
}

if (import.meta.main) {
  let target: RedisTarget | undefined;
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
        queue: { type: "string" },
        attempts: { type: "string" },
      },
    });
    if (values.queue !== undefined) {
      target = parseRedisUrl(values.queue, Deno.env.get(PASSWORD_ENV));
    }
    const attempts = values.attempts === undefined ? DEFAULT_ATTEMPTS : Number(values.attempts);
    if (!(Number.isInteger(attempts) && attempts >= 1 && attempts <= 100)) {
      throw new Error(`--attempts: expected an integer in 1..100, got "${values.attempts}"`);
    }
    if (values.attempts !== undefined && !target) throw new Error("--attempts needs --queue");
    const preset = presetByName(values.preset!);
    const seeds = values.seeds === undefined ? undefined : Number(values.seeds);
    if (seeds !== undefined && !(Number.isInteger(seeds) && seeds > 0)) {
      throw new Error(`--seeds: expected a positive integer, got "${values.seeds}"`);
    }
    if (values.results === "") throw new Error("--results: expected a folder, got an empty string");
    const resultsDir = values.results ?? defaultResultsDir(preset.name);
    // `--only a b c` and `--only a --only b` both work.
    const only = [...(values.only ?? []), ...positionals];
    const evalProblems = miniMathHeldOutByLevel(
      Math.ceil(preset.eval_problems / 5),
      baseMiniMathVersion(values.base!),
    );
    const grid = { preset, seeds, only, baseDir: values.base!, resultsDir, evalProblems };
    if (target) {
      if (values.backend) throw new Error("--backend is a worker's setting with --queue");
      const queued = target;
      Deno.addSignalListener("SIGINT", () => {
        console.log(
          `\nablate: stopped watching; the queued runs go on on the workers — rerun the same ` +
            `command to collect them (${queued.display})`,
        );
        Deno.exit(130);
      });
    } else await initBackend({ backend: values.backend });
    const { runs, files, seconds, computed, reused } = target
      ? await runQueuedGrid({ ...grid, target, attempts })
      : await runGrid(grid);
    console.log(
      `ablate: ${runs.length} runs (${computed} computed${
        target ? " by workers" : ""
      }, ${reused} ` +
        `read back) in ${(seconds / 60).toFixed(1)} min; wrote ${files.join(", ")}`,
    );
  } catch (e) {
    fail(target ? new Error(target.redact(e instanceof Error ? e.message : String(e))) : e);
  }
}
