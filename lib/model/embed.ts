/**
 * Token embeddings: rows of the embedding table picked by token id.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";

/** Largest vocabulary embedded by a one-hot matmul instead of a gather. */
const ONE_HOT_MAX_VOCAB = 1024;

/**
 * Token embeddings `[N, H]`. For small vocabularies ({@linkcode embedsByOneHot}) a one-hot
 * `[N, V]` matmul (exact: one 1, zeros elsewhere; −0 comes out +0): a matmul and its gradient
 * are fast everywhere, unlike gather (≈40 ns per element on wasm) and its scatter-add gradient.
 */
export function embed(table: tf.Tensor2D, ids: tf.Tensor2D): tf.Tensor2D {
  const [V] = table.shape;
  const N = ids.size;
  if (!embedsByOneHot(V)) return tf.gather(table, tf.reshape(ids, [N])) as tf.Tensor2D;
  const idv = ids.dataSync();
  checkTokenIds(idv, V);
  const onehot = new Float32Array(N * V);
  for (let n = 0; n < N; n++) onehot[n * V + idv[n]] = 1;
  return tf.matMul(tf.tensor2d(onehot, [N, V]), table);
}

/** Whether {@linkcode embed} embeds a vocabulary of `V` tokens by a one-hot matmul. */
export function embedsByOneHot(V: number): boolean {
  return V <= ONE_HOT_MAX_VOCAB;
}

/** Throws a one-line error on the first id outside `[0, V)`. */
export function checkTokenIds(ids: ArrayLike<number>, V: number): void {
  for (let n = 0; n < ids.length; n++) {
    const id = ids[n];
    if (!(id >= 0 && id < V)) {
      throw new Error(`Qwen2Model.forward: token id ${id} outside [0, ${V})`);
    }
  }
}
