/**
 * The `native` backend: the wasm backend instance, with every wasm kernel, except that matrix
 * multiplications run in OpenBLAS `cblas_sgemm` on the wasm heap, and that the model's fused
 * ops (RMSNorm, q/k/v heads with RoPE, attention softmax, SwiGLU, target log-probs, and their
 * gradients; attention over a KV cache and a whole decoder layer of decoding) run as C kernels
 * built at first use (`fused.c`; `SSR1_FUSED=0` turns them off).
 * With the fused library, every matmul runs as blocks of rows fixed by its shape, spread over the
 * library's threads, each on one OpenBLAS thread: the same bits on any number of threads, so the
 * threads of matmuls and fused kernels alike can follow the load: every core while other
 * processes leave them idle, fewer while they do (`thread_policy.ts`; `SSR1_THREADS=N` fixes it).
 * Without it, OpenBLAS keeps one thread count for the process, its results depending on it.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import type { Attempt } from "./attempt.ts";
import { type Blas, loadBlas } from "./blas.ts";
import { addKernel } from "./add.ts";
import { attentionKernels } from "./attention_kernels.ts";
import { decoderKernel, decoderLayerKernel } from "./decoder_kernels.ts";
import { fusedKernels } from "./fused_kernels.ts";
import { type FusedLib, type FusedLoad, loadFusedLib } from "./fused_lib.ts";
import { nativeMatMulKernels } from "./native_kernels.ts";
import { threadPolicy } from "./thread_policy.ts";
import { stockWasmKernels } from "./stock_wasm.ts";
import { sumKernels } from "./sum.ts";
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
  const cores = navigator.hardwareConcurrency || 1, fixed = fixedThreads();
  // With the fused library, matmuls run as a fixed split over its threads, each block on one
  // OpenBLAS thread: the same bits on any thread count. Else OpenBLAS keeps one thread count
  // for the process (its results depend on it).
  const split = fused.ok && fused.lib.ssr_init_blas(cString(load.blas.path)) === 1;
  const blas: Blas = split ? { ...load.blas, sgemm: splitSgemm(fused.lib) } : load.blas;
  const blasThreads = split ? 1 : fixed ?? load.blas.threads ?? cores;
  load.blas.setThreads(blasThreads);
  const policy = threadPolicy(
    (n) => {
      if (fused.ok) fused.lib.ssr_set_threads(Math.min(n, fused.threads));
    },
    cores,
    fixed,
  );
  registerNativeBackend(wasm.backend, blas, fused, policy.poll, split);
  if (!(await tf.setBackend(NATIVE_BACKEND))) {
    return { ok: false, reason: "native backend failed to initialise" };
  }
  const plural = (n: number) => `${n} thread${n === 1 ? "" : "s"}`;
  const threads = fixed !== undefined || !fused.ok || fused.threads === 1
    ? plural(fused.ok ? Math.min(fixed ?? 1, fused.threads) : 1)
    : `up to ${plural(Math.min(cores, fused.threads))} (fewer while other processes keep the ` +
      `cores busy)`;
  const reason = split
    ? `OpenBLAS cblas_sgemm (${load.blas.path}) for matmuls and fused C kernels, on ${threads}`
    : `OpenBLAS cblas_sgemm (${load.blas.path}, ${plural(blasThreads)}) for matmuls, ` +
      (fused.ok ? `fused C kernels on ${threads}` : `no fused kernels (${fused.reason})`);
  return { ok: true, reason: `${reason}; ${wasm.reason} for the rest` };
}

/** `sgemm` through `ssr_sgemm`: a split of C's rows fixed by the shape, over the threads. */
function splitSgemm(lib: FusedLib): Blas["sgemm"] {
  return (tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) =>
    lib.ssr_sgemm(tA ? 1 : 0, tB ? 1 : 0, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

/** A NUL-terminated copy of `text` for C. */
function cString(text: string): Uint8Array {
  return new TextEncoder().encode(text + "\0");
}

/**
 * Registers backend `native` as a second name for the given wasm backend instance (tensors move
 * between the two names for free) with copies of all stock wasm kernels, the sgemm matmuls and
 * the heap kernels of `wasmHeapKernels` (and the fused kernels, when loaded; with `splitMatMul`,
 * the fused library's `ssr_sgemm` being set up, also the attention and whole-decoder-layer
 * kernels);
 * `beforeMatMul` runs before every matmul. Idempotent. Do not `tf.removeBackend` either name:
 * that would dispose the instance both share.
 */
export function registerNativeBackend(
  wasm: BackendWasm,
  blas: Blas,
  fused?: FusedLoad,
  beforeMatMul?: () => void,
  splitMatMul = false,
): void {
  if (tf.findBackendFactory(NATIVE_BACKEND)) return;
  const own = [
    ...nativeMatMulKernels(blas, NATIVE_BACKEND, beforeMatMul),
    ...wasmHeapKernels(NATIVE_BACKEND),
    ...(fused?.ok
      ? [
        ...fusedKernels(fused.lib, NATIVE_BACKEND),
        addKernel(fused.lib, NATIVE_BACKEND),
        ...sumKernels(
          [NATIVE_BACKEND],
          (x, rows, inner, out) => fused.lib.ssr_sum_rows(x, out, rows, inner),
        ),
        ...(splitMatMul
          ? [
            ...attentionKernels(fused.lib, NATIVE_BACKEND, beforeMatMul),
            decoderLayerKernel(fused.lib, NATIVE_BACKEND, beforeMatMul),
            decoderKernel(fused.lib, NATIVE_BACKEND, beforeMatMul),
          ]
          : []),
      ]
      : []),
  ];
  // Later entries win: the fused library's Add and Sum replace the JS heap kernels' Sum.
  const byName = new Map(own.map((k) => [k.kernelName, k]));
  const ownNames = new Set(byName.keys());
  for (const config of stockWasmKernels()) {
    if (!ownNames.has(config.kernelName)) {
      tf.registerKernel({ ...config, backendName: NATIVE_BACKEND });
    }
  }
  for (const config of byName.values()) tf.registerKernel(config);
  tf.registerBackend(NATIVE_BACKEND, () => wasm, 2.5);
}

/** `SSR1_THREADS=N`, else `OPENBLAS_NUM_THREADS=N`, else undefined (adaptive). */
function fixedThreads(): number | undefined {
  for (const name of ["SSR1_THREADS", "OPENBLAS_NUM_THREADS"]) {
    const n = Number(Deno.env.get(name));
    if (Number.isInteger(n) && n > 0) return n;
  }
  return undefined;
}
