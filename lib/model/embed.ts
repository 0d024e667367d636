/**
 * Token embeddings: rows of the embedding table picked by token id.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";

/** Largest vocabulary embedded by a one-hot matmul instead of a gather. */
export const ONE_HOT_MAX_VOCAB = 1024;

/**
 * Token embeddings `[N, H]`. For small vocabularies a one-hot `[N, V]` matmul (exact: one 1,
 * zeros elsewhere): a matmul and its gradient are fast everywhere, unlike gather (≈40 ns per
 * element on wasm) and its scatter-add gradient.
 */
export function embed(table: tf.Tensor2D, ids: tf.Tensor2D): tf.Tensor2D {
  const [V] = table.shape;
  const N = ids.size;
  if (V > ONE_HOT_MAX_VOCAB) return tf.gather(table, tf.reshape(ids, [N])) as tf.Tensor2D;
  const idv = ids.dataSync();
  const onehot = new Float32Array(N * V);
  for (let n = 0; n < N; n++) {
    const id = idv[n];
    if (!(id >= 0 && id < V)) {
      throw new Error(`Qwen2Model.forward: token id ${id} outside [0, ${V})`);
    }
    onehot[n * V + id] = 1;
  }
  return tf.matMul(tf.tensor2d(onehot, [N, V]), table);
}
