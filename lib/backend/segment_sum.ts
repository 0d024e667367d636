/**
 * `UnsortedSegmentSum` (the gradient of `gather`) as a direct scatter-add, for the wasm and
 * native backends (which lack the kernel) and for cpu (whose kernel loops once per segment).
 *
 * @module
 */

import {
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  UnsortedSegmentSum,
  util,
} from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import type { MathBackendCPU } from "@tensorflow/tfjs-backend-cpu";

type Numbers = Float32Array | Int32Array | Uint8Array;

/**
 * Adds row `i` of `x` (rows of `inner` values) into row `ids[i]` of `out`; ids outside
 * `[0, numSegments)` are skipped, as in TensorFlow. `out` must start zeroed.
 */
export function segmentSumInto(
  x: Numbers,
  ids: Numbers,
  numSegments: number,
  inner: number,
  out: Numbers,
): void {
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i];
    if (s < 0 || s >= numSegments) continue;
    const src = i * inner, dst = s * inner;
    for (let j = 0; j < inner; j++) out[dst + j] += x[src + j];
  }
}

/** Kernel configs of `UnsortedSegmentSum` for the given heap (wasm-style) backends and cpu. */
export function segmentSumKernels(heapBackends: string[], cpu: boolean): KernelConfig[] {
  const configs: KernelConfig[] = heapBackends.map((backendName) => ({
    kernelName: UnsortedSegmentSum,
    backendName,
    kernelFunc: heapSegmentSum as unknown as KernelFunc,
  }));
  if (cpu) {
    configs.push({
      kernelName: UnsortedSegmentSum,
      backendName: "cpu",
      kernelFunc: cpuSegmentSum as unknown as KernelFunc,
    });
  }
  return configs;
}

interface SegmentSumArgs<B> {
  inputs: { x: TensorInfo; segmentIds: TensorInfo };
  backend: B;
  attrs: { numSegments: number };
}

function geometry(x: TensorInfo, segmentIds: TensorInfo, numSegments: number) {
  const innerShape = x.shape.slice(segmentIds.shape.length);
  const rows = util.sizeFromShape(segmentIds.shape);
  if (util.sizeFromShape(x.shape.slice(0, segmentIds.shape.length)) !== rows) {
    throw new Error(
      `UnsortedSegmentSum: segmentIds shape [${segmentIds.shape}] must be a prefix of ` +
        `x shape [${x.shape}]`,
    );
  }
  return { outShape: [numSegments, ...innerShape], inner: util.sizeFromShape(innerShape) };
}

function heapSegmentSum({ inputs, backend, attrs }: SegmentSumArgs<BackendWasm>): TensorInfo {
  const { x, segmentIds } = inputs;
  const { outShape, inner } = geometry(x, segmentIds, attrs.numSegments);
  const out = backend.makeOutput(outShape, x.dtype);
  const o = backend.typedArrayFromHeap(out) as Numbers;
  o.fill(0);
  segmentSumInto(
    backend.typedArrayFromHeap(x) as Numbers,
    backend.typedArrayFromHeap(segmentIds) as Numbers,
    attrs.numSegments,
    inner,
    o,
  );
  return out;
}

function cpuSegmentSum({ inputs, backend, attrs }: SegmentSumArgs<MathBackendCPU>): TensorInfo {
  const { x, segmentIds } = inputs;
  const { outShape, inner } = geometry(x, segmentIds, attrs.numSegments);
  const o = util.getTypedArrayFromDType(x.dtype as "float32", util.sizeFromShape(outShape));
  segmentSumInto(
    backend.data.get(x.dataId).values as Numbers,
    backend.data.get(segmentIds.dataId).values as Numbers,
    attrs.numSegments,
    inner,
    o as Numbers,
  );
  return backend.makeTensorInfo(outShape, x.dtype, o);
}
