/**
 * Broadcasting comparisons (`Equal`, `Less`, …) for wasm-heap backends. The stock wasm kernels
 * take a per-element slow path whenever the shapes differ (≈50 ms for `[8192, 100]` vs
 * `[8192, 1]`, as in the gradient of `max`); same-shape calls still go to them.
 *
 * @module
 */

import {
  backend_util,
  Equal,
  Greater,
  GreaterEqual,
  type KernelConfig,
  type KernelFunc,
  Less,
  LessEqual,
  NotEqual,
  type TensorInfo,
  util,
} from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { runStockWasmKernel } from "./stock_wasm.ts";

type Numbers = Float32Array | Int32Array | Uint8Array;

const COMPARISONS: Record<string, (x: number, y: number) => boolean> = {
  [Equal]: (x, y) => x === y,
  [NotEqual]: (x, y) => x !== y,
  [Greater]: (x, y) => x > y,
  [GreaterEqual]: (x, y) => x >= y,
  [Less]: (x, y) => x < y,
  [LessEqual]: (x, y) => x <= y,
};

/**
 * `out[i] = op(a[ia], b[ib]) ? 1 : 0` over the broadcast shape `outShape` of `aShape` and
 * `bShape` (right-aligned, size-1 dims repeat).
 */
export function broadcastCompareInto(
  op: (x: number, y: number) => boolean,
  a: Numbers,
  aShape: readonly number[],
  b: Numbers,
  bShape: readonly number[],
  outShape: readonly number[],
  out: Uint8Array,
): void {
  const rank = outShape.length;
  const sa = broadcastStrides(aShape, outShape), sb = broadcastStrides(bShape, outShape);
  const last = rank - 1;
  const inner = rank ? outShape[last] : 1;
  const ia = rank ? sa[last] : 0, ib = rank ? sb[last] : 0;
  const idx = new Array<number>(rank).fill(0);
  let offA = 0, offB = 0;
  for (let o = 0; o < out.length; o += inner) {
    for (let j = 0; j < inner; j++) out[o + j] = op(a[offA + j * ia], b[offB + j * ib]) ? 1 : 0;
    for (let d = last - 1; d >= 0; d--) { // odometer over the outer dims
      idx[d]++;
      offA += sa[d];
      offB += sb[d];
      if (idx[d] < outShape[d]) break;
      offA -= sa[d] * idx[d];
      offB -= sb[d] * idx[d];
      idx[d] = 0;
    }
  }
}

/** Kernel configs of the comparisons for the given wasm-heap backends. */
export function compareKernels(backendNames: string[]): KernelConfig[] {
  return backendNames.flatMap((backendName) =>
    Object.keys(COMPARISONS).map((kernelName) => ({
      kernelName,
      backendName,
      kernelFunc: ((args: CompareArgs) => compare(kernelName, args)) as unknown as KernelFunc,
    }))
  );
}

interface CompareArgs {
  inputs: { a: TensorInfo; b: TensorInfo };
  backend: BackendWasm;
}

function compare(kernelName: string, { inputs, backend }: CompareArgs): TensorInfo {
  const { a, b } = inputs;
  if (util.arraysEqual(a.shape, b.shape) || a.dtype === "string" || b.dtype === "string") {
    return runStockWasmKernel(kernelName, backend, { a, b });
  }
  const outShape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
  const out = backend.makeOutput(outShape, "bool");
  if (util.sizeFromShape(outShape) === 0) return out;
  const view = (t: TensorInfo) => backend.typedArrayFromHeap(t) as Numbers;
  broadcastCompareInto(
    COMPARISONS[kernelName],
    view(a),
    a.shape,
    view(b),
    b.shape,
    outShape,
    view(out) as Uint8Array,
  );
  return out;
}

/** Element strides of `shape` seen through `outShape` (0 along broadcast dims). */
function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const strides = new Array<number>(outShape.length).fill(0);
  let stride = 1;
  for (let d = shape.length - 1, o = outShape.length - 1; d >= 0; d--, o--) {
    strides[o] = shape[d] === 1 ? 0 : stride;
    stride *= shape[d];
  }
  return strides;
}
