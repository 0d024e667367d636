/**
 * A whole decoder layer of incremental decoding (no gradient) on the residual stream: RMSNorm,
 * the q/k/v matmul, attention over the KV cache ({@linkcode cachedAttention}, which appends this
 * call's keys and values), o_proj and residual, RMSNorm, the gate/up matmul, SwiGLU, down_proj
 * and residual. Where the backend has the kernel (`native`) it is one kernel call running the
 * same C kernels in the same order as the ops one by one (the same bits): a decode step's ~11
 * ops per layer, with their dispatch, tensors and FFI calls, become one. Elsewhere: those ops.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import { FUSED, type HeadAttrs } from "../../backend/fused_kernels.ts";
import type { KVCache } from "../kv_cache.ts";
import type { PreparedWeights } from "../qwen2.ts";
import { hasKernel } from "./available.ts";
import { cachedAttention, cacheSlots } from "./cached_attention.ts";
import { rmsNorm } from "./rms_norm.ts";
import { swiGlu } from "./swiglu.ts";

/**
 * `x` `[B·T, H]` through one layer (weights `w` as {@linkcode PreparedWeights} lays them out),
 * attending to the cache of `layer` (slots `0 … past−1`, `keyMask` `[B, past+T]`, RoPE rows
 * `cos`/`sin` `[B·T, hd]`) and appending this call's keys and values to it. Returns the new
 * `[B·T, H]`.
 */
export function cachedDecoderLayer(
  x: tf.Tensor2D,
  w: PreparedWeights["layers"][number],
  cos: tf.Tensor2D,
  sin: tf.Tensor2D,
  dims: HeadAttrs,
  cache: KVCache,
  layer: number,
  keyMask: tf.Tensor2D,
  past: number,
  eps: number,
): tf.Tensor2D {
  if (!hasKernel(FUSED.cachedDecoderLayer)) {
    return cachedDecoderLayerReference(x, w, cos, sin, dims, cache, layer, keyMask, past, eps);
  }
  const { kc, vc } = cacheSlots(cache, layer, dims, past);
  return tf.engine().runKernel(
    FUSED.cachedDecoderLayer,
    { x, ...w, cos, sin, kc, vc, keyMask },
    { ...dims, past, eps } as unknown as tf.NamedAttrMap,
  ) as tf.Tensor2D;
}

/** The composite definition: the layer's ops one by one. */
export function cachedDecoderLayerReference(
  ...[x, w, cos, sin, dims, cache, layer, keyMask, past, eps]: Parameters<
    typeof cachedDecoderLayer
  >
): tf.Tensor2D {
  const { batch: B, seq: T, heads: nh, headDim: hd } = dims;
  return tf.tidy(() => {
    const qkv = tf.matMul(rmsNorm(x, eps), w.qkv) as tf.Tensor2D;
    const att = cachedAttention(qkv, w.qkvBias, cos, sin, dims, cache, layer, keyMask, past);
    const h = tf.add(x, tf.matMul(tf.reshape(att, [B * T, nh * hd]), w.o));
    const gu = tf.matMul(rmsNorm(h, eps), w.gateUp);
    return tf.add(h, tf.matMul(swiGlu(gu), w.down)) as tf.Tensor2D;
  });
}
