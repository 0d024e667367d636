/**
 * The profile of a representative ZeroGRPO step: the `quick` preset's `zero_grpo` run (seed 1)
 * from a base checkpoint, one warm-up step, then step `step` profiled.
 *
 * @module
 */

import { deriveSeed } from "../data/rng.ts";
import { createMiniMathSampler } from "../curriculum/minimath_sampler.ts";
import { baseMiniMathVersion } from "../model/bases.ts";
import { curriculumSchedule, grpoConfigFor, loadCharPolicy } from "../ablation/run.ts";
import { PRESETS, variantByName } from "../ablation/variants.ts";
import { rewardPreset } from "../reward/presets.ts";
import { GRPOTrainer } from "../rl/grpo_trainer.ts";
import { type Profile, profileRun } from "./profile.ts";

/**
 * Profiles ZeroGRPO step `step` (≥ 1; steps before it run unprofiled) of the `quick` preset from
 * the checkpoint in `baseDir`, with its step metrics (completion length, times).
 */
export function profileGrpoStep(
  baseDir: string,
  step = 1,
): { profile: Profile; completion_length: number; rollouts: number; step_time: number } {
  const preset = PRESETS.quick;
  const variant = variantByName("zero_grpo");
  const grpo = grpoConfigFor(variant, preset, 1);
  const policy = loadCharPolicy(baseDir);
  const sampler = createMiniMathSampler({
    seed: deriveSeed(1, "pool"),
    perLevel: preset.pool_per_level,
    batchSize: grpo.prompts_per_step,
    schedule: curriculumSchedule(variant.train!.curriculum, grpo.steps),
    version: baseMiniMathVersion(baseDir),
  });
  const trainer = new GRPOTrainer(policy, rewardPreset(variant.train!.reward), sampler, grpo);
  try {
    for (let t = 0; t < step; t++) trainer.step(t);
    const { result, profile } = profileRun(() => trainer.step(step));
    return {
      profile,
      completion_length: result.completion_length,
      rollouts: grpo.prompts_per_step * grpo.num_generations,
      step_time: result.step_time,
    };
  } finally {
    trainer.dispose();
    policy.model.dispose();
  }
}
