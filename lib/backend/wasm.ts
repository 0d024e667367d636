/**
 * Starts the tfjs wasm backend (XNNPACK, SIMD when the runtime has it), adds the kernel it lacks
 * for training (`UnsortedSegmentSum`), replaces its `_FusedMatMul` (wrong for batched bias) and
 * its slow `Slice`/`SplitV`/leading-axes `Sum`/broadcasting comparisons.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import type { KernelConfig } from "@tensorflow/tfjs-core";
import { type BackendWasm, getThreadsCount, setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import type { Attempt } from "./attempt.ts";
import { compareKernels } from "./compare.ts";
import { fusedMatMulConfig, wasmMatMul } from "./fused_matmul.ts";
import { replaceKernel } from "./kernels.ts";
import { identityKernels } from "./identity.ts";
import { segmentSumKernels } from "./segment_sum.ts";
import { sliceKernels } from "./slice.ts";
import { sumKernels } from "./sum.ts";

let pathsSet = false;

/**
 * Initialises the wasm backend and makes it active. Returns the backend instance (shared with
 * the native backend) on success.
 */
export async function initWasm(): Promise<Attempt & { backend?: BackendWasm }> {
  try {
    if (!pathsSet) {
      const require = createRequire(import.meta.url);
      setWasmPaths(dirname(require.resolve("@tensorflow/tfjs-backend-wasm")) + "/");
      pathsSet = true;
    }
    if (!(await tf.setBackend("wasm"))) {
      return { ok: false, reason: "wasm backend failed to initialise (see warning above)" };
    }
  } catch (e) {
    return { ok: false, reason: `wasm backend unavailable: ${(e as Error).message}` };
  }
  for (const config of wasmHeapKernels("wasm")) replaceKernel(config);
  replaceKernel(fusedMatMulConfig("wasm", wasmMatMul));
  const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
  const threads = getThreadsCount();
  return {
    ok: true,
    reason: `tfjs wasm (${simd ? "SIMD" : "no SIMD"}, ${threads} thread${
      threads === 1 ? "" : "s"
    })`,
    backend: tf.findBackend("wasm") as BackendWasm,
  };
}

/**
 * JS kernels working in place on the wasm heap, for `backendName` (wasm or native): the missing
 * `UnsortedSegmentSum`, and faster `Slice`, `SplitV`, `Sum`, broadcasting comparisons and a
 * zero-copy `Identity`.
 */
export function wasmHeapKernels(backendName: string): KernelConfig[] {
  return [
    ...segmentSumKernels([backendName], false),
    ...sliceKernels([backendName]),
    ...sumKernels([backendName]),
    ...compareKernels([backendName]),
    ...identityKernels([backendName]),
  ];
}
