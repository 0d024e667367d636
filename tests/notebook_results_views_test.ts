import { assert, assertEquals } from "./_assert.ts";
import { CURVES, RUNS } from "./_notebook_fixtures.ts";
import {
  comparisonMarkdown,
  comparisonTable,
  comparisonViews,
  costViews,
  curveViews,
  memorySpec,
  passAt1Spec,
  stepCostTable,
  stepTimeSpec,
} from "../lib/notebook/results_views.ts";
import { mimeBundle } from "../lib/notebook/display.ts";
import { resetNotices } from "../lib/notebook/missing.ts";
import { renderSvg } from "../lib/report/svg.ts";

const SET = { ok: true as const, runs: RUNS, curves: CURVES };

Deno.test("comparisonTable: mean ± 95% CI over seeds, × base, levels", () => {
  const rows = comparisonTable(RUNS).toRecords() as Record<string, unknown>[];
  assertEquals(rows.map((r) => r.variant), ["base", "grpo_kl", "zero_grpo"]);
  assertEquals(rows[0]["pass@1 % (± 95% CI)"], "10.0 ± 0.0");
  // zero_grpo: 0.27, 0.29 → mean 28.0, CI t(0.975,1)·0.01414/√2 = 12.7062·0.01 = 12.7
  assertEquals(rows[2]["pass@1 % (± 95% CI)"], "28.0 ± 12.7");
  assertEquals(rows[2]["× base"], "2.80×");
  assertEquals(rows[1]["L1 %"], "50.0 ± 0.0");
  assertEquals(rows[1]["truncated %"], "10.0");
  assert(comparisonMarkdown(RUNS).includes("| zero_grpo"));
});

Deno.test("passAt1Spec: error bars only with several seeds", () => {
  const spec = passAt1Spec(RUNS) as unknown as {
    layer: unknown[];
    data: { values: { lo: number | null }[] };
  };
  assertEquals(spec.layer.length, 2);
  assert(spec.data.values.every((v) => v.lo !== null));
  const one = passAt1Spec(RUNS.filter((r) => r.seed === 1)) as unknown as { layer: unknown[] };
  assertEquals(one.layer.length, 1);
});

Deno.test("stepCostTable: mean seconds per part and memory per variant", () => {
  const rows = stepCostTable(CURVES).toRecords() as Record<string, number>[];
  assertEquals(rows.map((r) => r.variant as unknown), ["grpo_kl", "zero_grpo"]);
  assertEquals([rows[0].steps, rows[0].reference_s, rows[0].tensors_MiB], [6, 0.3, 6]);
  assertEquals([rows[1].reference_s, rows[1].tensors_MiB, rows[1].peak_rss_MiB], [0, 3, 500]);
});

Deno.test("charts render: time per step, memory, curves, comparison", async () => {
  for (const spec of [stepTimeSpec(CURVES), memorySpec(CURVES), passAt1Spec(RUNS)]) {
    assert((await renderSvg(spec)).startsWith("<svg"));
  }
  const curves = await Promise.all(
    curveViews(SET, ["reward", "drift_kl"]).map((v) => mimeBundle(v)),
  );
  assertEquals(curves.map((b) => b["text/plain"]), [
    "<chart: Reward>",
    "<chart: Drift from the starting weights>",
  ]);
  assertEquals(costViews(SET).length, 3);
  assertEquals(comparisonViews(SET).length, 3);
});

Deno.test("views of a missing run set: one notice, then short pointers", async () => {
  resetNotices();
  const missing = { ok: false as const, message: "**gone**" };
  const first = String((await mimeBundle(comparisonViews(missing)[0]))["text/markdown"]);
  const again = String((await mimeBundle(curveViews(missing, ["reward"])[0]))["text/markdown"]);
  assert(first.includes("**gone**"));
  assert(again.includes("see the notice above"));
  assertEquals(costViews(missing).length, 1);
});
