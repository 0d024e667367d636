import { assert, assertEquals } from "./_assert.ts";
import { miniMathHeldOut } from "../lib/data/minimath_split.ts";
import type { Problem } from "../lib/data/problem.ts";
import { renderSvg } from "../lib/report/svg.ts";
import {
  problemMixSpec,
  problemMixTable,
  problemsHtml,
  samplePerLevel,
  withoutFigures,
} from "../lib/notebook/problem_views.ts";
import { loadMath500, math500Views } from "../lib/notebook/math500.ts";
import { mimeBundle } from "../lib/notebook/display.ts";
import { resetNotices } from "../lib/notebook/missing.ts";

const HELD = miniMathHeldOut();

Deno.test("problemMixTable: subject × level counts with totals (MiniMath-500: 20 per cell)", () => {
  const df = problemMixTable(HELD);
  assertEquals(df.columns, ["subject", "L1", "L2", "L3", "L4", "L5", "total"]);
  const rows = df.toRecords() as Record<string, unknown>[];
  assertEquals(rows.length, 6);
  assertEquals(rows[0].L1, 20);
  assertEquals(rows.at(-1), {
    subject: "total",
    L1: 100,
    L2: 100,
    L3: 100,
    L4: 100,
    L5: 100,
    total: 500,
  });
});

Deno.test("problemMixSpec: stacked counts that add up, and renders", async () => {
  const spec = problemMixSpec(HELD, "mix") as { data: { values: { problems: number }[] } };
  assertEquals(spec.data.values.reduce((s, v) => s + v.problems, 0), 500);
  assert((await renderSvg(spec as never)).startsWith("<svg"));
});

Deno.test("samplePerLevel: n per level, level order, deterministic", () => {
  const a = samplePerLevel(HELD, 2, 3);
  assertEquals(a.map((p) => p.level), [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
  assertEquals(samplePerLevel(HELD, 2, 3), a);
  assert(JSON.stringify(samplePerLevel(HELD, 2, 4)) !== JSON.stringify(a), "seed matters");
});

Deno.test("problemsHtml: typeset problems, optional solutions, answers as MathML", () => {
  const p = samplePerLevel(HELD, 1, 1);
  const h = problemsHtml(p, { miniMath: true, solution: true, caption: "c" });
  assert(h.includes('<th style="text-align:left">Solution</th>'));
  assertEquals((h.match(/<tr>/g) ?? []).length, 6);
  assert(h.includes("<math"), "math typeset");
  assert(!problemsHtml(p).includes("Solution"));
});

Deno.test("withoutFigures: Asymptote code becomes a marker", () => {
  assertEquals(withoutFigures("See [asy]draw((0,0));[/asy] here"), "See [figure] here");
});

Deno.test("loadMath500: a missing file is a notice, not a crash", async () => {
  resetNotices();
  const m = await loadMath500("/nonexistent/test.jsonl");
  assertEquals(m.ok, false);
  const views = math500Views(m, 1);
  assertEquals(views.length, 1);
  const md = String((await mimeBundle(views[0]))["text/markdown"]);
  assert(md.includes("MATH-500 is not available"), md);
});

Deno.test("loadMath500 + math500Views: table, chart, samples from a small file", async () => {
  const dir = await Deno.makeTempDir();
  const file = `${dir}/test.jsonl`;
  const problems: Problem[] = [1, 2, 3].map((level) => ({
    problem: `Compute $${level}+1$.`,
    solution: `\\boxed{${level + 1}}`,
    answer: String(level + 1),
    subject: "Algebra",
    level: level as Problem["level"],
    unique_id: `t/${level}`,
  }));
  await Deno.writeTextFile(file, problems.map((p) => JSON.stringify(p)).join("\n") + "\n");
  const m = await loadMath500(file);
  assert(m.ok);
  const bundles = await Promise.all(math500Views(m, 1).map((v) => mimeBundle(v)));
  assertEquals(bundles.length, 4);
  assert(String(bundles[1]["text/html"]).includes("<table>"), "mix table");
  assert(bundles[2]["application/vnd.vegalite.v5+json"] !== undefined, "mix chart");
  assert(String(bundles[3]["text/html"]).includes("<math"), "typeset samples");
  await Deno.remove(dir, { recursive: true });
});
