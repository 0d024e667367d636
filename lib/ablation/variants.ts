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
  // The β sweep: ZeroGRPO's recipe with a KL term of growing weight (β = 0.04 is `grpo_kl`).
  {
    name: "kl_beta_0_01",
    description: "ZeroGRPO's recipe with a KL term, β = 0.01 (β sweep)",
    train: { beta: 0.01, reward: "seed", curriculum: "staged" },
  },
  {
    name: "kl_beta_0_1",
    description: "ZeroGRPO's recipe with a KL term, β = 0.1 (β sweep)",
    train: { beta: 0.1, reward: "seed", curriculum: "staged" },
  },
  // Past the range the seed's GRPO uses: where the KL term starts to cost.
  {
    name: "kl_beta_0_4",
    description: "ZeroGRPO's recipe with a KL term, β = 0.4 (β sweep)",
    train: { beta: 0.4, reward: "seed", curriculum: "staged" },
  },
  {
    name: "kl_beta_1",
    description: "ZeroGRPO's recipe with a KL term, β = 1 (β sweep)",
    train: { beta: 1, reward: "seed", curriculum: "staged" },
  },
];

/** The β sweep: (β, variant) pairs in increasing β. */
export const BETA_SWEEP: readonly { beta: number; variant: string }[] = [
  { beta: 0, variant: "zero_grpo" },
  { beta: 0.01, variant: "kl_beta_0_01" },
  { beta: 0.04, variant: "grpo_kl" },
  { beta: 0.1, variant: "kl_beta_0_1" },
  { beta: 0.4, variant: "kl_beta_0_4" },
  { beta: 1, variant: "kl_beta_1" },
];

/** The seed's comparisons: the base and one variant per ingredient (the quick grid). */
export const SEED_GRID: readonly string[] = [
  "base",
  "grpo_kl",
  "zero_grpo",
  "zero_grpo_no_curriculum",
  "zero_grpo_no_length",
  "zero_grpo_strong_length",
];

/** The variants a grid runs by default: every one but the β sweep's extra points. */
export const DEFAULT_GRID: readonly string[] = [
  "base",
  "grpo_kl",
  "zero_grpo",
  "zero_grpo_no_curriculum",
  "zero_grpo_no_length",
  "zero_grpo_strong_length",
  "zero_grpo_none_scale",
  "zero_grpo_no_length_none_scale",
  "zero_grpo_strong_length_none_scale",
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
  /**
   * Extra evaluations at these multiples of the training budget (C6: does RL teach reasoning or
   * brevity?), for the variants in `eval_budget_variants`; a multiple whose budget does not fit
   * the model's context is skipped and recorded as such.
   */
  eval_budgets?: number[];
  /** Variants evaluated at `eval_budgets` (default `base` and `zero_grpo`). */
  eval_budget_variants?: string[];
  /** The variants a grid of this preset runs when `--only` is not given (default `DEFAULT_GRID`). */
  variants?: string[];
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
    variants: [...SEED_GRID],
  },
  full: {
    name: "full",
    seeds: 3,
    grpo: { ...base, steps: 120, prompts_per_step: 16, num_generations: 8 },
    pool_per_level: 2000,
    eval_samples: 5,
    eval_problems: 500,
  },
  /**
   * The claims grid (`results/claims.md`): 5 seeds, training long enough that the policy moves
   * (60 steps × 8 prompts × 8 generations), k = 3 on all of MiniMath-500, and the budget sweep
   * (0.5×, 2×, 4× the budget) for the base and ZeroGRPO.
   */
  claims: {
    name: "claims",
    seeds: 5,
    grpo: { ...base, steps: 60, prompts_per_step: 8, num_generations: 8 },
    pool_per_level: 800,
    eval_samples: 3,
    eval_problems: 500,
    eval_budgets: [0.5, 2, 4],
    eval_budget_variants: ["base", "zero_grpo"],
  },
  /**
   * The claims grid trained 4× longer (240 steps) for the pair that C2 compares: does the gap
   * between GRPO-with-KL and ZeroGRPO open once the policy has had time to drift from the
   * reference? No budget sweep.
   */
  "claims-long": {
    name: "claims-long",
    seeds: 5,
    grpo: { ...base, steps: 240, prompts_per_step: 8, num_generations: 8 },
    pool_per_level: 800,
    eval_samples: 3,
    eval_problems: 500,
    variants: ["base", "grpo_kl", "zero_grpo"],
  },
  /** For tests and CI smoke runs: seconds, not minutes. */
  tiny: {
    name: "tiny",
    seeds: 1,
    grpo: { ...base, steps: 2, prompts_per_step: 2, num_generations: 4, max_completion_length: 48 },
    pool_per_level: 20,
    eval_samples: 1,
    eval_problems: 10,
    eval_budgets: [0.5, 2],
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
