/**
 * The `native` backend: the wasm backend instance, with every wasm kernel, except that matrix
 * multiplications run in OpenBLAS `cblas_sgemm` on the wasm heap, and that the model's fused
 * ops (RMSNorm, q/k/v heads with RoPE, attention softmax, SwiGLU, target log-probs, and their
 * gradients) run as C kernels built at first use (`fused.c`; `SSR1_FUSED=0` turns them off).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import type { Attempt } from "./attempt.ts";
import { type Blas, loadBlas } from "./blas.ts";
import { attentionKernels } from "./attention_kernels.ts";
import { fusedKernels } from "./fused_kernels.ts";
import { type FusedLoad, loadFusedLib } from "./fused_lib.ts";
import { nativeMatMulKernels } from "./native_kernels.ts";
import { stockWasmKernels } from "./stock_wasm.ts";
import { initWasm, wasmHeapKernels } from "./wasm.ts";

/** Name under which the native backend is registered with tfjs. */
export const NATIVE_BACKEND = "native";

/**
 * Starts the native backend and makes it active. Needs a CBLAS library (see `loadBlas`) and a
 * working wasm backend; otherwise returns why not.
 */
export async function initNative(): Promise<Attempt> {
  const load = loadBlas();
  if (!load.ok) return { ok: false, reason: load.reason };
  const wasm = await initWasm();
  if (!wasm.ok || !wasm.backend) return { ok: false, reason: wasm.reason };
  const fused: FusedLoad = Deno.env.get("SSR1_FUSED") === "0"
    ? { ok: false, reason: "SSR1_FUSED=0" }
    : loadFusedLib();
  registerNativeBackend(wasm.backend, load.blas, fused);
  if (!(await tf.setBackend(NATIVE_BACKEND))) {
    return { ok: false, reason: "native backend failed to initialise" };
  }
  const threads = load.blas.threads === null ? "" : `, ${load.blas.threads} threads`;
  return {
    ok: true,
    reason: `OpenBLAS cblas_sgemm (${load.blas.path}${threads}) for matmuls, ` +
      (fused.ok
        ? `fused C kernels (${fused.threads} thread${fused.threads === 1 ? "" : "s"}), `
        : `no fused kernels (${fused.reason}), `) +
      `${wasm.reason} for the rest`,
  };
}

/**
 * Registers backend `native` as a second name for the given wasm backend instance (tensors move
 * between the two names for free) with copies of all stock wasm kernels, the sgemm matmuls and
 * the heap kernels of `wasmHeapKernels` (and the fused kernels, when loaded). Idempotent. Do not `tf.removeBackend` either name: that
 * would dispose the instance both share.
 */
export function registerNativeBackend(wasm: BackendWasm, blas: Blas, fused?: FusedLoad): void {
  if (tf.findBackendFactory(NATIVE_BACKEND)) return;
  const own = [
    ...nativeMatMulKernels(blas, NATIVE_BACKEND),
    ...wasmHeapKernels(NATIVE_BACKEND),
    ...(fused?.ok
      ? [
        ...fusedKernels(fused.lib, NATIVE_BACKEND),
        ...attentionKernels(blas, fused.lib, NATIVE_BACKEND),
      ]
      : []),
  ];
  const ownNames = new Set(own.map((k) => k.kernelName));
  for (const config of stockWasmKernels()) {
    if (!ownNames.has(config.kernelName)) {
      tf.registerKernel({ ...config, backendName: NATIVE_BACKEND });
    }
  }
  for (const config of own) tf.registerKernel(config);
  tf.registerBackend(NATIVE_BACKEND, () => wasm, 2.5);
}
