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

Deno.test("rewardPresetsTable: each preset as a weighted sum, and its penalty at run lengths", () => {
  const rows = rewardPresetsTable(["seed", "strong_length", "correctness_only"]).toRecords();
  assertEquals(rows[0].reward, "1·correctness + 0.2·format + 0.1·length_mild");
  assertEquals(rows[2].reward, "1·correctness");
  // The default budget is 160 tokens: the columns are 50, 100 and 160 tokens.
  const at = (
    r: Record<string, unknown>,
  ) => [r["at 50 tokens"], r["at 100 tokens"], r["at 160 tokens"]];
  assertEquals(at(rows[0]), [0, -0.025, -0.1]);
  assertEquals(at(rows[1]), [-0.042, -0.25, -0.5]);
  assertEquals(at(rows[2]), [0, 0, 0]);
});

Deno.test("rewardShapeSpec: under a 160-token budget the mild penalty bites after 80 tokens, the strong one after 40", async () => {
  const spec = rewardShapeSpec(["seed", "strong_length"], { maxLength: 256, budget: 160 });
  const values = (spec as unknown as { layer: { data: { values: Record<string, unknown>[] } }[] })
    .layer[0].data.values;
  const at = (preset: string, outcome: string, length: number) =>
    values.find((v) => v.preset === preset && v.outcome === outcome && v.length === length)!
      .reward as number;
  assertEquals(at("seed", "correct", 80), 1.2);
  assert(at("seed", "correct", 84) < 1.2);
  assert(Math.abs(at("seed", "correct", 160) - 1.1) < 1e-9);
  assert(Math.abs(at("seed", "correct", 256) - 1.1) < 1e-9, "−λ from the budget on");
  assertEquals(at("seed", "wrong", 0), 0.2);
  assertEquals(at("strong_length", "correct", 40), 1.2);
  assert(Math.abs(at("strong_length", "correct", 100) - 0.95) < 1e-9);
  assert(Math.abs(at("strong_length", "correct", 192) - 0.7) < 1e-9, "−λ from the budget on");
  assert((await renderSvg(spec)).startsWith("<svg"));
});
