import { assert, assertEquals } from "./_assert.ts";
import { MICRO_PRESET, recordingDisplay, tinyCheckpoint } from "./_notebook_fixtures.ts";
import { loadBaseModel } from "../lib/notebook/base_model.ts";
import { liveDisplay } from "../lib/notebook/display.ts";
import { miniMathEvalSet } from "../lib/notebook/eval_views.ts";
import { statusMarkdown, trainLive, variantsTable } from "../lib/notebook/live_training.ts";

const PRESET = MICRO_PRESET;

Deno.test("trainLive: without a checkpoint, the base's notice", async () => {
  const r = await trainLive(loadBaseModel("/nonexistent/base"), ["zero_grpo"], {
    preset: PRESET,
    seeds: [1],
    evalProblems: [],
  });
  assert(!r.ok && r.message.includes("deno task pretrain"));
});

Deno.test("trainLive: trains and evaluates each variant and seed, updating the live displays", async () => {
  const dir = await Deno.makeTempDir();
  tinyCheckpoint(`${dir}/base`);
  const base = loadBaseModel(`${dir}/base`);
  const status = recordingDisplay();
  const chart = recordingDisplay();
  const r = await trainLive(base, ["base", "grpo_kl", "zero_grpo"], {
    preset: PRESET,
    seeds: [1],
    evalProblems: miniMathEvalSet(1),
    runsDir: `${dir}/runs`,
    status: liveDisplay(status.display),
    chart: liveDisplay(chart.display),
    chartIntervalMs: 0,
  });
  assert(r.ok);
  if (!r.ok) return;
  assertEquals(r.runs.map((x) => x.variant), ["base", "grpo_kl", "zero_grpo"]);
  assertEquals(r.curves.map((c) => `${c.variant}@${c.step}`), [
    "grpo_kl@1",
    "grpo_kl@2",
    "zero_grpo@1",
    "zero_grpo@2",
  ]);
  assert(Deno.statSync(`${r.runsDir}/zero_grpo/1/summary.json`).isFile, "run folders written");
  // status: initial + per variant (start, end) + per step
  assertEquals(status.calls.length, 1 + 3 * 2 + 4);
  assert(status.calls.slice(1).every((c) => c.options.update === true));
  const last = String(status.calls.at(-1)!.bundle["text/markdown"]);
  assert(last.includes("| zero_grpo | 1 | 2/2 |") && last.includes("done: pass@1"), last);
  const final = chart.calls.at(-1)!.bundle;
  assert(String(final["image/svg+xml"]).startsWith("<svg"), "the final chart has its SVG");
  if (base.ok) base.policy.model.dispose();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("statusMarkdown and variantsTable", () => {
  const md = statusMarkdown([{ variant: "base", seed: 1, state: "waiting", total: 0 }], 0, 2000);
  assert(md.includes("| base | 1 | – |") && md.includes("_elapsed 2 s_"));
  const t = variantsTable(["base", "zero_grpo"]).toRecords();
  assertEquals(t.map((r) => [r.variant, r.beta, r.reward]), [["base", null, "–"], [
    "zero_grpo",
    0,
    "seed",
  ]]);
});
