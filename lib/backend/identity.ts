/**
 * A zero-copy `Identity` for the wasm heap backends: the output shares the input's buffer (its
 * reference count goes up), as the cpu backend and wasm's own `Reshape` do. tfjs tensors are
 * immutable, so sharing is safe; the stock wasm kernel copies, and the gradient tape clones every
 * tensor it saves through it (about a tenth of a training step).
 *
 * @module
 */
import type { KernelConfig, KernelFunc, TensorInfo } from "@tensorflow/tfjs-core";

/** `Identity` kernels sharing the input's data, one per backend name. */
export function identityKernels(backendNames: string[]): KernelConfig[] {
  const kernelFunc = (({ inputs, backend }) => {
    const x = inputs.x as TensorInfo;
    (backend as { incRef(dataId: object): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  }) as KernelFunc;
  return backendNames.map((backendName) => ({ kernelName: "Identity", backendName, kernelFunc }));
}
