/**
 * Where notebooks find things: the repository root (from this file, whatever the kernel's working
 * directory), the shipped MATH-500 file, the base checkpoint and `results/`.
 *
 * @module
 */
import { BASE_DIRS, DEFAULT_BASE_DIR } from "../model/bases.ts";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { math500Path as dataMath500Path } from "../data/math500.ts";

/** The repository root (the folder holding `deno.json`), as an absolute path. */
export function repoRoot(): string {
  return fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");
}

/** The MATH-500 test file the project ships: `data/math500/test.jsonl` under the root. */
export function math500Path(root: string = repoRoot()): string {
  return dataMath500Path(root);
}

/**
 * The base checkpoint directory: `$SSR1_BASE_DIR` when set (absolute, or relative to the
 * repository root), else {@linkcode DEFAULT_BASE_DIR}.
 */
export function baseModelDir(
  root: string = repoRoot(),
  env: string | undefined = Deno.env.get("SSR1_BASE_DIR"),
): string {
  return dirOrEnv(root, env, DEFAULT_BASE_DIR);
}

/**
 * The results directory written by `deno task ablate`: `$SSR1_RESULTS_DIR` when set (absolute, or
 * relative to the repository root), else `results/`.
 */
export function resultsDir(
  root: string = repoRoot(),
  env: string | undefined = Deno.env.get("SSR1_RESULTS_DIR"),
): string {
  return dirOrEnv(root, env, "results");
}

/**
 * The claims grid's folder, one results folder per testbed (`deno task ablate --preset claims
 * --results results/claims/<testbed>`): `$SSR1_CLAIMS_DIR` when set (absolute, or relative to the
 * repository root), else `results/claims/`.
 */
export function claimsDir(
  root: string = repoRoot(),
  env: string | undefined = Deno.env.get("SSR1_CLAIMS_DIR"),
): string {
  return dirOrEnv(root, env, join("results", "claims"));
}

function dirOrEnv(root: string, env: string | undefined, fallback: string): string {
  if (env) return env.startsWith("/") ? env : join(root, env);
  return join(root, fallback);
}

/** A path relative to the repository root, for prose (`data/bases/imperfect-0.8m/config.json`). */
export function relativeToRoot(path: string, root: string = repoRoot()): string {
  return path.startsWith(root + "/") ? path.slice(root.length + 1) : path;
}

/** The shipped bases' folders (`data/bases/<name>`) under the repository root, by name. */
export function shippedBaseDirs(root: string = repoRoot()): string[] {
  return Object.values(BASE_DIRS).map((d) => join(root, d));
}
