/**
 * SwiGLU of a fused gate/up projection: `silu(gate)·up` from `[…, 2I]` = `[gate | up]`, as one
 * kernel (and one for the gradient) where the backend has them, the tfjs chain elsewhere.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import { FUSED } from "../../backend/fused_kernels.ts";
import { hasKernel } from "./available.ts";

/** `[…, 2I]` → `[…, I]`: `gate·sigmoid(gate)·up` with gate and up the two halves. */
export function swiGlu<T extends tf.Tensor>(gu: T): T {
  if (!hasKernel(FUSED.swiGlu)) return swiGluReference(gu);
  return tf.engine().runKernel(FUSED.swiGlu, { gu }) as T;
}

/** The composite definition (what backends without the kernel run, and what tests compare to). */
export function swiGluReference<T extends tf.Tensor>(gu: T): T {
  return tf.tidy(() => {
    const [gate, up] = tf.split(gu, 2, -1);
    return tf.mul(tf.mul(gate, tf.sigmoid(gate)), up) as T;
  });
}

tf.registerGradient({
  kernelName: FUSED.swiGlu,
  inputsToSave: ["gu"],
  gradFunc: (dy, saved) => ({
    gu: () => tf.engine().runKernel(FUSED.swiGluGrad, { gu: saved[0], dy: dy as tf.Tensor }),
  }),
});
