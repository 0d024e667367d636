/**
 * `deno task math500-pairs [--input FILE] [--out FILE]` — builds the grader's self-check input:
 * for every MATH-500 problem, `{"answer": <last \boxed{} of its solution>, "gold": <answer>}`.
 * Writes to stdout by default. Re-measure with:
 *
 * ```sh
 * deno task math500-pairs --out /tmp/math500_pairs.jsonl
 * deno task grade /tmp/math500_pairs.jsonl --summary | grep -c true
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { JsonlError } from "../lib/data/jsonl.ts";
import { loadProblems } from "../lib/data/load_problems.ts";
import { math500Path } from "../lib/data/math500.ts";
import { extractBoxed } from "../lib/grade/extract.ts";

/** Default input: the shipped MATH-500 (`data/math500/test.jsonl`). */
export const MATH500_PATH = math500Path();

/** `{answer, gold}` pairs: the last boxed answer of each solution against its gold answer. */
export async function math500Pairs(
  input = MATH500_PATH,
): Promise<{ answer: string | null; gold: string }[]> {
  const problems = await loadProblems(input);
  return problems.map((p) => ({ answer: extractBoxed(p.solution), gold: p.answer }));
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { input: { type: "string" }, out: { type: "string" } },
  });
  try {
    const pairs = await math500Pairs(values.input ?? MATH500_PATH);
    const text = pairs.map((p) => JSON.stringify(p)).join("\n") + "\n";
    if (values.out === undefined || values.out === "-") {
      await Deno.stdout.write(new TextEncoder().encode(text));
    } else await Deno.writeTextFile(values.out, text);
  } catch (e) {
    console.error(
      e instanceof JsonlError ? e.message : `math500-pairs: ${e instanceof Error ? e.message : e}`,
    );
    Deno.exit(1);
  }
}
