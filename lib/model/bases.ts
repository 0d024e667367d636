/**
 * The base models the project ships in `data/bases/<name>/` (each with its card, `README.md`):
 *
 * - `imperfect-0.8m` — the first base: fails by arithmetic slips, missing boxes and rambling;
 * - `overthink-0.8m`, `overthink-0.2m` — aimed at the seed's failure mode at two sizes (knows the
 *   math but keeps re-checking past the budget): they re-check past the budget, but do not know the
 *   math well enough yet (their cards).
 *
 * @module
 */

/** The base every command and notebook uses unless told otherwise (`--base`, `$SSR1_BASE_DIR`). */
export const DEFAULT_BASE_DIR = "data/bases/imperfect-0.8m";

/** The shipped bases, by name. */
export const BASE_DIRS: Readonly<Record<string, string>> = {
  "imperfect-0.8m": "data/bases/imperfect-0.8m",
  "overthink-0.8m": "data/bases/overthink-0.8m",
  "overthink-0.2m": "data/bases/overthink-0.2m",
};
