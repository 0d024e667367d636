/**
 * `_FusedMatMul` for wasm-heap backends as matmul, then the wasm backend's own `Add` and
 * activation kernels. Replaces the stock wasm kernel, which mis-applies the bias when the batch
 * is larger than 1, and lets the native backend reuse its sgemm matmul.
 *
 * @module
 */

import {
  _FusedMatMul,
  BatchMatMul,
  type KernelConfig,
  type KernelFunc,
  type NamedTensorInfoMap,
  type TensorInfo,
} from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { runStockWasmKernel } from "./stock_wasm.ts";

/**
 * Multiplies rank-3 `a` by rank-3 `b` (batch sizes equal, or one of them 1) into a new tensor of
 * the backend.
 */
export type MatMulFn = (
  backend: BackendWasm,
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
) => TensorInfo;

/** A `_FusedMatMul` kernel config for `backendName` built on `matMul`. */
export function fusedMatMulConfig(backendName: string, matMul: MatMulFn): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: FusedArgs): TensorInfo => {
    const { a, b, bias, preluActivationWeights } = inputs;
    const { transposeA, transposeB, activation, leakyreluAlpha } = attrs;
    let out = matMul(backend, a, b, transposeA, transposeB);
    const apply = (kernel: string, kernelInputs: NamedTensorInfoMap, kernelAttrs = {}) => {
      const next = runStockWasmKernel(kernel, backend, kernelInputs, kernelAttrs);
      backend.disposeData(out.dataId);
      out = next;
    };
    if (bias) apply("Add", { a: out, b: bias });
    switch (activation ?? "linear") {
      case "linear":
        break;
      case "relu":
        apply("Relu", { x: out });
        break;
      case "relu6":
        apply("Relu6", { x: out });
        break;
      case "elu":
        apply("Elu", { x: out });
        break;
      case "sigmoid":
        apply("Sigmoid", { x: out });
        break;
      case "leakyrelu":
        apply("LeakyRelu", { x: out }, { alpha: leakyreluAlpha ?? 0.2 });
        break;
      case "prelu":
        if (!preluActivationWeights) throw new Error("prelu activation needs prelu weights");
        apply("Prelu", { x: out, alpha: preluActivationWeights });
        break;
      default:
        throw new Error(`Activation ${activation} is not implemented for backend ${backendName}.`);
    }
    return out;
  };
  return { kernelName: _FusedMatMul, backendName, kernelFunc: kernelFunc as unknown as KernelFunc };
}

/** `MatMulFn` using the stock wasm `BatchMatMul` kernel. */
export const wasmMatMul: MatMulFn = (backend, a, b, transposeA, transposeB) =>
  runStockWasmKernel(BatchMatMul, backend, { a, b }, { transposeA, transposeB });

interface FusedArgs {
  inputs: {
    a: TensorInfo;
    b: TensorInfo;
    bias?: TensorInfo;
    preluActivationWeights?: TensorInfo;
  };
  backend: BackendWasm;
  attrs: {
    transposeA: boolean;
    transposeB: boolean;
    activation?: string;
    leakyreluAlpha?: number;
  };
}
