/**
 * tfjs kernels of the `native` backend that run the fused C kernels of `fused.c` in place on
 * the wasm heap (forward and gradient kernels). The ops that use them, with their gradients and
 * the composite reference other backends run, are in `lib/model/fused/`.
 *
 * @module
 */

import type { KernelConfig, KernelFunc, TensorInfo } from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import type { FusedLib } from "./fused_lib.ts";

/** Kernel configs of the fused kernels for `backendName`, computed by `lib`. */
export function fusedKernels(lib: FusedLib, backendName: string): KernelConfig[] {
  const kernels: Record<string, (args: Args) => TensorInfo | TensorInfo[]> = {
    [FUSED.rmsNorm]: ({ inputs: { x }, backend, attrs }) => {
      const [rows, cols] = rowsCols(x);
      const y = backend.makeOutput(x.shape, "float32");
      lib.ssr_rmsnorm(heapF32(backend, x), heapF32(backend, y), rows, cols, attrs.eps);
      return y;
    },
    [FUSED.rmsNormGrad]: ({ inputs: { x, dy }, backend, attrs }) => {
      const [rows, cols] = rowsCols(x);
      const dx = backend.makeOutput(x.shape, "float32");
      const v = (t: TensorInfo) => heapF32(backend, t);
      lib.ssr_rmsnorm_grad(v(x), v(dy), v(dx), rows, cols, attrs.eps);
      return dx;
    },
    [FUSED.qkvHeads]: ({ inputs: { qkv, bias, cos, sin }, backend, attrs }) => {
      const { batch: B, seq: T, heads: nh, kvHeads: nkv, headDim: hd } =
        attrs as unknown as HeadAttrs;
      const q = backend.makeOutput([B, nh, T, hd], "float32");
      const k = backend.makeOutput([B, nkv, T, hd], "float32");
      const v = backend.makeOutput([B, nkv, T, hd], "float32");
      const w = (t: TensorInfo) => heapF32(backend, t);
      lib.ssr_qkv_heads(w(qkv), w(bias), w(cos), w(sin), w(q), w(k), w(v), B, T, nh, nkv, hd);
      return [q, k, v];
    },
    [FUSED.qkvHeadsGrad]: ({ inputs: { dq, dk, dv, cos, sin }, backend, attrs }) => {
      const { batch: B, seq: T, heads: nh, kvHeads: nkv, headDim: hd } =
        attrs as unknown as HeadAttrs;
      const dqkv = backend.makeOutput([B * T, (nh + 2 * nkv) * hd], "float32");
      const w = (t: TensorInfo) => heapF32(backend, t);
      lib.ssr_qkv_heads_grad(w(dq), w(dk), w(dv), w(cos), w(sin), w(dqkv), B, T, nh, nkv, hd);
      return dqkv;
    },
    [FUSED.attnSoftmax]: ({ inputs: { scores, keyMask }, backend, attrs }) => {
      const [B, H, T, S] = scores.shape;
      const probs = backend.makeOutput(scores.shape, "float32");
      const w = (t: TensorInfo) => heapF32(backend, t);
      lib.ssr_attn_softmax(w(scores), w(keyMask), w(probs), B, H, T, S, attrs.past);
      return probs;
    },
    // From the q/k/v projection (bias, RoPE), writes this call's keys and values into the caches
    // kc [B, nkv, hd, cap] (keys transposed) and vc [B, nkv, cap, hd] in place, then attends
    // (see ssr_cached_attention).
    [FUSED.cachedAttention]: (
      { inputs: { qkv, bias, cos, sin, kc, vc, keyMask }, backend, attrs },
    ) => {
      const { batch: B, seq: T, heads: nh, kvHeads: nkv, headDim: hd, past: S0 } =
        attrs as unknown as HeadAttrs & { past: number };
      const cap = kc.shape[3];
      if (S0 + T > cap || cap % 8) {
        throw new Error(`cached attention: capacity ${cap}, ${S0 + T} slots`);
      }
      const out = backend.makeOutput([B, T, nh, hd], "float32");
      const scratch = new Float32Array(B * (T * nh * hd + 2 * 8 * Math.ceil((S0 + T) / 8)));
      const w = (t: TensorInfo) => heapF32(backend, t);
      lib.ssr_cached_attention(
        w(qkv),
        w(bias),
        w(cos),
        w(sin),
        w(kc),
        w(vc),
        w(keyMask),
        w(out),
        scratch,
        B,
        nh,
        nkv,
        T,
        hd,
        cap,
        S0,
      );
      return out;
    },
    [FUSED.softmaxGrad]: ({ inputs: { y, dy }, backend }) => {
      const [rows, cols] = rowsCols(y);
      const dx = backend.makeOutput(y.shape, "float32");
      const w = (t: TensorInfo) => heapF32(backend, t);
      lib.ssr_softmax_grad(w(y), w(dy), w(dx), rows, cols);
      return dx;
    },
    [FUSED.swiGlu]: ({ inputs: { gu }, backend }) => {
      const [rows, width] = rowsCols(gu);
      const out = backend.makeOutput([...gu.shape.slice(0, -1), width / 2], "float32");
      lib.ssr_swiglu(heapF32(backend, gu), heapF32(backend, out), rows, width / 2);
      return out;
    },
    [FUSED.swiGluGrad]: ({ inputs: { gu, dy }, backend }) => {
      const [rows, width] = rowsCols(gu);
      const dgu = backend.makeOutput(gu.shape, "float32");
      const w = (t: TensorInfo) => heapF32(backend, t);
      lib.ssr_swiglu_grad(w(gu), w(dy), w(dgu), rows, width / 2);
      return dgu;
    },
    [FUSED.logProbs]: ({ inputs: { logits, targets }, backend }) => {
      const [rows, V] = rowsCols(logits);
      const logp = backend.makeOutput([rows], "float32");
      const ent = backend.makeOutput([rows], "float32");
      const w = (t: TensorInfo) => heapF32(backend, t);
      lib.ssr_logprobs(w(logits), heapI32(backend, targets), w(logp), w(ent), rows, V);
      return [logp, ent];
    },
    [FUSED.logProbsGrad]: ({ inputs: { logits, targets, dlogp, dent }, backend }) => {
      const [rows, V] = rowsCols(logits);
      const dz = backend.makeOutput(logits.shape, "float32");
      const w = (t: TensorInfo) => heapF32(backend, t);
      lib.ssr_logprobs_grad(
        w(logits),
        heapI32(backend, targets),
        w(dlogp),
        w(dent),
        w(dz),
        rows,
        V,
      );
      return dz;
    },
    [FUSED.adamW]: ({ inputs: { p, g, m, v }, backend, attrs }) => {
      const out = [p, m, v].map((t) => backend.makeOutput(t.shape, "float32"));
      const [pn, mn, vn] = out.map((t) => heapF32(backend, t));
      const w = (t: TensorInfo) => heapF32(backend, t);
      const { b1, b2, eps, stepSize, keep } = attrs;
      lib.ssr_adamw(w(p), w(g), w(m), w(v), pn, mn, vn, pn.length, b1, b2, eps, stepSize, keep);
      return out;
    },
  };
  return Object.entries(kernels).map(([kernelName, fn]) => ({
    kernelName,
    backendName,
    kernelFunc: fn as unknown as KernelFunc,
  }));
}

