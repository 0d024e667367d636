/**
 * `Slice` and `SplitV` for wasm-heap backends that copy contiguous runs inside the heap. The
 * stock wasm kernels first copy the whole input out of the heap (`readSync`) for every slice,
 * which made column splits of activations cost tens of milliseconds.
 *
 * @module
 */

import {
  backend_util,
  type KernelConfig,
  type KernelFunc,
  Slice,
  slice_util,
  SplitV,
  type TensorInfo,
  util,
} from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { heapBytes, runStockWasmKernel } from "./stock_wasm.ts";

/**
 * Copies the box `[begin, begin + size)` of a row-major array of `shape` (elements of
 * `bytesPerElement` bytes, starting at byte `src` of `heap`) to byte `dst`, run by run.
 */
export function sliceInHeap(
  heap: Uint8Array,
  src: number,
  dst: number,
  shape: readonly number[],
  begin: readonly number[],
  size: readonly number[],
  bytesPerElement: number,
): void {
  const rank = shape.length;
  const strides = new Array<number>(rank);
  let stride = bytesPerElement;
  for (let a = rank - 1; a >= 0; a--) {
    strides[a] = stride;
    stride *= shape[a];
  }
  // Axes after the last partial one are whole: each run is contiguous in the source.
  let p = rank - 1;
  while (p >= 0 && size[p] === shape[p] && begin[p] === 0) p--;
  if (p < 0) {
    heap.copyWithin(dst, src, src + stride);
    return;
  }
  const run = size[p] * strides[p];
  let base = src;
  for (let a = 0; a <= p; a++) base += begin[a] * strides[a];
  const idx = new Array<number>(p).fill(0);
  let count = 1;
  for (let a = 0; a < p; a++) count *= size[a];
  for (let n = 0; n < count; n++) {
    let off = base;
    for (let a = 0; a < p; a++) off += idx[a] * strides[a];
    heap.copyWithin(dst, off, off + run);
    dst += run;
    for (let a = p - 1; a >= 0; a--) { // odometer over the outer axes
      if (++idx[a] < size[a]) break;
      idx[a] = 0;
    }
  }
}

/** Kernel configs of `Slice` and `SplitV` for the given wasm-heap backends. */
export function sliceKernels(backendNames: string[]): KernelConfig[] {
  return backendNames.flatMap((backendName) => [
    { kernelName: Slice, backendName, kernelFunc: slice as unknown as KernelFunc },
    { kernelName: SplitV, backendName, kernelFunc: splitV as unknown as KernelFunc },
  ]);
}

interface SliceArgs {
  inputs: { x: TensorInfo };
  backend: BackendWasm;
  attrs: { begin: number | number[]; size?: number | number[] };
}

function slice({ inputs, backend, attrs }: SliceArgs): TensorInfo {
  const { x } = inputs;
  if (x.dtype === "string") return runStockWasmKernel(Slice, backend, { x }, attrs);
  const [begin, size] = slice_util.parseSliceParams(x as never, attrs.begin, attrs.size);
  return sliceBox(backend, x, begin, size);
}

function sliceBox(backend: BackendWasm, x: TensorInfo, begin: number[], size: number[]) {
  const out = backend.makeOutput(size, x.dtype);
  if (util.sizeFromShape(size) === 0) return out;
  const bytes = util.bytesPerElement(x.dtype);
  const heap = heapBytes(backend);
  const src = backend.dataIdMap.get(x.dataId).memoryOffset;
  const dst = backend.dataIdMap.get(out.dataId).memoryOffset;
  sliceInHeap(heap, src, dst, x.shape, begin, size, bytes);
  return out;
}

interface SplitArgs {
  inputs: { x: TensorInfo };
  backend: BackendWasm;
  attrs: { numOrSizeSplits: number | number[]; axis: number | number[] };
}

function splitV({ inputs, backend, attrs }: SplitArgs): TensorInfo[] {
  const { x } = inputs;
  if (x.dtype === "string") {
    return runStockWasmKernel(SplitV, backend, { x }, attrs) as unknown as TensorInfo[];
  }
  const axis = util.parseAxisParam(attrs.axis, x.shape)[0];
  const sizes = backend_util.prepareSplitSize(x as never, attrs.numOrSizeSplits, axis);
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((s) => {
    const size = [...x.shape];
    size[axis] = s;
    const piece = sliceBox(backend, x, [...begin], size);
    begin[axis] += s;
    return piece;
  });
}
