/**
 * Gradients of a scalar loss with respect to a model's parameters, keyed by parameter name.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { phase } from "../profile/phases.ts";

/**
 * Runs `loss` under `tf.variableGrads` over the trainable variables of `params` and returns the
 * loss value and the gradients keyed like `params` (the caller disposes the gradients).
 */
export function paramGrads(
  loss: () => tf.Scalar,
  params: Map<string, tf.Variable>,
): { loss: number; grads: Map<string, tf.Tensor> } {
  const keyOfVar = new Map<string, string>();
  const varList: tf.Variable[] = [];
  for (const [key, v] of params) {
    if (!v.trainable) continue;
    keyOfVar.set(v.name, key);
    varList.push(v);
  }
  // Profiled as "forward" (the loss, recorded on the tape) inside "backward" (the rest).
  const { value, grads } = phase(
    "backward",
    () => tf.variableGrads(() => phase("forward", loss), varList),
  );
  const lossValue = phase("backward", () => value.dataSync()[0]);
  value.dispose();
  const out = new Map<string, tf.Tensor>();
  for (const [name, g] of Object.entries(grads)) out.set(keyOfVar.get(name) ?? name, g);
  return { loss: lossValue, grads: out };
}

/**
 * Gradient accumulation: {@linkcode paramGrads} over each chunk of a batch, summed. Each chunk's
 * loss must already carry its share of the batch normalizer, so the sum is the batch loss.
 * Bounds the memory of a step by the largest chunk instead of the whole batch. No chunks: loss 0
 * and a zero gradient for every trainable parameter (an optimizer still steps on it, as torch
 * does on zero gradients).
 */
export function accumulatedGrads<C>(
  chunks: readonly C[],
  loss: (chunk: C) => tf.Scalar,
  params: Map<string, tf.Variable>,
): { loss: number; grads: Map<string, tf.Tensor> } {
  let total = 0;
  let acc: Map<string, tf.Tensor> | undefined;
  for (const chunk of chunks) {
    const r = paramGrads(() => loss(chunk), params);
    total += r.loss;
    if (!acc) {
      acc = r.grads;
      continue;
    }
    const sum = acc;
    phase("backward", () => {
      for (const [k, g] of r.grads) {
        const prev = sum.get(k);
        sum.set(k, prev ? tf.add(prev, g) : g);
        if (prev) {
          prev.dispose();
          g.dispose();
        }
      }
    });
  }
  return { loss: total, grads: acc ?? zeroGrads(params) };
}

function zeroGrads(params: Map<string, tf.Variable>): Map<string, tf.Tensor> {
  const out = new Map<string, tf.Tensor>();
  for (const [key, v] of params) if (v.trainable) out.set(key, tf.zerosLike(v));
  return out;
}

/**
 * Splits `rows` into consecutive chunks whose padded size (rows × longest row) stays within
 * `maxTokens` — at least one row per chunk.
 */
export function chunkByTokens<R>(
  rows: readonly R[],
  length: (r: R) => number,
  maxTokens: number,
): R[][] {
  const out: R[][] = [];
  let cur: R[] = [];
  let longest = 0;
  for (const r of rows) {
    const l = Math.max(longest, length(r));
    if (cur.length > 0 && (cur.length + 1) * l > maxTokens) {
      out.push(cur);
      cur = [];
      longest = 0;
    }
    cur.push(r);
    longest = Math.max(longest, length(r));
  }
  if (cur.length > 0) out.push(cur);
  return out;
}
