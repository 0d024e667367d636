/**
 * The reward ablation of notebook 04: the variants (length penalty none / mild / strong, format
 * reward on / off, curriculum vs shuffled), the reward presets as formulas, and the shape of each
 * reward as a function of completion length.
 *
 * @module
 */
import pl from "nodejs-polars";
import type { TopLevelSpec } from "vega-lite";
import { variantByName, type VariantSpec } from "../ablation/variants.ts";
import { VEGA_LITE_SCHEMA } from "../report/charts.ts";
import { REWARD_PRESETS, rewardPreset, type RewardPresetName } from "../reward/presets.ts";
import { DEFAULT_GRPO_CONFIG } from "../rl/grpo_trainer.ts";

/** ZeroGRPO rewarded for correctness alone: no format reward (and no length penalty). */
export const NO_FORMAT_VARIANT: VariantSpec = {
  name: "zero_grpo_no_format",
  description: "ZeroGRPO rewarded for correctness only: format reward off (and no length penalty)",
  train: { beta: 0, reward: "correctness_only", curriculum: "staged" },
};

/**
 * The variants of the reward ablation: ZeroGRPO with the seed reward (mild length penalty), without
 * and with a strong length penalty, without the format reward, and without the curriculum.
 */
export function rewardAblationVariants(): VariantSpec[] {
  return [
    variantByName("zero_grpo"),
    variantByName("zero_grpo_no_length"),
    variantByName("zero_grpo_strong_length"),
    NO_FORMAT_VARIANT,
    variantByName("zero_grpo_no_curriculum"),
  ];
}

/**
 * Each reward preset as a formula of its weighted components, then what its length penalty takes
 * from a correct, well-formatted completion at the lengths runs produce: one column per length
 * (default 50, 100 and the budget), under the token budget (default `max_completion_length`).
 */
export function rewardPresetsTable(
  names: readonly RewardPresetName[],
  options: { budget?: number; lengths?: readonly number[] } = {},
): pl.DataFrame {
  const budget = options.budget ?? DEFAULT_GRPO_CONFIG.max_completion_length;
  const lengths = options.lengths ?? [50, 100, budget];
  const formula = (n: RewardPresetName) =>
    REWARD_PRESETS[n].map((c) => `${c.weight > 0 ? "+" : "−"} ${Math.abs(c.weight)}·${c.name}`)
      .join(" ").replace(/^\+ /, "");
  const penalty = (n: RewardPresetName, length: number) => {
    const [short, long] = rewardPreset(n)([CORRECT, CORRECT], [PROBLEM, PROBLEM], {
      lengths: [1, length],
      maxLength: budget,
    });
    return Math.round((long - short) * 1000) / 1000;
  };
  return pl.DataFrame([
    pl.Series("preset", [...names], pl.Utf8),
    pl.Series("reward", names.map(formula), pl.Utf8),
    ...lengths.map((l) => pl.Series(`at ${l} tokens`, names.map((n) => penalty(n, l)), pl.Float64)),
  ]);
}

const PROBLEM = { answer: "7" };
const CORRECT = "<think>3+4=7.</think>\\boxed{7}";

/**
 * Reward vs completion length (0 to `maxLength`, default 256) for a well-formatted completion,
 * correct (solid) or wrong (dashed), under each preset — where the length penalties bite and how
 * hard. `budget` (the rollouts' token budget) is drawn as a rule and is DAPO's L_max.
 */
export function rewardShapeSpec(
  names: readonly RewardPresetName[],
  options: { maxLength?: number; budget?: number } = {},
): TopLevelSpec {
  const maxLength = options.maxLength ?? 256;
  const outcomes = [
    ["correct", CORRECT],
    ["wrong", "<think>3+4=8.</think>\\boxed{8}"],
  ] as const;
  const lengths = Array.from({ length: Math.floor(maxLength / 4) + 1 }, (_, i) => 4 * i);
  const values = names.flatMap((preset) => {
    const reward = rewardPreset(preset);
    return outcomes.flatMap(([outcome, completion]) => {
      const totals = reward(lengths.map(() => completion), lengths.map(() => PROBLEM), {
        lengths,
        maxLength: options.budget ?? maxLength,
      });
      return lengths.map((length, i) => ({ preset, outcome, length, reward: totals[i] }));
    });
  });
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: "Reward of a well-formatted completion vs its length",
    width: 420,
    height: 240,
    layer: [
      {
        data: { values },
        mark: { type: "line", strokeWidth: 2 },
        encoding: {
          x: { field: "length", type: "quantitative", title: "Completion length (tokens)" },
          y: { field: "reward", type: "quantitative", title: "Total reward" },
          color: { field: "preset", type: "nominal", title: "Reward preset", sort: [...names] },
          strokeDash: {
            field: "outcome",
            type: "nominal",
            title: "Answer",
            sort: ["correct", "wrong"],
          },
        },
      },
      ...(options.budget === undefined ? [] : [{
        data: { values: [{ budget: options.budget, label: "rollout budget" }] },
        mark: { type: "rule", color: "#888", strokeDash: [2, 2] },
        encoding: { x: { field: "budget", type: "quantitative" } },
      }, {
        data: { values: [{ budget: options.budget, label: "rollout budget" }] },
        mark: { type: "text", align: "left", dx: 4, dy: -6, color: "#666", baseline: "top" },
        encoding: {
          x: { field: "budget", type: "quantitative" },
          y: { value: 0 },
          text: { field: "label" },
        },
      }]),
    ],
  } as TopLevelSpec;
}
