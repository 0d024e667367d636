/**
 * Causal self-attention kernels of the `native` backend (forward and gradient), on the wasm
 * heap: one call each of `ssr_attention` / `ssr_attention_grad` (`fused.c`), which spread the
 * (batch, head) pairs over the fused library's threads and run, per pair, `cblas_sgemm` on
 * blocks of query rows against only the keys they can see (the blocks above the diagonal are
 * skipped: about 3/8 fewer flops at 2 blocks, up to half for long sequences) with the masked
 * softmax (or its gradient) of each block in between, the output written straight in
 * `[B, T, nh, hd]` (no transpose). The op is `attention` in `lib/model/fused/attention.ts`.
 *
 * @module
 */

import type { KernelConfig, KernelFunc, TensorInfo } from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { FUSED, heapF32 } from "./fused_kernels.ts";
import type { FusedLib } from "./fused_lib.ts";

/**
 * Kernel configs of `SsrAttention` and `SsrAttentionGrad` for `backendName` (needs the fused
 * library's sgemm: `ssr_init_blas`); `before` runs before each call.
 */
export function attentionKernels(
  lib: FusedLib,
  backendName: string,
  before?: () => void,
): KernelConfig[] {
  const forward = ({ inputs: { q, k, v, keyMask }, backend }: Args): TensorInfo[] => {
    before?.();
    const [B, nh, T, hd] = q.shape, nkv = k.shape[1];
    const att = backend.makeOutput([B, T, nh, hd], "float32");
    const probs = backend.makeOutput([B, nh, T, T], "float32");
    const [Q, K, V, M, P, O] = [q, k, v, keyMask, probs, att].map((t) => heapF32(backend, t));
    lib.ssr_attention(Q, K, V, M, P, O, B, nh, nkv, T, hd, causalBlock(T));
    return [att, probs];
  };

  const gradient = ({ inputs: { dy, probs, q, k, v }, backend }: Args): TensorInfo[] => {
    before?.();
    const [B, nh, T, hd] = q.shape, nkv = k.shape[1];
    const dq = backend.makeOutput(q.shape, "float32");
    const dk = backend.makeOutput(k.shape, "float32");
    const dv = backend.makeOutput(v.shape, "float32");
    const heap = [dy, probs, q, k, v, dq, dk, dv].map((t) => heapF32(backend, t));
    const [dO, P, Q, K, V, dQ, dK, dV] = heap;
    lib.ssr_attention_grad(dO, P, Q, K, V, dQ, dK, dV, B, nh, nkv, T, hd, causalBlock(T));
    return [dq, dk, dv];
  };

  return [
    { kernelName: FUSED.attention, backendName, kernelFunc: forward as unknown as KernelFunc },
    { kernelName: FUSED.attentionGrad, backendName, kernelFunc: gradient as unknown as KernelFunc },
  ];
}

/**
 * Query rows per block of a causal T×T attention (block i's queries see keys `0 … r1` only):
 * 64 (128 past 384 positions), or T up to 64. Smaller blocks skip more of the upper triangle but
 * make more, smaller sgemm calls.
 */
export function causalBlock(T: number): number {
  return T <= 64 ? T : T <= 384 ? 64 : 128;
}

interface Args {
  inputs: Record<string, TensorInfo>;
  backend: BackendWasm;
}
