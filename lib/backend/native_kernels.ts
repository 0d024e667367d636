/**
 * `BatchMatMul` and `_FusedMatMul` kernels that run `cblas_sgemm` directly on the wasm backend's
 * heap: inputs are read through Float32Array views at each tensor's memory offset and the
 * output, allocated by the wasm backend, is filled in place.
 *
 * @module
 */

import {
  BatchMatMul,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import type { Blas } from "./blas.ts";
import { fusedMatMulConfig } from "./fused_matmul.ts";
import { planMatMul, sgemmBatched } from "./matmul.ts";

/**
 * Kernel configs of `BatchMatMul` and `_FusedMatMul` for `backendName`, computed by `blas`;
 * `before` (if given) runs before each.
 */
export function nativeMatMulKernels(
  blas: Blas,
  backendName: string,
  before?: () => void,
): KernelConfig[] {
  const batchMatMul = ({ inputs, backend, attrs }: BatchMatMulArgs): TensorInfo => {
    before?.();
    return matMulOnHeap(
      blas,
      backend,
      inputs.a,
      inputs.b,
      attrs.transposeA,
      attrs.transposeB,
      false,
    );
  };
  const fusedMatMul = (
    backend: BackendWasm,
    a: TensorInfo,
    b: TensorInfo,
    transposeA: boolean,
    transposeB: boolean,
  ) => {
    before?.();
    return matMulOnHeap(blas, backend, a, b, transposeA, transposeB, true);
  };
  return [
    { kernelName: BatchMatMul, backendName, kernelFunc: batchMatMul as unknown as KernelFunc },
    fusedMatMulConfig(backendName, fusedMatMul),
  ];
}

interface BatchMatMulArgs {
  inputs: { a: TensorInfo; b: TensorInfo };
  backend: BackendWasm;
  attrs: { transposeA: boolean; transposeB: boolean };
}

function matMulOnHeap(
  blas: Blas,
  backend: BackendWasm,
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  flatBatch: boolean,
): TensorInfo {
  if (a.dtype !== "float32" || b.dtype !== "float32") {
    throw new Error(`matMul of ${a.dtype} by ${b.dtype}: only float32 is supported.`);
  }
  const plan = planMatMul(a.shape, b.shape, transposeA, transposeB, flatBatch);
  const out = backend.makeOutput(plan.outShape, "float32");
  // Views are taken after allocating the output: a heap growth detaches older views.
  const view = (t: TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
  sgemmBatched(blas, plan, view(a), view(b), view(out));
  return out;
}
