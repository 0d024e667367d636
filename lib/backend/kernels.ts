/**
 * Small helpers for (re-)registering tfjs kernels.
 *
 * @module
 */

import {
  getKernel,
  type KernelConfig,
  registerKernel,
  unregisterKernel,
} from "@tensorflow/tfjs-core";

/** Registers `config`, first removing any kernel already registered under the same name. */
export function replaceKernel(config: KernelConfig): void {
  if (getKernel(config.kernelName, config.backendName)) {
    unregisterKernel(config.kernelName, config.backendName);
  }
  registerKernel(config);
}
