/**
 * Log-probability of each row's target token and the entropy of each row's distribution, from
 * logits `[N, V]`: one pass per row (and one for the gradient) where the backend has the
 * kernels, the log-sum-exp and one-hot chain elsewhere.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import { FUSED } from "../../backend/fused_kernels.ts";
import { hasKernel } from "./available.ts";

/**
 * `logp[n] = logits[n, targets[n]] − logsumexp(logits[n])` (just `−logsumexp` when the target
 * is −1) and `entropy[n] = −Σ p·log p`, both `[N]` and differentiable w.r.t. `logits`.
 */
export function targetLogProbs(
  logits: tf.Tensor2D,
  targets: tf.Tensor1D,
): { logp: tf.Tensor1D; entropy: tf.Tensor1D } {
  if (!hasKernel(FUSED.logProbs)) return targetLogProbsReference(logits, targets);
  const [logp, entropy] = tf.engine().runKernel(
    FUSED.logProbs,
    { logits, targets },
  ) as tf.Tensor1D[];
  return { logp, entropy };
}

/** The composite definition (what backends without the kernel run, and what tests compare to). */
export function targetLogProbsReference(
  logits: tf.Tensor2D,
  targets: tf.Tensor1D,
): { logp: tf.Tensor1D; entropy: tf.Tensor1D } {
  const [N, V] = logits.shape;
  const ids = targets.dataSync();
  const onehot = new Float32Array(N * V);
  for (let n = 0; n < N; n++) if (ids[n] >= 0 && ids[n] < V) onehot[n * V + ids[n]] = 1;
  return tf.tidy(() => {
    const lse = tf.logSumExp(logits, -1);
    const picked = tf.sum(tf.mul(logits, tf.tensor2d(onehot, [N, V])), -1);
    const mean = tf.sum(tf.mul(tf.softmax(logits), logits), -1);
    return { logp: tf.sub(picked, lse) as tf.Tensor1D, entropy: tf.sub(lse, mean) as tf.Tensor1D };
  });
}

tf.registerGradient({
  kernelName: FUSED.logProbs,
  inputsToSave: ["logits", "targets"],
  gradFunc: (dy, saved) => {
    const [dlogp, dent] = dy as tf.Tensor[];
    const [logits, targets] = saved;
    return {
      logits: () => tf.engine().runKernel(FUSED.logProbsGrad, { logits, targets, dlogp, dent }),
    };
  },
});
