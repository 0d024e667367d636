/**
 * MATH-500 as the project ships it: `data/math500/test.jsonl` (the 500 MATH test problems chosen in
 * "Let's Verify Step by Step"; source, licence and schema in `data/math500/README.md`).
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The shipped MATH-500 file under `root` (default: this checkout's root). */
export function math500Path(
  root: string = fileURLToPath(new URL("../../", import.meta.url)),
): string {
  return join(root, "data", "math500", "test.jsonl");
}

/** sha256 of `data/math500/test.jsonl` (also stated in its README). */
export const MATH500_SHA256 = "35dc41080a3680858b27fa7e0533d2d547825316fc5dafe5d316f4ccc5a06132";
