/**
 * `Sum` over leading axes (e.g. bias gradients, `[N, C]` → `[C]`) for wasm-heap backends, as a
 * row accumulation. The stock wasm kernel first transposes the reduced axes innermost, which
 * costs far more than the sum itself; other reductions still go to it.
 *
 * @module
 */

import {
  backend_util,
  type KernelConfig,
  type KernelFunc,
  Sum,
  type TensorInfo,
  util,
} from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { runStockWasmKernel } from "./stock_wasm.ts";

/** `out[j] = Σ_r x[r·inner + j]` over `rows` rows, accumulated in float64. */
export function sumRowsInto(x: Float32Array, rows: number, inner: number, out: Float32Array): void {
  const acc = new Float64Array(inner);
  for (let r = 0; r < rows; r++) {
    const off = r * inner;
    for (let j = 0; j < inner; j++) acc[j] += x[off + j];
  }
  out.set(acc);
}

/**
 * Kernel configs of `Sum` for the given wasm-heap backends; `rowsInto` (same contract and bits
 * as {@linkcode sumRowsInto}, the default) does the leading-axes sums.
 */
export function sumKernels(backendNames: string[], rowsInto = sumRowsInto): KernelConfig[] {
  const kernelFunc = ((args: SumArgs) => sum(args, rowsInto)) as unknown as KernelFunc;
  return backendNames.map((backendName) => ({ kernelName: Sum, backendName, kernelFunc }));
}

interface SumArgs {
  inputs: { x: TensorInfo };
  backend: BackendWasm;
  attrs: { axis: number | number[]; keepDims: boolean };
}

function sum({ inputs, backend, attrs }: SumArgs, rowsInto: typeof sumRowsInto): TensorInfo {
  const { x } = inputs;
  const axes = util.parseAxisParam(attrs.axis, x.shape);
  const split = leadingSplit(x.shape, axes);
  if (x.dtype !== "float32" || split === null) {
    return runStockWasmKernel(Sum, backend, { x }, attrs as never);
  }
  let [outShape] = backend_util.computeOutAndReduceShapes(x.shape, axes);
  if (attrs.keepDims) outShape = backend_util.expandShapeToKeepDim(outShape, axes);
  const out = backend.makeOutput(outShape, "float32");
  const view = (t: TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
  rowsInto(view(x), split.rows, split.inner, view(out));
  return out;
}

/**
 * When the reduced axes (ignoring size-1 dims) all come before the kept ones, and both sides are
 * non-trivial, returns the row count and row length; else null (the stock kernel is as good).
 */
function leadingSplit(shape: readonly number[], axes: readonly number[]) {
  const reduced = new Set(axes);
  let rows = 1, inner = 1, seenKept = false;
  for (let a = 0; a < shape.length; a++) {
    if (shape[a] === 1) continue;
    if (reduced.has(a)) {
      if (seenKept) return null;
      rows *= shape[a];
    } else {
      seenKept = true;
      inner *= shape[a];
    }
  }
  return rows > 1 && inner > 1 ? { rows, inner } : null;
}
