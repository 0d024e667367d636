/**
 * The profile of pretraining steps on a corpus recipe (e.g. the long `overthink` solutions on a
 * 768-position config): a one-step warm-up run, then the first `steps` steps of a run profiled
 * (4 steps cover one sorted pool of the corpus stream: every length of it once).
 *
 * @module
 */

import { loadConfig } from "../model/config.ts";
import { Qwen2Model } from "../model/qwen2.ts";
import { CharTokenizer } from "../model/tokenizer.ts";
import { corpusRecipe } from "../pretrain/corpus.ts";
import { pretrain, type PretrainConfig, type PretrainStep } from "../pretrain/pretrain.ts";
import { charCodec } from "../rl/policy.ts";
import { type Profile, profileRun } from "./profile.ts";

/**
 * Profiles the first `steps` pretraining steps of a fresh model of `configPath` on `corpus`
 * (seed 1) with `batchSize` sequences a step, after an unprofiled one-step warm-up.
 */
export function profilePretrainSteps(
  configPath: string,
  corpus: string,
  batchSize: number,
  steps: number,
): { profile: Profile; steps: PretrainStep[] } {
  const recipe = corpusRecipe(corpus);
  const model = Qwen2Model.init(loadConfig(configPath), 1);
  const codec = charCodec(CharTokenizer.default());
  const config: PretrainConfig = {
    corpus,
    seed: 1,
    steps,
    batch_size: batchSize,
    lr: 3e-3,
    warmup_steps: 50,
    weight_decay: 0.01,
    max_grad_norm: 1,
    mix: recipe.mix,
    passes: recipe.passes,
  };
  try {
    pretrain(model, codec, { ...config, steps: 1 });
    const { result, profile } = profileRun(() => pretrain(model, codec, config));
    return { profile, steps: result };
  } finally {
    model.dispose();
  }
}
