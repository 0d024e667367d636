/**
 * `deno task grade-bench` — grader throughput on MATH-500 answers (answers compared per second):
 * gold vs own boxed answer (500 pairs, repeated), gold vs a presentation-changed form of itself
 * (`\\dfrac`, spacing: the full parse path), and all pairs of distinct gold answers across
 * problems (mostly unequal: the expensive path). Prints one JSON line per measurement.
 *
 * @module
 */
import { isEquivalent } from "../lib/grade/equivalent.ts";
import { math500Pairs } from "./math500_pairs.ts";

function measure(name: string, pairs: [string, string][], repeat: number): void {
  for (const [a, b] of pairs.slice(0, 200)) isEquivalent(a, b); // warm up the JIT
  let equal = 0;
  const t0 = performance.now();
  for (let r = 0; r < repeat; r++) for (const [a, b] of pairs) if (isEquivalent(a, b)) equal++;
  const seconds = (performance.now() - t0) / 1000;
  const n = pairs.length * repeat;
  console.log(JSON.stringify({
    name,
    comparisons: n,
    equal: equal / repeat,
    seconds: Number(seconds.toFixed(3)),
    per_second: Math.round(n / seconds),
    us_per_call: Number(((seconds * 1e6) / n).toFixed(2)),
  }));
}

if (import.meta.main) {
  const pairs = await math500Pairs();
  measure("math500_gold_vs_boxed", pairs.map((p) => [p.answer ?? "", p.gold]), 20);
  // Presentation-changed forms: forces normalization, parsing and exact comparison.
  const rewrite = (s: string) =>
    ` ${s.replaceAll("\\frac", "\\dfrac").replace(/(?<!\\){/g, " {")} `;
  measure("math500_gold_vs_rewritten", pairs.map((p) => [rewrite(p.gold), p.gold]), 20);
  const answers = [...new Set(pairs.map((p) => p.gold))];
  const cross: [string, string][] = [];
  for (let i = 0; i < answers.length; i++) {
    for (let j = i + 1; j < answers.length; j++) cross.push([answers[i], answers[j]]);
  }
  measure("math500_cross_distinct_answers", cross, 1);
}
