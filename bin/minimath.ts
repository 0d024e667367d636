/**
 * `deno task minimath --out FILE [--n N] [--seed S] [--levels 1,2,3] [--per-level K] [--heldout]
 *   [--minimath v1|v2]`
 *
 * Writes MiniMath problems as JSONL in the MATH schema (the same reader loads MATH-500 and
 * MiniMath). Modes:
 * - `--heldout`: the fixed held-out MiniMath-500 (100 per level).
 * - `--per-level K`: a deduplicated training pool, K problems per level.
 * - default: the first N problems (default 1000) of the training stream for `--seed` (default 0).
 * `--minimath` picks the problem set (default `v1`; `v2`: chains of easy steps, the overthinking
 * bases'). `--out -` (or no `--out`) writes to stdout. Training problems never include held-out ones.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { isLevel, type Level, LEVELS, type Problem } from "../lib/data/problem.ts";
import { toJsonl } from "../lib/data/jsonl.ts";
import { parseMiniMathVersion } from "../lib/data/minimath.ts";
import {
  miniMathHeldOut,
  miniMathTrainPool,
  miniMathTrainStream,
} from "../lib/data/minimath_split.ts";

/** Produces the problems the CLI would write for `args`. Throws `Error` on bad arguments. */
export function miniMathCli(args: string[]): { problems: Problem[]; out: string | undefined } {
  const { values } = parseArgs({
    args,
    options: {
      out: { type: "string" },
      n: { type: "string" },
      seed: { type: "string" },
      levels: { type: "string" },
      "per-level": { type: "string" },
      heldout: { type: "boolean", default: false },
      minimath: { type: "string" },
    },
  });
  const int = (name: string, s: string | undefined, dflt: number): number => {
    if (s === undefined) return dflt;
    const v = Number(s);
    if (!Number.isInteger(v) || v < 0) {
      throw new Error(`--${name} must be a non-negative integer, got ${s}`);
    }
    return v;
  };
  const seed = int("seed", values.seed, 0);
  let levels: Level[] = [...LEVELS];
  if (values.levels !== undefined) {
    levels = values.levels.split(",").map((x) => {
      const l = Number(x.trim());
      if (!isLevel(l)) throw new Error(`--levels: ${x} is not a level 1–5`);
      return l;
    });
  }
  const version = parseMiniMathVersion(values.minimath ?? "v1", "--minimath");
  let problems: Problem[];
  if (values.heldout) {
    problems = miniMathHeldOut(version).filter((p) => levels.includes(p.level));
  } else if (values["per-level"] !== undefined) {
    problems = miniMathTrainPool({
      seed,
      perLevel: int("per-level", values["per-level"], 0),
      levels,
      version,
    });
  } else {
    const n = int("n", values.n, 1000);
    problems = [];
    const stream = miniMathTrainStream(seed, { levels, version });
    while (problems.length < n) problems.push(stream.next().value!.problem);
  }
  return { problems, out: values.out };
}

if (import.meta.main) {
  try {
    const { problems, out } = miniMathCli(Deno.args);
    const text = toJsonl(problems);
    if (out === undefined || out === "-") await Deno.stdout.write(new TextEncoder().encode(text));
    else {
      await Deno.writeTextFile(out, text);
      console.error(`wrote ${problems.length} problems to ${out}`);
    }
  } catch (e) {
    console.error(`minimath: ${e instanceof Error ? e.message : e}`);
    Deno.exit(1);
  }
}
