/**
 * Whether the active tfjs backend has a kernel: the fused ops run theirs when it does, their
 * composite reference otherwise.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";

/** True when `kernelName` is registered for the active backend. */
export function hasKernel(kernelName: string): boolean {
  return tf.getKernel(kernelName, tf.getBackend()) !== undefined;
}
