/**
 * The base models the project ships in `data/bases/<name>/` (each with its card, `README.md`):
 *
 * - `overthink-0.2m` (the default), `overthink-0.8m` — the seed's failure mode at two sizes, on
 *   MiniMath v2: they know the math (75–80 % at a 640-token budget) but keep re-checking past the
 *   160-token budget (15–16 %);
 * - `overthink-0.04m` — the same recipe at 0.04 M, whose re-checks drift (its card);
 * - `imperfect-0.8m` — the first base, on MiniMath v1: fails by arithmetic slips and missing boxes
 *   (the second testbed).
 *
 * @module
 */
import { join } from "node:path";
import { type MiniMathVersion, parseMiniMathVersion } from "../data/minimath.ts";

/** The base every command and notebook uses unless told otherwise (`--base`, `$SSR1_BASE_DIR`). */
export const DEFAULT_BASE_DIR = "data/bases/overthink-0.2m";

/** The shipped bases, by name. */
export const BASE_DIRS: Readonly<Record<string, string>> = {
  "overthink-0.2m": "data/bases/overthink-0.2m",
  "overthink-0.8m": "data/bases/overthink-0.8m",
  "overthink-0.04m": "data/bases/overthink-0.04m",
  "imperfect-0.8m": "data/bases/imperfect-0.8m",
};

/**
 * The MiniMath version a base was pretrained on, which is the problem set it is trained and
 * evaluated on: `pretrain.json`'s `minimath` field; `v1` when the field (or the file) is absent,
 * as for the bases made before MiniMath v2. A bad value is a one-line error naming the file.
 */
export function baseMiniMathVersion(baseDir: string): MiniMathVersion {
  const path = join(baseDir, "pretrain.json");
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return "v1";
    throw e;
  }
  let meta: unknown;
  try {
    meta = JSON.parse(text);
  } catch (e) {
    throw new Error(`${path}: not JSON (${e instanceof Error ? e.message : e})`);
  }
  const v = (meta as { minimath?: unknown } | null)?.minimath;
  return v === undefined ? "v1" : parseMiniMathVersion(v, `${path}: field "minimath"`);
}
