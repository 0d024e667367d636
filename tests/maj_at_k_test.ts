import { assertEquals } from "./_assert.ts";
import {
  hasMajorityVote,
  majorityCorrect,
  type SampleResult,
  summarize,
} from "../lib/eval/evaluate.ts";
import { miniMathEvalSet } from "../lib/notebook/eval_views.ts";

/** A graded sample of problem 0 whose gold answer is "4". */
const vote = (answer: string | null, sample = 0): SampleResult => ({
  problem: 0,
  sample,
  completion: "",
  wellFormatted: true,
  answer,
  correct: answer !== null && ["4", "4.0", "8/2"].includes(answer),
  length: 10,
  truncated: false,
});
const orders = <T>(xs: T[]): T[][] => xs.map((_, i) => [...xs.slice(i), ...xs.slice(0, i)]);

Deno.test("maj@k is reported only where k makes a vote: odd k ≥ 3", () => {
  assertEquals([1, 2, 3, 4, 5, 8, 9].map(hasMajorityVote), [
    false,
    false,
    true,
    false,
    true,
    false,
    true,
  ]);
  const problems = miniMathEvalSet(1).slice(0, 1).map((p) => ({ ...p, answer: "4" }));
  // Two samples, one right: maj@2 used to be 1 (the first sample won the 1–1 tie).
  assertEquals(summarize(problems, [vote("4", 0), vote("5", 1)], 2).majk, null);
  assertEquals(summarize(problems, [vote("4", 0), vote("4", 1)], 2).majk, null);
  assertEquals(summarize(problems, [vote("4", 0), vote("5", 1), vote("4", 2)], 3).majk, 1);
});

Deno.test("majorityCorrect: a tie for the most votes elects nobody, in any order", () => {
  // 1–1–1 and 1–1 (one abstains): no majority, whichever sample comes first.
  for (const samples of [[vote("4"), vote("5"), vote("6")], [vote("4"), vote("5"), vote(null)]]) {
    for (const order of orders(samples)) assertEquals(majorityCorrect(order), false);
  }
  // 2–2–1 at k = 5: still a tie.
  const tied = [vote("4"), vote("8/2"), vote("5"), vote("5"), vote("6")];
  for (const order of orders(tied)) assertEquals(majorityCorrect(order), false);
});

Deno.test("majorityCorrect: the most-voted equivalence class wins; blanks do not vote", () => {
  for (const order of orders([vote("4"), vote("4.0"), vote("5")])) {
    assertEquals(majorityCorrect(order), true); // "4" and "4.0" are one class
  }
  for (const order of orders([vote("5"), vote("5"), vote("4")])) {
    assertEquals(majorityCorrect(order), false);
  }
  for (const order of orders([vote("4"), vote(null), vote(null)])) {
    assertEquals(majorityCorrect(order), true); // one vote, no rival
  }
  assertEquals(majorityCorrect([vote(null), vote(null), vote(null)]), false);
});
