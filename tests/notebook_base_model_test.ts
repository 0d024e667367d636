import { join } from "node:path";
import { assert, assertEquals } from "./_assert.ts";
import { tinyCheckpoint } from "./_notebook_fixtures.ts";
import { loadBaseModel, parameterCount } from "../lib/notebook/base_model.ts";
import { passRateStudy, passRateViews } from "../lib/notebook/pass_rate_study.ts";
import { evaluateBase, evalViews, sampleCompletionsView } from "../lib/notebook/base_eval.ts";
import { miniMathEvalSet } from "../lib/notebook/eval_views.ts";
import { mimeBundle } from "../lib/notebook/display.ts";
import { resetNotices } from "../lib/notebook/missing.ts";
import { miniMathTrainPool } from "../lib/data/minimath_split.ts";

Deno.test("loadBaseModel: a folder with only config.json says what is missing and how to make it", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.copyFile("data/bases/imperfect-0.8m/config.json", join(dir, "config.json"));
  const base = loadBaseModel(dir);
  assertEquals(base.ok, false);
  if (base.ok) return;
  assertEquals(base.missing, ["model.safetensors", "tokenizer.json"]);
  assert(
    base.message.includes("`model.safetensors`") && base.message.includes("deno task pretrain"),
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadBaseModel: a broken checkpoint is a notice too", async () => {
  const dir = await Deno.makeTempDir();
  tinyCheckpoint(dir);
  await Deno.writeTextFile(join(dir, "tokenizer.json"), "{");
  const base = loadBaseModel(dir);
  assert(!base.ok && base.message.includes("cannot be loaded"));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("pass-rate study and base evaluation: notices without a checkpoint", async () => {
  resetNotices();
  const base = loadBaseModel("/nonexistent/base");
  const study = passRateStudy(base, [], { k: 1, maxNewTokens: 4, seed: 1 });
  assertEquals(study.ok, false);
  const views = passRateViews(study);
  assertEquals(views.length, 1);
  assert(String((await mimeBundle(views[0]))["text/markdown"]).includes("not there yet"));
  const ev = evaluateBase(base, [], { samples: 1, maxNewTokens: 4, seed: 1 });
  assertEquals(evalViews(ev).length, 1);
  assert(
    String((await mimeBundle(sampleCompletionsView(ev)))["text/markdown"]).includes(
      "see the notice above",
    ),
  );
});

Deno.test("a tiny checkpoint: pass rates in [0, 1], bins, evaluation views", async () => {
  const dir = await Deno.makeTempDir();
  tinyCheckpoint(dir);
  const base = loadBaseModel(dir);
  assert(base.ok, base.ok ? "" : base.message);
  if (!base.ok) return;
  assertEquals(base.parameters, parameterCount(base.config));
  const problems = miniMathTrainPool({ seed: 1, perLevel: 2 });
  const study = passRateStudy(base, problems, { k: 2, maxNewTokens: 6, seed: 1 });
  assert(study.ok);
  if (!study.ok) return;
  assertEquals(study.rates.length, 10);
  assert(study.rates.every((r) => r >= 0 && r <= 1));
  assertEquals(study.bins.easy.length + study.bins.medium.length + study.bins.hard.length, 10);
  assertEquals(passRateViews(study).length, 5);
  const ev = evaluateBase(base, miniMathEvalSet(1), { samples: 2, maxNewTokens: 6, seed: 1 });
  assert(ev.ok);
  const bundles = await Promise.all(evalViews(ev).map((v) => mimeBundle(v)));
  assertEquals(bundles.length, 6);
  assert(bundles.some((b) => b["application/vnd.vegalite.v5+json"] !== undefined), "a chart");
  const samples = String((await mimeBundle(sampleCompletionsView(ev)))["text/html"]);
  assert(samples.includes("truncated"), "6-token completions are truncated");
  base.policy.model.dispose();
  await Deno.remove(dir, { recursive: true });
});
