/**
 * `deno task notebooks` — executes the notebooks top to bottom, headless, on the Deno kernel
 * (`jupyter nbconvert --to notebook --execute`; the kernelspec is installed with
 * `deno jupyter --install` when missing). Stops at the first failing cell, naming the notebook and
 * the cell, with exit code 1.
 *
 *   deno task notebooks [NAME …] [--inplace | --out DIR] [--cell-timeout SECONDS]
 *
 * NAME selects notebooks by file name or prefix (`03`, `03_grpo_vs_zerogrpo`); default: all.
 * `SSR1_PRESET=small` runs the small preset (CI, a few minutes); unset runs the real thing.
 * With the default preset, executed notebooks replace the originals (`--inplace`, outputs to
 * commit); with any other preset they go to a temporary folder (or `--out DIR`), leaving the
 * committed outputs alone.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { basename, join } from "node:path";
import {
  checkNbconvert,
  ensureDenoKernel,
  executeNotebook,
  formatFailure,
} from "../lib/notebook/nbconvert.ts";
import { notebookPreset } from "../lib/notebook/preset.ts";
import { repoRoot } from "../lib/notebook/paths.ts";
import { fail } from "../lib/cli/fail.ts";

try {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: {
      inplace: { type: "boolean" },
      out: { type: "string" },
      "cell-timeout": { type: "string" },
    },
  });
  const preset = notebookPreset(); // fails early on an unknown $SSR1_PRESET
  const dir = join(repoRoot(), "notebooks");
  const all = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.endsWith(".ipynb"))
    .sort();
  const selected = positionals.length === 0 ? all : positionals.map((name) => {
    const key = basename(name).replace(/\.ipynb$/, "");
    const hits = all.filter((n) => n.startsWith(key));
    if (hits.length !== 1) {
      throw new Error(
        `notebook "${name}": ${hits.length ? "ambiguous" : "no such notebook"} (${all.join(", ")})`,
      );
    }
    return hits[0];
  });
  if (selected.length === 0) throw new Error(`${dir}: no notebooks`);
  const inplace = values.inplace ?? (values.out === undefined && preset.name === "default");
  if (inplace && values.out !== undefined) {
    throw new Error("--inplace and --out exclude each other");
  }
  const outDir = values.out ?? await Deno.makeTempDir({ prefix: "ssr1-notebooks-" });
  const cellTimeout = values["cell-timeout"] === undefined
    ? undefined
    : Number(values["cell-timeout"]);
  if (cellTimeout !== undefined && !(cellTimeout > 0)) {
    throw new Error(`--cell-timeout: expected seconds > 0, got "${values["cell-timeout"]}"`);
  }

  console.log(`notebooks: preset ${preset.name}; ${await checkNbconvert()}`);
  console.log(`notebooks: ${await ensureDenoKernel()}`);
  console.log(
    `notebooks: executed copies ${inplace ? "replace the originals" : `go to ${outDir}`}`,
  );
  const t0 = performance.now();
  for (const name of selected) {
    const path = join(dir, name);
    const r = await executeNotebook(path, {
      outDir,
      env: { NO_COLOR: "1" },
      cellTimeout,
    });
    const rel = `notebooks/${name}`;
    if (r.failure) {
      console.error(formatFailure(rel, r.failure));
      console.error(
        `notebooks: ${rel} failed after ${r.seconds.toFixed(1)} s (output: ${r.output})`,
      );
      Deno.exit(1);
    }
    if (r.code !== 0) {
      const tail = r.stderr.trim().split("\n").slice(-15).join("\n");
      console.error(
        `${rel}: nbconvert exited with code ${r.code} (no failing cell found):\n${tail}`,
      );
      Deno.exit(1);
    }
    if (inplace) await Deno.copyFile(r.output, path);
    console.log(`notebooks: ${rel} ok in ${r.seconds.toFixed(1)} s`);
  }
  console.log(
    `notebooks: ${selected.length} notebook(s) ok in ${
      ((performance.now() - t0) / 1000).toFixed(1)
    } s`,
  );
} catch (e) {
  fail(e);
}
