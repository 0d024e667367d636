/**
 * Fixtures for the notebook-helper tests: a tiny random char-level checkpoint, a fake kernel
 * display that records what it is given, and a small run set.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { registerAllGradients } from "../lib/backend/gradients.ts";
import { Qwen2Model } from "../lib/model/qwen2.ts";
import { CharTokenizer } from "../lib/model/tokenizer.ts";
import { saveCheckpoint } from "../lib/model/checkpoint.ts";
import type { DisplayFn, DisplayOptions, MimeBundle } from "../lib/notebook/display.ts";
import { type Preset, presetByName } from "../lib/ablation/variants.ts";
import type { RunSummary } from "../lib/report/run_summary.ts";
import type { CurveRow } from "../lib/report/charts.ts";

await tf.setBackend("cpu");
registerAllGradients();

/** Writes a tiny random char-level checkpoint (1 layer, hidden 16) into `dir`. */
export function tinyCheckpoint(dir: string): void {
  const tok = CharTokenizer.default();
  const model = Qwen2Model.init({
    hidden_size: 16,
    num_hidden_layers: 1,
    num_attention_heads: 2,
    num_key_value_heads: 1,
    intermediate_size: 32,
    vocab_size: tok.vocabSize,
    max_position_embeddings: 160,
    rope_theta: 10000,
    rms_norm_eps: 1e-6,
    tie_word_embeddings: true,
  }, 7);
  saveCheckpoint(dir, model, tok);
  model.dispose();
}

/** The `tiny` preset, smaller still (2 steps of 1 prompt × 2 completions of ≤ 6 tokens): a run takes a second. */
export const MICRO_PRESET: Preset = (() => {
  const tiny = presetByName("tiny");
  return {
    ...tiny,
    grpo: {
      ...tiny.grpo,
      steps: 2,
      prompts_per_step: 1,
      num_generations: 2,
      max_completion_length: 6,
    },
    pool_per_level: 4,
  };
})();

/** A fake `Deno.jupyter.display` recording every call. */
export function recordingDisplay(): {
  display: DisplayFn;
  calls: { bundle: MimeBundle; options: DisplayOptions }[];
} {
  const calls: { bundle: MimeBundle; options: DisplayOptions }[] = [];
  return {
    calls,
    display: (bundle, options) => {
      calls.push({ bundle, options });
      return Promise.resolve();
    },
  };
}

/** Three variants (base, two trained), two seeds each. */
export const RUNS: RunSummary[] = [1, 2].flatMap((seed) => [
  {
    variant: "base",
    seed,
    pass_at_1: 0.1,
    maj_at_k: 0.1,
    k: 2,
    accuracy_by_level: { 1: 0.3, 2: 0.1 },
    mean_length: 90,
    truncation_rate: 0.3,
  },
  {
    variant: "grpo_kl",
    seed,
    pass_at_1: 0.2 + 0.02 * seed,
    maj_at_k: 0.25,
    k: 2,
    accuracy_by_level: { 1: 0.5, 2: 0.2 },
    mean_length: 70,
    truncation_rate: 0.1,
    train_steps: 3,
  },
  {
    variant: "zero_grpo",
    seed,
    pass_at_1: 0.25 + 0.02 * seed,
    maj_at_k: 0.3,
    k: 2,
    accuracy_by_level: { 1: 0.6, 2: 0.25 },
    mean_length: 60,
    truncation_rate: 0.05,
    train_steps: 3,
  },
]);

/** Training curves of the trained variants in {@link RUNS}: 3 steps each. */
export const CURVES: CurveRow[] = [1, 2].flatMap((seed) =>
  ["grpo_kl", "zero_grpo"].flatMap((variant) =>
    [1, 2, 3].map((step) => ({
      variant,
      seed,
      step,
      reward: 0.1 * step + 0.01 * seed,
      accuracy: 0.05 * step,
      ...(variant === "grpo_kl" ? { kl: 0.001 * step } : {}),
      drift_kl: (variant === "grpo_kl" ? 0.001 : 0.002) * step,
      completion_length: 100 - step,
      step_time: 2,
      gen_time: 1,
      train_time: variant === "grpo_kl" ? 1 : 0.7,
      ref_time: variant === "grpo_kl" ? 0.3 : 0,
      tensor_bytes: (variant === "grpo_kl" ? 6 : 3) * 2 ** 20,
      rss_bytes: 500 * 2 ** 20,
    }))
  )
);
