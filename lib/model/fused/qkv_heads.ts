/**
 * From the fused q/k/v projection to attention heads: adds the bias, rotates q and k (RoPE, HF
 * `rotate_half`) and lays q, k and v out head-major — one kernel (and one for the gradient)
 * where the backend has them, the composite tfjs chain elsewhere.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import { FUSED, type HeadAttrs } from "../../backend/fused_kernels.ts";
import { hasKernel } from "./available.ts";

/**
 * `qkv` `[N, (nh + 2·nkv)·hd]` (+ `bias`) → q `[B, nh, T, hd]`, k `[B, nkv, T, hd]` (both
 * rotated by the per-token `cos`/`sin` rows `[N, hd]`) and v `[B, nkv, T, hd]`.
 */
export function qkvHeads(
  qkv: tf.Tensor2D,
  bias: tf.Tensor1D,
  cos: tf.Tensor2D,
  sin: tf.Tensor2D,
  dims: HeadAttrs,
): { q: tf.Tensor4D; k: tf.Tensor4D; v: tf.Tensor4D } {
  if (!hasKernel(FUSED.qkvHeads)) return qkvHeadsReference(qkv, bias, cos, sin, dims);
  const [q, k, v] = tf.engine().runKernel(
    FUSED.qkvHeads,
    { qkv, bias, cos, sin },
    { ...dims } as unknown as tf.NamedAttrMap,
  ) as tf.Tensor4D[];
  return { q, k, v };
}

/** The composite definition (what backends without the kernel run, and what tests compare to). */
export function qkvHeadsReference(
  ...[qkv, bias, cos, sin, dims]: Parameters<typeof qkvHeads>
): ReturnType<typeof qkvHeads> {
  const { batch: B, seq: T, heads: nh, kvHeads: nkv, headDim: hd } = dims;
  return tf.tidy(() => {
    const x = tf.reshape(tf.add(qkv, bias), [B, T, nh + 2 * nkv, hd]);
    const [qk, v] = tf.split(x, [nh + nkv, nkv], 2);
    const [lo, hi] = tf.split(qk, 2, 3);
    const c = tf.reshape(cos, [B, T, 1, hd]), s = tf.reshape(sin, [B, T, 1, hd]);
    const rot = tf.add(tf.mul(qk, c), tf.mul(tf.concat([tf.neg(hi), lo], 3), s));
    const [q, k] = tf.split(rot, [nh, nkv], 2);
    const heads = (z: tf.Tensor) => tf.transpose(z, [0, 2, 1, 3]) as tf.Tensor4D;
    return { q: heads(q), k: heads(k), v: heads(v) };
  });
}

tf.registerGradient({
  kernelName: FUSED.qkvHeads,
  inputsToSave: ["cos", "sin"],
  gradFunc: (dy, saved, attrs) => {
    const [dq, dk, dv] = dy as tf.Tensor[];
    const [cos, sin] = saved;
    const dqkv = tf.engine().runKernel(
      FUSED.qkvHeadsGrad,
      { dq, dk, dv, cos, sin },
      attrs,
    ) as tf.Tensor2D;
    return { qkv: () => dqkv, bias: () => tf.sum(dqkv, 0) };
  },
});
