/**
 * The kernels of the stock tfjs wasm backend, captured before this library replaces some of
 * them, so replacements can delegate to the originals.
 *
 * @module
 */

import "@tensorflow/tfjs-backend-wasm"; // registers the stock kernels
import {
  getKernelsForBackend,
  type KernelConfig,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  type TensorInfo,
} from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

const STOCK = new Map<string, KernelConfig>(
  getKernelsForBackend("wasm").map((k) => [k.kernelName, k]),
);

/** All stock wasm kernel configs. */
export function stockWasmKernels(): KernelConfig[] {
  return [...STOCK.values()];
}

/** Runs the stock wasm kernel `kernelName` on `backend` (a wasm backend instance). */
export function runStockWasmKernel(
  kernelName: string,
  backend: BackendWasm,
  inputs: NamedTensorInfoMap,
  attrs: NamedAttrMap = {},
): TensorInfo {
  const kernel = STOCK.get(kernelName);
  if (!kernel) throw new Error(`the wasm backend has no ${kernelName} kernel`);
  return kernel.kernelFunc({ inputs, backend, attrs }) as TensorInfo;
}

/** The wasm module's heap as bytes (re-read on each call: the heap may grow). */
export function heapBytes(backend: BackendWasm): Uint8Array {
  return (backend.wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8;
}
