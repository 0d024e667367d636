/**
 * A whole step of incremental decoding (no gradient): the token embeddings, every decoder layer
 * over its KV cache ({@linkcode cachedDecoderLayer}, each appending this call's keys and values),
 * then the final RMSNorm and the LM head. Where the backend has the kernel (`native`) it is one
 * kernel call and one parallel region running the same C kernels in the same order as the ops one
 * by one (the same bits): the worker threads are woken once per token instead of once per layer,
 * and the step's tfjs dispatch, tensors and FFI calls shrink from ~L + 4 to one. Elsewhere: the
 * embedding, the layers, then the norm and the matmul.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import { FUSED, type HeadAttrs } from "../../backend/fused_kernels.ts";
import {
  DECODER_LAYER_INPUTS,
  decoderInputNames,
  type DecoderLayerInput,
} from "../../backend/decoder_kernels.ts";
import type { KVCache } from "../kv_cache.ts";
import type { PreparedWeights } from "../qwen2.ts";
import { checkTokenIds, embed, embedsByOneHot } from "../embed.ts";
import { hasKernel } from "./available.ts";
import { cacheSlots } from "./cached_attention.ts";
import { cachedDecoderLayer } from "./decoder_layer.ts";
import { rmsNorm } from "./rms_norm.ts";

/**
 * Logits `[B·T, V]` (with `lastOnly`, `[B, V]`: each batch row's last position) of the tokens
 * `ids` `[B, T]`, embedded ({@linkcode embed}) and sent through every layer of `w` (weights as
 * {@linkcode PreparedWeights} lays them out; `w.lm` has the final norm's gain folded in),
 * attending to the cache (slots `0 … past−1`, `keyMask` `[B, past+T]`, RoPE rows `cos`/`sin`
 * `[B·T, hd]`) and appending this call's keys and values to it. Throws on an id outside
 * `[0, V)`.
 */
export function cachedDecoder(
  ids: tf.Tensor2D,
  w: PreparedWeights,
  cos: tf.Tensor2D,
  sin: tf.Tensor2D,
  dims: HeadAttrs,
  cache: KVCache,
  keyMask: tf.Tensor2D,
  past: number,
  eps: number,
  lastOnly: boolean,
): tf.Tensor2D {
  const [V] = w.embed.shape;
  if (!hasKernel(FUSED.cachedDecoder)) {
    return cachedDecoderReference(ids, w, cos, sin, dims, cache, keyMask, past, eps, lastOnly);
  }
  checkTokenIds(ids.dataSync(), V);
  const inputs: tf.NamedTensorMap = { ids, embed: w.embed, lm: w.lm, cos, sin, keyMask };
  w.layers.forEach((lw, l) => {
    const byName: Record<DecoderLayerInput, tf.Tensor> = {
      ...lw,
      ...cacheSlots(cache, l, dims, past),
    };
    const names = decoderInputNames(l);
    for (const name of DECODER_LAYER_INPUTS) inputs[names[name]] = byName[name];
  });
  return tf.engine().runKernel(
    FUSED.cachedDecoder,
    inputs,
    {
      ...dims,
      past,
      eps,
      layers: w.layers.length,
      lastOnly: lastOnly ? 1 : 0,
      plusZero: embedsByOneHot(V) ? 1 : 0, // as embed(): −0 → +0 by the one-hot matmul
    } as unknown as tf.NamedAttrMap,
  ) as tf.Tensor2D;
}

/**
 * The composite definition: the embedding, the layers one by one, the last positions, the norm,
 * the matmul.
 */
export function cachedDecoderReference(
  ...[ids, w, cos, sin, dims, cache, keyMask, past, eps, lastOnly]: Parameters<
    typeof cachedDecoder
  >
): tf.Tensor2D {
  const { batch: B, seq: T } = dims;
  return tf.tidy(() => {
    let h = embed(w.embed, ids);
    w.layers.forEach((lw, l) => {
      h = cachedDecoderLayer(h, lw, cos, sin, dims, cache, l, keyMask, past, eps);
    });
    if (lastOnly && T > 1) {
      h = tf.reshape(tf.slice(tf.reshape(h, [B, T, -1]), [0, T - 1, 0], [B, 1, -1]), [B, -1]);
    }
    return tf.matMul(rmsNorm(h, eps), w.lm) as tf.Tensor2D;
  });
}
