/**
 * The ablation grid: the variants the paper compares, and the presets that size a run.
 *
 * Every variant trains from the same base checkpoint with the same budget and settings; each
 * differs from ZeroGRPO (the seed's recipe) in one ingredient.
 *
 * @module
 */
import type { GRPOConfig } from "../rl/grpo_trainer.ts";
import { DEFAULT_GRPO_CONFIG } from "../rl/grpo_trainer.ts";
import type { ScaleRewards } from "../train/advantages.ts";

/** How a variant trains (`null` for the untrained base). */
export interface VariantSpec {
  /** Variant name (the directory under `results/runs/`). */
  name: string;
  /** One line for tables and notebooks. */
  description: string;
  /** `null`: no RL (the base model, evaluated only). */
  train: null | {
    /** KL coefficient (0 = ZeroGRPO: no reference model). */
    beta: number;
    /** Reward preset (see `lib/reward/presets.ts`). */
    reward: string;
    /** `staged` easy → medium → hard, or `shuffled` (no curriculum). */
    curriculum: "staged" | "shuffled";
    /** Overrides the preset's advantage scaling (`none`: Dr. GRPO, no division by the std). */
    scale_rewards?: ScaleRewards;
  };
}

/** The grid of `deno task ablate`, in table order. */
export const VARIANTS: readonly VariantSpec[] = [
  { name: "base", description: "the pretrained base model, no RL", train: null },
  {
    name: "grpo_kl",
    description: "GRPO with KL to the reference (β = 0.04), curriculum, seed reward",
    train: { beta: 0.04, reward: "seed", curriculum: "staged" },
  },
  {
    name: "zero_grpo",
    description: "ZeroGRPO (β = 0): curriculum + correctness + format + mild length penalty",
    train: { beta: 0, reward: "seed", curriculum: "staged" },
  },
  {
    name: "zero_grpo_no_curriculum",
    description: "ZeroGRPO, problems shuffled (no curriculum)",
    train: { beta: 0, reward: "seed", curriculum: "shuffled" },
  },
  {
    name: "zero_grpo_no_length",
    description: "ZeroGRPO without the length penalty",
    train: { beta: 0, reward: "no_length", curriculum: "staged" },
  },
  {
    name: "zero_grpo_strong_length",
    description: "ZeroGRPO with a strong length penalty",
    train: { beta: 0, reward: "strong_length", curriculum: "staged" },
  },
  // The length-penalty comparison again without dividing advantages by the group's std: with
  // `group` scaling any length difference in a group whose other rewards are equal becomes a
  // full-size advantage, whatever the penalty's weight.
  {
    name: "zero_grpo_none_scale",
    description: "ZeroGRPO (mild length penalty), advantages not scaled (Dr. GRPO)",
    train: { beta: 0, reward: "seed", curriculum: "staged", scale_rewards: "none" },
  },
  {
    name: "zero_grpo_no_length_none_scale",
    description: "ZeroGRPO without the length penalty, advantages not scaled (Dr. GRPO)",
    train: { beta: 0, reward: "no_length", curriculum: "staged", scale_rewards: "none" },
  },
  {
    name: "zero_grpo_strong_length_none_scale",
    description: "ZeroGRPO with a strong length penalty, advantages not scaled (Dr. GRPO)",
    train: { beta: 0, reward: "strong_length", curriculum: "staged", scale_rewards: "none" },
  },
];

/** Sizes of a run: training budget, evaluation protocol and seeds. */
export interface Preset {
  name: string;
  /** Seeds per variant. */
  seeds: number;
  /** GRPO settings shared by every trained variant (beta comes from the variant). */
  grpo: Omit<GRPOConfig, "beta" | "seed">;
  /** Training problems generated per level for the curriculum pool. */
  pool_per_level: number;
  /**
   * Evaluation: samples per problem (k; odd, so that maj@k is a real vote — an even k reports
   * pass@1 only) and how many MiniMath-500 problems (≤ 500).
   */
  eval_samples: number;
  eval_problems: number;
}

const base = { ...DEFAULT_GRPO_CONFIG } as Omit<GRPOConfig, "beta" | "seed"> & {
  beta?: number;
  seed?: number;
};
delete base.beta;
delete base.seed;

/** Named presets: `quick` for a grid on 2 cores in minutes, `full` is the real thing. */
export const PRESETS: Readonly<Record<string, Preset>> = {
  quick: {
    name: "quick",
    seeds: 3,
    grpo: { ...base, steps: 30, prompts_per_step: 8, num_generations: 8 },
    pool_per_level: 400,
    eval_samples: 3,
    eval_problems: 500,
  },
  full: {
    name: "full",
    seeds: 3,
    grpo: { ...base, steps: 120, prompts_per_step: 16, num_generations: 8 },
    pool_per_level: 2000,
    eval_samples: 5,
    eval_problems: 500,
  },
  /** For tests and CI smoke runs: seconds, not minutes. */
  tiny: {
    name: "tiny",
    seeds: 1,
    grpo: { ...base, steps: 2, prompts_per_step: 2, num_generations: 4, max_completion_length: 48 },
    pool_per_level: 20,
    eval_samples: 1,
    eval_problems: 10,
  },
};

/** The variant of a name; throws a one-line error listing the names. */
export function variantByName(name: string): VariantSpec {
  const v = VARIANTS.find((v) => v.name === name);
  if (!v) throw new Error(`unknown variant "${name}" (${VARIANTS.map((v) => v.name).join(", ")})`);
  return v;
}

/** The preset of a name; throws a one-line error listing the names. */
export function presetByName(name: string): Preset {
  const p = PRESETS[name];
  if (!p) throw new Error(`unknown preset "${name}" (${Object.keys(PRESETS).join(", ")})`);
  return p;
}
