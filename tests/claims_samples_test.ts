import { join } from "node:path";
import { evalSetIdentity } from "../lib/ablation/identity.ts";
import { miniMathHeldOutByLevel } from "../lib/data/minimath_split.ts";
import {
  contrastMarkdown,
  contrastSample,
  failureProfileRows,
  testbedEvalProblems,
} from "../lib/report/claims_samples.ts";

type Outcome = "correct" | "truncated" | "none" | "wrong";

/** Writes `<runs>/<variant>/<seed>/` with one sample per problem of the given outcomes. */
function writeRun(
  runs: string,
  variant: string,
  seed: number,
  outcomes: Outcome[],
  evalSet?: { n: number; sha256: string },
): void {
  const d = join(runs, variant, String(seed));
  Deno.mkdirSync(d, { recursive: true });
  const lines = outcomes.map((o, i) =>
    JSON.stringify({
      problem: i,
      sample: 0,
      completion: `${variant}-${seed}-${i}-${o}`,
      wellFormatted: o === "correct" || o === "wrong",
      answer: o === "correct" || o === "wrong" ? String(i) : null,
      correct: o === "correct",
      length: o === "truncated" ? 160 : 40,
      truncated: o === "truncated",
    })
  );
  Deno.writeTextFileSync(join(d, "eval_samples.jsonl"), lines.join("\n") + "\n");
  if (evalSet) {
    Deno.writeTextFileSync(
      join(d, "config.json"),
      JSON.stringify({ identity: { eval_set: evalSet } }),
    );
  }
}

Deno.test("failureProfileRows: outcome shares and mean length over all seeds", () => {
  const runs = Deno.makeTempDirSync();
  try {
    writeRun(runs, "base", 1, ["truncated", "truncated", "none", "correct"]);
    writeRun(runs, "base", 2, ["truncated", "wrong", "correct", "correct"]);
    const [row, ...rest] = failureProfileRows(runs, ["base", "absent"]);
    if (rest.length) throw new Error("a variant without runs should give no row");
    const want = {
      variant: "base",
      samples: 8,
      correct: 37.5,
      truncated: 37.5,
      no_answer: 12.5,
      wrong_answer: 12.5,
      length: (3 * 160 + 5 * 40) / 8,
    };
    if (JSON.stringify(row) !== JSON.stringify(want)) {
      throw new Error(`got ${JSON.stringify(row)}`);
    }
  } finally {
    Deno.removeSync(runs, { recursive: true });
  }
});

Deno.test("contrastSample: the problem with the largest gap, a right and a failed completion", () => {
  const runs = Deno.makeTempDirSync();
  try {
    const problems = miniMathHeldOutByLevel(1, "v2"); // 5 problems
    const id = evalSetIdentity(problems);
    // Problem 3: a right on both seeds, b right on neither (gap 1); problem 1: gap 0.5.
    writeRun(runs, "a", 1, ["correct", "correct", "wrong", "correct", "wrong"], id);
    writeRun(runs, "a", 2, ["correct", "wrong", "wrong", "correct", "wrong"], id);
    writeRun(runs, "b", 1, ["correct", "wrong", "wrong", "truncated", "correct"], id);
    writeRun(runs, "b", 2, ["correct", "wrong", "correct", "wrong", "correct"], id);
    const found = testbedEvalProblems(runs, ["a", "b"]);
    if (found?.length !== 5 || found[3].problem !== problems[3].problem) {
      throw new Error("the evaluation set should be found by its hash");
    }
    const c = contrastSample(runs, found, "a", "b");
    if (!c || c.index !== 3 || c.better.rate !== 1 || c.worse.rate !== 0) {
      throw new Error(`picked ${JSON.stringify(c && { i: c.index, a: c.better.rate })}`);
    }
    if (c.better.sample?.completion !== "a-1-3-correct") throw new Error("a's right completion");
    if (c.worse.sample?.completion !== "b-1-3-truncated") throw new Error("b's failed completion");
    const md = contrastMarkdown(c);
    for (
      const part of ["Problem 3", "cut off at the budget", "b-1-3-truncated", "right in 100 %"]
    ) {
      if (!md.includes(part)) throw new Error(`markdown lacks "${part}":\n${md}`);
    }
    // b ahead of a: problem 4 (gap 1) comes before problem 2 (gap 0.5).
    if (contrastSample(runs, found, "b", "a")?.index !== 4) throw new Error("b over a");
    // Never ahead: no contrast.
    writeRun(runs, "c", 1, ["wrong", "wrong", "wrong", "wrong", "wrong"], id);
    if (contrastSample(runs, found, "c", "a") !== null) throw new Error("c is never ahead");
  } finally {
    Deno.removeSync(runs, { recursive: true });
  }
});

Deno.test("testbedEvalProblems: null when no run records an evaluation set that matches", () => {
  const runs = Deno.makeTempDirSync();
  try {
    if (testbedEvalProblems(runs, ["a"]) !== null) throw new Error("no runs");
    writeRun(runs, "a", 1, ["correct"], { n: 5, sha256: "0".repeat(64) });
    if (testbedEvalProblems(runs, ["a"]) !== null) throw new Error("unknown hash");
  } finally {
    Deno.removeSync(runs, { recursive: true });
  }
});
