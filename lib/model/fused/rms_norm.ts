/**
 * RMSNorm without gain (the gain is folded into the next matmul): one fused kernel and one for
 * its gradient where the backend has them (`native`), the composite tfjs chain elsewhere.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import { FUSED } from "../../backend/fused_kernels.ts";
import { hasKernel } from "./available.ts";

/** `x / sqrt(mean(x²) + eps)` over the last axis. */
export function rmsNorm<T extends tf.Tensor>(x: T, eps: number): T {
  if (!hasKernel(FUSED.rmsNorm)) return rmsNormReference(x, eps);
  return tf.engine().runKernel(FUSED.rmsNorm, { x }, { eps }) as T;
}

/** The composite definition (what backends without the kernel run, and what tests compare to). */
export function rmsNormReference<T extends tf.Tensor>(x: T, eps: number): T {
  return tf.tidy(() => tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), eps))));
}

tf.registerGradient({
  kernelName: FUSED.rmsNorm,
  inputsToSave: ["x"],
  gradFunc: (dy, saved, attrs) => ({
    x: () => tf.engine().runKernel(FUSED.rmsNormGrad, { x: saved[0], dy: dy as tf.Tensor }, attrs),
  }),
});
