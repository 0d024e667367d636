/**
 * Causal grouped-query self-attention of one forward without a cache: scores, the masked
 * softmax and the weighted values, output `[B, T, nh, hd]`. One kernel (and one for the
 * gradient) where the backend has them — blocked sgemm that skips the keys above the diagonal,
 * C softmax, no transposes — the matmul, attention-softmax and transpose chain elsewhere.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import { FUSED } from "../../backend/fused_kernels.ts";
import { hasKernel } from "./available.ts";
import { attentionSoftmax } from "./attention_softmax.ts";

/**
 * `q` `[B, nh, T, hd]` (already scaled by 1/√hd) over `k`, `v` `[B, nkv, T, hd]` (heads
 * h = kv·(nh/nkv) + j share kv head kv), causal, keys with `keyMask` `[B, T]` = 0 hidden; a
 * query that sees no key gets 0. Returns `[B, T, nh, hd]`.
 */
export function attention(
  q: tf.Tensor4D,
  k: tf.Tensor4D,
  v: tf.Tensor4D,
  keyMask: tf.Tensor2D,
): tf.Tensor4D {
  if (!hasKernel(FUSED.attention)) return attentionReference(q, k, v, keyMask);
  return fusedAttention(q, k, v, keyMask) as tf.Tensor4D;
}

/**
 * The kernel as a custom-gradient op: the probabilities it also returns are saved for the
 * gradient kernel, not a second output of the op (an unused output gets a gradient of zeros
 * the size of the scores, made on every backward pass).
 */
const fusedAttention = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [q, k, v, keyMask] = args as tf.Tensor[];
  const save = args[4] as tf.GradSaveFunc;
  const [att, probs] = tf.engine().runKernel(FUSED.attention, { q, k, v, keyMask }) as tf.Tensor[];
  save([q, k, v, probs]);
  return {
    value: att,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sq, sk, sv, sp] = saved;
      const [dq, dk, dv] = tf.engine().runKernel(
        FUSED.attentionGrad,
        { dy, probs: sp, q: sq, k: sk, v: sv },
      ) as tf.Tensor[];
      return [dq, dk, dv, tf.zerosLike(keyMask)];
    },
  };
});

/**
 * The composite definition (what backends without the kernel run, and what tests compare to).
 * On the stock wasm backend, whose matmul is 2–10× slower with a transposed operand, the keys
 * are transposed once instead.
 */
export function attentionReference(
  q: tf.Tensor4D,
  k: tf.Tensor4D,
  v: tf.Tensor4D,
  keyMask: tf.Tensor2D,
): tf.Tensor4D {
  const [B, nh, T, hd] = q.shape, nkv = k.shape[1], g = nh / nkv;
  return tf.tidy(() => {
    const qg = tf.reshape(q, [B * nkv, g * T, hd]);
    const scores = tf.getBackend() === "wasm"
      ? tf.matMul(qg, tf.reshape(tf.transpose(k, [0, 1, 3, 2]), [B * nkv, hd, T]))
      : tf.matMul(qg, tf.reshape(k, [B * nkv, T, hd]), false, true);
    const probs = attentionSoftmax(tf.reshape(scores, [B, nh, T, T]), keyMask, 0);
    const att = tf.matMul(tf.reshape(probs, [B * nkv, g * T, T]), tf.reshape(v, [B * nkv, T, hd]));
    return tf.transpose(tf.reshape(att, [B, nh, T, hd]), [0, 2, 1, 3]) as tf.Tensor4D;
  });
}
