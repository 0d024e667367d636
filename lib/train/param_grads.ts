/**
 * Gradients of a scalar loss with respect to a model's parameters, keyed by parameter name.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

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
  const { value, grads } = tf.variableGrads(loss, varList);
  const lossValue = value.dataSync()[0];
  value.dispose();
  const out = new Map<string, tf.Tensor>();
  for (const [name, g] of Object.entries(grads)) out.set(keyOfVar.get(name) ?? name, g);
  return { loss: lossValue, grads: out };
}
