/**
 * Attention of one forward's queries over a KV cache, appending that forward's keys and values
 * to it (incremental decoding; no gradient), from the fused q/k/v projection. Where the backend
 * has the kernel, one call adds the bias, rotates q and k (RoPE), writes k and v into
 * preallocated cache slots in place — keys transposed, `[B, nkv, hd, capacity]`, values
 * `[B, nkv, capacity, hd]` — and computes scores, masked softmax and the weighted sum of values
 * in one pass per query: no q/k/v head tensors, no concat of the whole cache per token, no
 * batched matmuls of one row each. Elsewhere: {@linkcode qkvHeads}, then concat, matmuls and the
 * attention softmax, keys `[B, nkv, S, hd]`.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import { FUSED, type HeadAttrs } from "../../backend/fused_kernels.ts";
import type { KVCache } from "../kv_cache.ts";
import { hasKernel } from "./available.ts";
import { attentionSoftmax } from "./attention_softmax.ts";
import { qkvHeads } from "./qkv_heads.ts";

/**
 * The queries of `qkv` `[B·T, (nh + 2·nkv)·hd]` (+ `bias`, rotated by the per-token `cos`/`sin`
 * rows `[B·T, hd]`, as {@linkcode qkvHeads}) attend to the cached keys/values of `layer` (slots
 * `0 … past−1`) and to this call's keys and values, which are appended to the cache. `keyMask`
 * `[B, past+T]` marks real tokens. Returns `[B, T, nh, hd]`. Heads h = kv·(nh/nkv) + j share kv
 * head kv.
 */
export function cachedAttention(
  qkv: tf.Tensor2D,
  bias: tf.Tensor1D,
  cos: tf.Tensor2D,
  sin: tf.Tensor2D,
  dims: HeadAttrs,
  cache: KVCache,
  layer: number,
  keyMask: tf.Tensor2D,
  past: number,
): tf.Tensor4D {
  if (!hasKernel(FUSED.cachedAttention)) {
    return cachedAttentionReference(qkv, bias, cos, sin, dims, cache, layer, keyMask, past);
  }
  const { kc, vc } = cacheSlots(cache, layer, dims, past);
  return tf.engine().runKernel(
    FUSED.cachedAttention,
    { qkv, bias, cos, sin, kc, vc, keyMask },
    { ...dims, past } as unknown as tf.NamedAttrMap,
  ) as tf.Tensor4D;
}

/**
 * The composite definition: {@linkcode qkvHeads}, concat onto the cache, scores, attention
 * softmax, values.
 */
export function cachedAttentionReference(
  ...[qkv, bias, cos, sin, dims, cache, layer, keyMask, past]: Parameters<typeof cachedAttention>
): tf.Tensor4D {
  const { batch: B, seq: T, heads: nh, kvHeads: nkv, headDim: hd } = dims;
  const g = nh / nkv, S = past + T;
  return tf.tidy(() => {
    const { q, k, v } = qkvHeads(qkv, bias, cos, sin, dims);
    let keys = k, values = v;
    if (past > 0) {
      const head = (t: tf.Tensor4D) => tf.slice(t, [0, 0, 0, 0], [-1, -1, past, -1]);
      keys = tf.concat([head(cache.keys[layer]), k], 2);
      values = tf.concat([head(cache.values[layer]), v], 2);
    }
    cache.setLayer(layer, keys, values);
    const scores = tf.matMul(
      tf.reshape(q, [B * nkv, g * T, hd]),
      tf.reshape(keys, [B * nkv, S, hd]),
      false,
      true,
    );
    const probs = attentionSoftmax(tf.reshape(scores, [B, nh, T, S]), keyMask, past);
    const att = tf.matMul(
      tf.reshape(probs, [B * nkv, g * T, S]),
      tf.reshape(values, [B * nkv, S, hd]),
    );
    return tf.transpose(tf.reshape(att, [B, nh, T, hd]), [0, 2, 1, 3]) as tf.Tensor4D;
  });
}

/**
 * Layer `layer`'s cache tensors as the kernels take them, with room for `dims.seq` more slots
 * after `past` (keys `[B, nkv, hd, capacity]`, values `[B, nkv, capacity, hd]`, capacity a
 * multiple of 8, at least `cache.reserve`; grown ×2 when full, the first `past` slots kept).
 */
export function cacheSlots(
  cache: KVCache,
  layer: number,
  dims: HeadAttrs,
  past: number,
): { kc: tf.Tensor4D; vc: tf.Tensor4D } {
  const { batch: B, seq: T, kvHeads: nkv, headDim: hd } = dims;
  let kc = cache.keys[layer], vc = cache.values[layer];
  const needed = past + T;
  const capacity = vc?.shape[2] ?? 0;
  if (!kc || !vc || capacity < needed) {
    const grown = 8 * Math.ceil(Math.max(needed, cache.reserve, 2 * capacity) / 8); // kernel: ×8
    kc = kc ? grow(kc, 3, past, grown) : tf.fill([B, nkv, hd, grown], 0);
    vc = vc ? grow(vc, 2, past, grown) : tf.fill([B, nkv, grown, hd], 0);
    cache.setLayer(layer, kc, vc);
  }
  return { kc, vc };
}

/** A copy of cache `t` with `capacity` slots along `axis`, the first `used` kept. */
function grow(t: tf.Tensor4D, axis: number, used: number, capacity: number): tf.Tensor4D {
  return tf.tidy(() => {
    const size = [-1, -1, -1, -1], pad: [number, number][] = [[0, 0], [0, 0], [0, 0], [0, 0]];
    size[axis] = used;
    pad[axis] = [0, capacity - used];
    return tf.pad(tf.slice(t, [0, 0, 0, 0], size), pad) as tf.Tensor4D;
  });
}
