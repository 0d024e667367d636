import { assert, assertEquals } from "./_assert.ts";
import type { SampleResult } from "../lib/eval/evaluate.ts";
import {
  failureKind,
  failureProfile,
  failureProfileMarkdown,
} from "../lib/eval/failure_profile.ts";
import type { Problem } from "../lib/data/problem.ts";

const problem = (level: 1 | 2): Problem => ({
  problem: "p",
  solution: "",
  answer: "1",
  subject: "Arithmetic",
  level,
  unique_id: `u${level}`,
});

function sample(i: number, s: Partial<SampleResult>): SampleResult {
  return {
    problem: i,
    sample: 0,
    completion: "",
    wellFormatted: false,
    answer: null,
    correct: false,
    length: 10,
    truncated: false,
    ...s,
  };
}

Deno.test("failureKind: correct, truncated, unboxed, wrong", () => {
  assertEquals(failureKind(sample(0, { correct: true, answer: "1" })), null);
  assertEquals(failureKind(sample(0, { truncated: true })), "truncated");
  assertEquals(failureKind(sample(0, {})), "unboxed");
  assertEquals(failureKind(sample(0, { answer: "2" })), "wrong");
});

Deno.test("failureProfile: rates per level and overall; failure shares sum to 1", () => {
  const problems = [problem(1), problem(2)];
  const results = [
    sample(0, { correct: true, answer: "1", wellFormatted: true }),
    sample(0, { truncated: true }),
    sample(1, { truncated: true }),
    sample(1, { answer: "3", wellFormatted: true }),
    sample(1, {}),
    sample(1, { correct: true, answer: "1", wellFormatted: true }),
  ];
  const rows = failureProfile(problems, results);
  assertEquals(rows.map((r) => r.level), ["1", "2", "all"]);
  assertEquals(rows[0], {
    level: "1",
    samples: 2,
    pass1: 0.5,
    format: 0.5,
    truncation: 0.5,
    failures: 0.5,
    truncated: 1,
    unboxed: 0,
    wrong: 0,
  });
  const all = rows[2];
  assertEquals([all.samples, all.pass1, all.failures], [6, 2 / 6, 4 / 6]);
  assertEquals([all.truncated, all.unboxed, all.wrong], [0.5, 0.25, 0.25]);
  for (const r of rows) assert(Math.abs(r.truncated + r.unboxed + r.wrong - 1) < 1e-12);
  const md = failureProfileMarkdown(rows, 160);
  assert(md.includes("|    160 | all   |       6 |       33.3 |"), md);
});
