import { assert, assertEquals } from "./_assert.ts";
import {
  NO_FORMAT_VARIANT,
  rewardAblationVariants,
  rewardPresetsTable,
  rewardShapeSpec,
} from "../lib/notebook/reward_ablation.ts";
import { renderSvg } from "../lib/report/svg.ts";

Deno.test("rewardAblationVariants: ZeroGRPO and one change each", () => {
  const vs = rewardAblationVariants();
  assertEquals(vs.map((v) => v.name), [
    "zero_grpo",
    "zero_grpo_no_length",
    "zero_grpo_strong_length",
    "zero_grpo_no_format",
    "zero_grpo_no_curriculum",
  ]);
  assert(vs.every((v) => v.train?.beta === 0));
  assertEquals(NO_FORMAT_VARIANT.train?.reward, "correctness_only");
});

Deno.test("rewardPresetsTable: each preset as a weighted sum", () => {
  const rows = rewardPresetsTable(["seed", "correctness_only"]).toRecords();
  assertEquals(rows[0].reward, "1·correctness + 0.2·format + 0.1·length_mild");
  assertEquals(rows[1].reward, "1·correctness");
});

Deno.test("rewardShapeSpec: the mild penalty bites after 128 tokens, the strong one after 64", async () => {
  const spec = rewardShapeSpec(["seed", "strong_length"], { maxLength: 256, budget: 160 });
  const values = (spec as unknown as { layer: { data: { values: Record<string, unknown>[] } }[] })
    .layer[0].data.values;
  const at = (preset: string, outcome: string, length: number) =>
    values.find((v) => v.preset === preset && v.outcome === outcome && v.length === length)!
      .reward as number;
  assertEquals(at("seed", "correct", 128), 1.2);
  assert(Math.abs(at("seed", "correct", 256) - 1.1) < 1e-9);
  assertEquals(at("seed", "wrong", 0), 0.2);
  assertEquals(at("strong_length", "correct", 64), 1.2);
  assert(Math.abs(at("strong_length", "correct", 192) - 0.2) < 1e-9, "capped at −2 × 0.5");
  assert((await renderSvg(spec)).startsWith("<svg"));
});
