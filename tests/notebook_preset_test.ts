import { assert, assertEquals, assertThrows } from "./_assert.ts";
import { notebookPreset, presetBanner } from "../lib/notebook/preset.ts";
import { presetByName } from "../lib/ablation/variants.ts";

Deno.test("notebookPreset: unset or empty is the default (the quick ablation preset)", () => {
  for (const name of [undefined, "", " default "]) {
    const p = notebookPreset(name);
    assertEquals(p.name, "default");
    assertEquals(p.training.grpo, presetByName("quick").grpo);
    assert(p.seeds.length >= 2, "several seeds for confidence intervals");
  }
});

Deno.test("notebookPreset: small shrinks every computation", () => {
  const small = notebookPreset("small");
  const def = notebookPreset("default");
  assertEquals(small.name, "small");
  assert(small.training.grpo.steps < def.training.grpo.steps);
  assert(small.training.grpo.steps >= 2, "curves need more than one point");
  assert(small.passRate.perLevel * small.passRate.k < def.passRate.perLevel * def.passRate.k);
  assert(small.baseEval.perLevel < def.baseEval.perLevel);
  assert(small.trainEvalPerLevel < def.trainEvalPerLevel);
  assert(small.seeds.length >= 2, "CIs need two seeds even in CI");
  assert(presetBanner(small).includes("**small**"));
});

Deno.test("notebookPreset: an unknown name fails, listing the names", () => {
  assertThrows(() => notebookPreset("huge"), Error, 'unknown preset "huge" (default, small');
});
