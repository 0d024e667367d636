/**
 * Per-token log-probabilities (and entropies) of a sequence under the model:
 * the quantity every policy-gradient trainer differentiates.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import type { Qwen2Model } from "./qwen2.ts";
import { targetLogProbs } from "./fused/log_probs.ts";

/** Options of {@linkcode tokenLogProbs}. */
export interface LogProbOptions {
  /** Divide the logits by this before the softmax (the sampling temperature; default 1). */
  temperature?: number;
}

/**
 * `[B, T-1]`: `log p(ids[:, t+1] | ids[:, ≤t])`, differentiable w.r.t. the
 * model parameters (call inside `tf.variableGrads`). Values at padding
 * positions are meaningless: multiply by `attentionMask[:, 1:]` (or a
 * completion mask) before reducing.
 */
export function tokenLogProbs(
  model: Qwen2Model,
  ids: tf.Tensor2D,
  attentionMask: tf.Tensor2D,
  opts: LogProbOptions = {},
): tf.Tensor2D {
  return tf.tidy(() => scored(model, ids, attentionMask, opts, false).logProbs);
}

/**
 * {@linkcode tokenLogProbs} plus the entropy `[B, T-1]` of each next-token
 * distribution (`−Σ p log p`, also differentiable).
 */
export function tokenLogProbsAndEntropy(
  model: Qwen2Model,
  ids: tf.Tensor2D,
  attentionMask: tf.Tensor2D,
  opts: LogProbOptions = {},
): { logProbs: tf.Tensor2D; entropy: tf.Tensor2D } {
  return tf.tidy(() => {
    const { logProbs, entropy } = scored(model, ids, attentionMask, opts, true);
    return { logProbs, entropy: entropy! };
  });
}

function scored(
  model: Qwen2Model,
  ids: tf.Tensor2D,
  attentionMask: tf.Tensor2D,
  opts: LogProbOptions,
  withEntropy: boolean,
): { logProbs: tf.Tensor2D; entropy?: tf.Tensor2D } {
  const [B, T] = ids.shape;
  if (T < 2) throw new Error(`tokenLogProbs: need at least 2 tokens per row, got ${T}`);
  const V = model.config.vocab_size;
  const N = B * T;
  let logits = tf.reshape(model.forward(ids, { attentionMask }), [N, V]) as tf.Tensor2D;
  const temp = opts.temperature ?? 1;
  if (temp !== 1) logits = tf.div(logits, temp);
  // Row b·T+t scores ids[b, t+1]; the last position of each row scores nothing (−1).
  const idv = ids.dataSync();
  const targets = new Int32Array(N).fill(-1);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t + 1 < T; t++) {
      const id = idv[b * T + t + 1];
      if (!(id >= 0 && id < V)) throw new Error(`tokenLogProbs: id ${id} outside [0, ${V})`);
      targets[b * T + t] = id;
    }
  }
  const { logp, entropy } = targetLogProbs(logits, tf.tensor1d(targets, "int32"));
  const perRow = (x: tf.Tensor1D) => tf.slice(tf.reshape(x, [B, T]), [0, 0], [B, T - 1]);
  const logProbs = perRow(logp) as tf.Tensor2D;
  if (!withEntropy) return { logProbs };
  return { logProbs, entropy: perRow(entropy) as tf.Tensor2D };
}