/** Kernel names of the fused ops (forward and gradient). */
export const FUSED = {
  rmsNorm: "SsrRmsNorm",
  rmsNormGrad: "SsrRmsNormGrad",
  qkvHeads: "SsrQkvHeads",
  qkvHeadsGrad: "SsrQkvHeadsGrad",
  attnSoftmax: "SsrAttnSoftmax",
  softmaxGrad: "SsrSoftmaxGrad",
  cachedAttention: "SsrCachedAttention",
  cachedDecoderLayer: "SsrCachedDecoderLayer",
  cachedDecoder: "SsrCachedDecoder",
  attention: "SsrAttention",
  attentionGrad: "SsrAttentionGrad",
  adamW: "SsrAdamW",
  swiGlu: "SsrSwiGlu",
  swiGluGrad: "SsrSwiGluGrad",
  logProbs: "SsrLogProbs",
  logProbsGrad: "SsrLogProbsGrad",
} as const;

/** Attributes of the q/k/v head kernels: N = B·T token rows, head counts and size. */
export interface HeadAttrs {
  /** Rows B and positions T of the tokens. */
  batch: number;
  seq: number;
  /** Query heads, key/value heads, head size. */
  heads: number;
  kvHeads: number;
  headDim: number;
}

interface Args {
  inputs: Record<string, TensorInfo>;
  backend: BackendWasm;
  attrs: Record<string, number>;
}

/** Rows (product of the leading dims) and length of the last dim. */
function rowsCols(t: TensorInfo): [number, number] {
  const cols = t.shape[t.shape.length - 1] ?? 1;
  return [cols === 0 ? 0 : t.shape.reduce((a, b) => a * b, 1) / cols, cols];
}

/**
 * A float32 view of a tensor on the wasm heap. Take views after allocating a kernel's outputs:
 * a heap growth detaches older views.
 */
export function heapF32(backend: BackendWasm, t: TensorInfo): Float32Array {
  if (t.dtype !== "float32") throw new Error(`fused kernel: float32 expected, got ${t.dtype}`);
  return backend.typedArrayFromHeap(t) as Float32Array;
}

/** An int32 view of a tensor on the wasm heap (see {@linkcode heapF32}). */
export function heapI32(backend: BackendWasm, t: TensorInfo): Int32Array {
  if (t.dtype !== "int32") throw new Error(`fused kernel: int32 expected, got ${t.dtype}`);
  return backend.typedArrayFromHeap(t) as Int32Array;
}
