/**
 * Where notebooks find things: the repository root (from this file, whatever the kernel's working
 * directory), the real MATH-500 file beside the clone, the base checkpoint and `results/`.
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (the folder holding `deno.json`), as an absolute path. */
export function repoRoot(): string {
  return fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");
}

/**
 * The real MATH-500 test file: `../shared/data/math500/test.jsonl` relative to the repository
 * root (a copy of `shared/` sits beside the clone; it is never copied into the project).
 */
export function math500Path(root: string = repoRoot()): string {
  return join(root, "..", "shared", "data", "math500", "test.jsonl");
}

/**
 * The base checkpoint directory: `$SSR1_BASE_DIR` when set (absolute, or relative to the
 * repository root), else `data/base`.
 */
export function baseModelDir(
  root: string = repoRoot(),
  env: string | undefined = Deno.env.get("SSR1_BASE_DIR"),
): string {
  if (env) return env.startsWith("/") ? env : join(root, env);
  return join(root, "data", "base");
}

/**
 * The results directory written by `deno task ablate`: `$SSR1_RESULTS_DIR` when set (absolute, or
 * relative to the repository root), else `results/`.
 */
export function resultsDir(
  root: string = repoRoot(),
  env: string | undefined = Deno.env.get("SSR1_RESULTS_DIR"),
): string {
  if (env) return env.startsWith("/") ? env : join(root, env);
  return join(root, "results");
}

/** A path relative to the repository root, for prose (`data/base/config.json`). */
export function relativeToRoot(path: string, root: string = repoRoot()): string {
  return path.startsWith(root + "/") ? path.slice(root.length + 1) : path;
}
