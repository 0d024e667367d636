/**
 * Notebook presets: how big each notebook's computations are. `SSR1_PRESET=small` runs all five
 * notebooks in a few minutes (CI); the default runs the real thing.
 *
 * @module
 */
import { type Preset, presetByName } from "../ablation/variants.ts";

/** Sizes of the notebooks' computations. */
export interface NotebookPreset {
  /** `small` or `default`. */
  name: string;
  /** One line for the notebooks' preset banner. */
  description: string;
  /** Notebook 01: typeset samples per level. */
  samplesPerLevel: number;
  /** Notebook 01: pass-rate bins from the base model: training problems per level, samples each. */
  passRate: { perLevel: number; k: number };
  /** Token budget of sampled completions outside training (the rollouts' budget). */
  maxNewTokens: number;
  /**
   * Notebook 02: evaluation of the base model on MiniMath-500 (problems per level, samples each:
   * odd, so that maj@k is a vote).
   */
  baseEval: { perLevel: number; samples: number };
  /** Notebooks 03 and 04: the ablation preset each live run trains with. */
  training: Preset;
  /** Notebooks 03 and 04: evaluation of each trained run (problems per level; k from `training`). */
  trainEvalPerLevel: number;
  /** Notebook 04: the seeds of each variant (≥ 2 for confidence intervals). */
  seeds: number[];
}

/** The names `SSR1_PRESET` accepts. */
export const NOTEBOOK_PRESET_NAMES = ["default", "small"] as const;

/** Builds a preset by name (`default` when `name` is undefined or empty). */
export function notebookPreset(
  name: string | undefined = Deno.env.get("SSR1_PRESET"),
): NotebookPreset {
  const which = name?.trim() || "default";
  if (which === "default") {
    const quick = presetByName("quick");
    return {
      name: "default",
      description: `the real thing: training runs use the \`${quick.name}\` ablation preset ` +
        `(${quick.grpo.steps} steps × ${quick.grpo.prompts_per_step} prompts × ` +
        `${quick.grpo.num_generations} completions)`,
      samplesPerLevel: 3,
      passRate: { perLevel: 50, k: 8 },
      maxNewTokens: quick.grpo.max_completion_length,
      baseEval: { perLevel: 100, samples: 5 },
      training: quick,
      trainEvalPerLevel: 20,
      seeds: [1, 2],
    };
  }
  if (which === "small") {
    const tiny = presetByName("tiny");
    const quick = presetByName("quick");
    return {
      name: "small",
      description: "small (CI): every computation shrunk to seconds — the numbers mean nothing; " +
        "unset `SSR1_PRESET` for the real thing",
      samplesPerLevel: 1,
      passRate: { perLevel: 4, k: 2 },
      maxNewTokens: quick.grpo.max_completion_length,
      baseEval: { perLevel: 2, samples: 3 },
      training: { ...tiny, grpo: { ...tiny.grpo, steps: 3 } },
      trainEvalPerLevel: 1,
      seeds: [1, 2],
    };
  }
  throw new Error(
    `SSR1_PRESET: unknown preset "${name}" (${NOTEBOOK_PRESET_NAMES.join(", ")}; unset = default)`,
  );
}

/** A one-line Markdown banner naming the preset in use. */
export function presetBanner(preset: NotebookPreset): string {
  return `_Preset **${preset.name}** — ${preset.description}._`;
}
