/**
 * `Add` of the `native` backend: two float32 tensors of one shape (the residual stream and the
 * gradients the engine sums) in one pass of `ssr_add` over the fused library's threads, on the
 * wasm heap. Broadcasting and other dtypes go to the stock wasm kernel.
 *
 * @module
 */

import {
  Add,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  util,
} from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { heapF32 } from "./fused_kernels.ts";
import type { FusedLib } from "./fused_lib.ts";
import { runStockWasmKernel } from "./stock_wasm.ts";

/** Kernel config of `Add` for `backendName`, same-shape float32 sums computed by `lib`. */
export function addKernel(lib: FusedLib, backendName: string): KernelConfig {
  const add = ({ inputs: { a, b }, backend }: Args): TensorInfo => {
    const same = a.dtype === "float32" && b.dtype === "float32" &&
      util.arraysEqual(a.shape, b.shape);
    if (!same) return runStockWasmKernel(Add, backend, { a, b });
    const out = backend.makeOutput(a.shape, "float32");
    const view = (t: TensorInfo) => heapF32(backend, t);
    lib.ssr_add(view(a), view(b), view(out), util.sizeFromShape(a.shape));
    return out;
  };
  return { kernelName: Add, backendName, kernelFunc: add as unknown as KernelFunc };
}

interface Args {
  inputs: { a: TensorInfo; b: TensorInfo };
  backend: BackendWasm;
}
