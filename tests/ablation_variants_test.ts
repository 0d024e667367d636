import { assert, assertAlmostEquals, assertEquals } from "./_assert.ts";
import { grpoConfigFor } from "../lib/ablation/run.ts";
import { presetByName, variantByName, VARIANTS } from "../lib/ablation/variants.ts";
import { rewardPreset } from "../lib/reward/presets.ts";
import { groupAdvantages, type ScaleRewards } from "../lib/train/advantages.ts";

Deno.test("each length-penalty variant also runs with scale_rewards none (Dr. GRPO)", () => {
  const quick = presetByName("quick");
  assertEquals(quick.grpo.scale_rewards, "group");
  for (const name of ["zero_grpo", "zero_grpo_no_length", "zero_grpo_strong_length"]) {
    const grouped = variantByName(name);
    const none = variantByName(`${name}_none_scale`);
    // The twin differs in the scaling alone.
    const { scale_rewards, ...rest } = none.train!;
    assertEquals([scale_rewards, rest], ["none", grouped.train]);
    assertEquals(grpoConfigFor(grouped, quick, 2).scale_rewards, "group");
    const cfg = grpoConfigFor(none, quick, 2);
    assertEquals(cfg, { ...grpoConfigFor(grouped, quick, 2), scale_rewards: "none" });
  }
  assertEquals(VARIANTS.filter((v) => v.train?.scale_rewards === "none").length, 3);
});

Deno.test("group scaling erases the penalty's weight; without it mild and strong differ", () => {
  // A group of correct, well-formatted completions that differ in length alone (budget 160).
  const lengths = [100, 100, 100, 100, 100, 100, 140, 160];
  const completions = lengths.map(() => "<think>3+4=7.</think>\\boxed{7}");
  const problems = lengths.map(() => ({ answer: "7" }));
  const adv = (preset: string, scale_rewards: ScaleRewards) =>
    groupAdvantages(
      rewardPreset(preset)(completions, problems, { lengths, maxLength: 160 }),
      { num_generations: 8, scale_rewards },
    );
  const mild = adv("seed", "group"), strong = adv("strong_length", "group");
  // Full-size advantages either way (−2 for the completion cut at the budget), nearly equal.
  for (const i of [0, 6, 7]) assertAlmostEquals(mild[i], strong[i], 0.01);
  assert(mild[7] < -1.9);
  const mildNone = adv("seed", "none"), strongNone = adv("strong_length", "none");
  assertAlmostEquals(mildNone[7], -0.059, 0.01);
  assertAlmostEquals(strongNone[7], -0.198, 0.01);
  assert(strongNone[7] < 3 * mildNone[7], "the strong penalty pushes over three times harder");
});
