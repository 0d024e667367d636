/**
 * The attention softmax: scores `[B, H, T, S]` to probabilities over the keys each query may
 * see — causal (query t sits at key slot `past + t`) and not padding (`keyMask[b, s] = 1`).
 * One kernel where the backend has it (masked keys are skipped, not added −1e9), the bias-add
 * and softmax chain elsewhere. A query that sees no key (a padding query: its output is never
 * attended to) gets all-zero weights in both.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import { FUSED } from "../../backend/fused_kernels.ts";
import { hasKernel } from "./available.ts";

/** Masked softmax of `scores` `[B, H, T, S]` with `keyMask` `[B, S]` (1 real, 0 padding). */
export function attentionSoftmax(
  scores: tf.Tensor4D,
  keyMask: tf.Tensor2D,
  past: number,
): tf.Tensor4D {
  if (!hasKernel(FUSED.attnSoftmax)) return attentionSoftmaxReference(scores, keyMask, past);
  return tf.engine().runKernel(FUSED.attnSoftmax, { scores, keyMask }, { past }) as tf.Tensor4D;
}

/**
 * The composite definition: `softmax(scores + bias)` with bias 0 where the key is visible and
 * −1e9 elsewhere, times 0 on rows that see no key (what backends without the kernel run, and
 * what tests compare to).
 */
export function attentionSoftmaxReference(
  scores: tf.Tensor4D,
  keyMask: tf.Tensor2D,
  past: number,
): tf.Tensor4D {
  const [B, H, T, S] = scores.shape;
  const mask = keyMask.dataSync();
  const bias = new Float32Array(B * H * T * S);
  const block = new Float32Array(T * S);
  const seen = new Float32Array(B * T);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      for (let s = 0; s < S; s++) {
        const visible = mask[b * S + s] && s <= past + t;
        block[t * S + s] = visible ? 0 : -1e9;
        if (visible) seen[b * T + t] = 1;
      }
    }
    for (let h = 0; h < H; h++) bias.set(block, (b * H + h) * T * S);
  }
  return tf.tidy(() => {
    const probs = tf.softmax(tf.add(scores, tf.tensor4d(bias, [B, H, T, S]))) as tf.Tensor4D;
    return seen.every((x) => x === 1) ? probs : tf.mul(probs, tf.tensor4d(seen, [B, 1, T, 1]));
  });
}

tf.registerGradient({
  kernelName: FUSED.attnSoftmax,
  outputsToSave: [true],
  gradFunc: (dy, saved) => ({
    scores: () => tf.engine().runKernel(FUSED.softmaxGrad, { y: saved[0], dy: dy as tf.Tensor }),
  }),
});
