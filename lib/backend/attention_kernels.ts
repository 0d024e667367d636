/**
 * Causal self-attention kernels of the `native` backend (forward and gradient), on the wasm
 * heap: `cblas_sgemm` on blocks of query rows against only the keys they can see (the blocks
 * above the diagonal are skipped: about 3/8 fewer flops at 2 blocks, up to half for long
 * sequences), the masked softmax and its gradient in C, and the output written straight in
 * `[B, T, nh, hd]` (no transpose). The op is `attention` in `lib/model/fused/attention.ts`.
 *
 * @module
 */

import type { KernelConfig, KernelFunc, TensorInfo } from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import type { Blas } from "./blas.ts";
import { FUSED, heapF32 } from "./fused_kernels.ts";
import type { FusedLib } from "./fused_lib.ts";

/** Kernel configs of `SsrAttention` and `SsrAttentionGrad` for `backendName`. */
export function attentionKernels(blas: Blas, lib: FusedLib, backendName: string): KernelConfig[] {
  // C = op(A)·op(B) + beta·C on views (row-major; ld* = row strides).
  const mm = (
    tA: boolean,
    tB: boolean,
    [m, n, k]: number[],
    A: Float32Array,
    lda: number,
    B: Float32Array,
    ldb: number,
    beta: number,
    C: Float32Array,
    ldc: number,
  ) => blas.sgemm(tA, tB, m, n, k, 1, A, lda, B, ldb, beta, C, ldc);

  const forward = ({ inputs: { q, k, v, keyMask }, backend }: Args): TensorInfo[] => {
    const [B, nh, T, hd] = q.shape, nkv = k.shape[1], g = nh / nkv;
    const att = backend.makeOutput([B, T, nh, hd], "float32");
    const probs = backend.makeOutput([B, nh, T, T], "float32");
    const [Q, K, V, P, O] = [q, k, v, probs, att].map((t) => heapF32(backend, t));
    const blocks = causalBlocks(T);
    const each = (fn: (qOff: number, kOff: number, pOff: number, oOff: number) => void) => {
      for (let b = 0; b < B; b++) {
        for (let h = 0; h < nh; h++) {
          const kv = b * nkv + Math.floor(h / g);
          fn((b * nh + h) * T * hd, kv * T * hd, (b * nh + h) * T * T, (b * T * nh + h) * hd);
        }
      }
    };
    // Scores of query rows r0…r1 against keys 0…r1, masked softmax in place, then the values.
    each((qOff, kOff, pOff) => {
      for (const [r0, r1] of blocks) {
        const Qr = Q.subarray(qOff + r0 * hd), Pr = P.subarray(pOff + r0 * T);
        mm(false, true, [r1 - r0, r1, hd], Qr, hd, K.subarray(kOff), hd, 0, Pr, T);
      }
    });
    lib.ssr_attn_softmax(P, heapF32(backend, keyMask), P, B, nh, T, T, 0);
    each((_, kOff, pOff, oOff) => {
      for (const [r0, r1] of blocks) {
        const Pr = P.subarray(pOff + r0 * T), Or = O.subarray(oOff + r0 * nh * hd);
        mm(false, false, [r1 - r0, hd, r1], Pr, T, V.subarray(kOff), hd, 0, Or, nh * hd);
      }
    });
    return [att, probs];
  };

  const gradient = ({ inputs: { dy, probs, q, k, v }, backend }: Args): TensorInfo[] => {
    const [B, nh, T, hd] = q.shape, nkv = k.shape[1], g = nh / nkv;
    const dq = backend.makeOutput(q.shape, "float32");
    const dk = backend.makeOutput(k.shape, "float32");
    const dv = backend.makeOutput(v.shape, "float32");
    const [dO, P, Q, K, V, dQ, dK, dV] = [dy, probs, q, k, v, dq, dk, dv].map((t) =>
      heapF32(backend, t)
    );
    dK.fill(0);
    dV.fill(0);
    const dS = new Float32Array(T * T); // dP, then the scores' gradient, of one (b, h)
    const blocks = causalBlocks(T);
    for (let b = 0; b < B; b++) {
      for (let h = 0; h < nh; h++) {
        const qOff = (b * nh + h) * T * hd, kOff = (b * nkv + Math.floor(h / g)) * T * hd;
        const pOff = (b * nh + h) * T * T, oOff = (b * T * nh + h) * hd, ldo = nh * hd;
        const Pbh = P.subarray(pOff, pOff + T * T), Kk = K.subarray(kOff), Vk = V.subarray(kOff);
        for (const [r0, r1] of blocks) { // dP[r0…r1, 0…r1] = dO[r0…r1]·V[0…r1]ᵀ
          const dOr = dO.subarray(oOff + r0 * ldo);
          mm(false, true, [r1 - r0, r1, hd], dOr, ldo, Vk, hd, 0, dS.subarray(r0 * T), T);
        }
        lib.ssr_causal_softmax_grad(Pbh, dS, T, T);
        for (const [r0, r1] of blocks) {
          const m = r1 - r0, dSr = dS.subarray(r0 * T), Pr = Pbh.subarray(r0 * T);
          const Qr = Q.subarray(qOff + r0 * hd), dOr = dO.subarray(oOff + r0 * ldo);
          // dQ[r0…r1] = dS·K;  dK[0…r1] += dSᵀ·Q[r0…r1];  dV[0…r1] += Pᵀ·dO[r0…r1]
          mm(false, false, [m, hd, r1], dSr, T, Kk, hd, 0, dQ.subarray(qOff + r0 * hd), hd);
          mm(true, false, [r1, hd, m], dSr, T, Qr, hd, 1, dK.subarray(kOff), hd);
          mm(true, false, [r1, hd, m], Pr, T, dOr, ldo, 1, dV.subarray(kOff), hd);
        }
      }
    }
    return [dq, dk, dv];
  };

  return [
    { kernelName: FUSED.attention, backendName, kernelFunc: forward as unknown as KernelFunc },
    { kernelName: FUSED.attentionGrad, backendName, kernelFunc: gradient as unknown as KernelFunc },
  ];
}

/**
 * Row blocks `[r0, r1)` of a causal T×T attention: block i's queries see keys `0 … r1`. Blocks
 * of 64 rows (128 past 384 positions), one block up to 64: smaller blocks skip more of the
 * upper triangle but make more, smaller sgemm calls.
 */
export function causalBlocks(T: number): [number, number][] {
  const size = T <= 64 ? T : T <= 384 ? 64 : 128;
  const blocks: [number, number][] = [];
  for (let r0 = 0; r0 < T; r0 += size) blocks.push([r0, Math.min(T, r0 + size)]);
  return blocks;
}

interface Args {
  inputs: Record<string, TensorInfo>;
  backend: BackendWasm;
}
