/**
 * The `native` backend's kernels of incremental decoding (no gradient) on the wasm heap:
 * - a whole decoder layer — norm, q/k/v matmul, attention over the KV cache, o_proj and residual,
 *   norm, gate/up matmul, SwiGLU, down_proj and residual — as one call of `ssr_decoder_layer`
 *   (`fused.c`): the C kernels the layer's ops run one by one, in the same order (the same bits),
 *   without a tfjs op, tensor or FFI call between them. The op is `cachedDecoderLayer` in
 *   `lib/model/fused/decoder_layer.ts`;
 * - every layer of a decoder step, then the final norm and the LM head, as one call of
 *   `ssr_decoder` (one parallel region: one wake-up of the threads per token, not one per
 *   layer). The op is `cachedDecoder` in `lib/model/fused/decoder.ts`.
 *
 * Both need the split sgemm (`ssr_init_blas`).
 *
 * @module
 */

import type { KernelConfig, KernelFunc, TensorInfo } from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { FUSED, type HeadAttrs, heapF32, heapI32 } from "./fused_kernels.ts";
import type { FusedLib } from "./fused_lib.ts";

/** Attributes of the decoder layer kernel. */
export interface DecoderLayerAttrs extends HeadAttrs {
  /** Cached positions before this call. */
  past: number;
  /** RMSNorm epsilon. */
  eps: number;
}

/** Kernel config of `SsrCachedDecoderLayer` for `backendName`; `before` runs before each call. */
export function decoderLayerKernel(
  lib: FusedLib,
  backendName: string,
  before?: () => void,
): KernelConfig {
  let scratch = new Float32Array(0); // reused: kernels run one at a time
  const kernelFunc = ({ inputs, backend, attrs }: Args): TensorInfo => {
    before?.();
    const { x, qkv, qkvBias, o, gateUp, down, cos, sin, kc, vc, keyMask } = inputs;
    const { batch: B, seq: T, heads: nh, kvHeads: nkv, headDim: hd, past: S0, eps } =
      attrs as unknown as DecoderLayerAttrs;
    const [N, H] = x.shape, W = qkv.shape[1], I = down.shape[0], cap = kc.shape[3];
    if (N !== B * T || W !== (nh + 2 * nkv) * hd || S0 + T > cap || cap % 8) {
      throw new Error(`decoder layer: ${N} rows, width ${W}, capacity ${cap}, ${S0 + T} slots`);
    }
    const y = backend.makeOutput([N, H], "float32");
    const need = layerScratch(B, T, H, W, I, nh * hd, S0);
    if (scratch.length < need) scratch = new Float32Array(need);
    const w = (t: TensorInfo) => heapF32(backend, t);
    const out = w(y);
    out.set(w(x));
    lib.ssr_decoder_layer(
      out,
      w(qkv),
      w(qkvBias),
      w(o),
      w(gateUp),
      w(down),
      w(cos),
      w(sin),
      w(kc),
      w(vc),
      w(keyMask),
      scratch,
      B,
      T,
      H,
      I,
      nh,
      nkv,
      hd,
      cap,
      S0,
      eps,
    );
    return y;
  };
  return {
    kernelName: FUSED.cachedDecoderLayer,
    backendName,
    kernelFunc: kernelFunc as unknown as KernelFunc,
  };
}

/** Attributes of the whole-decoder kernel. */
export interface DecoderAttrs extends DecoderLayerAttrs {
  /** Number of layers L (inputs `qkv0 … qkv{L−1}` and so on). */
  layers: number;
  /** 1: logits of each batch row's last position only (`[B, V]`), 0: of every row. */
  lastOnly: number;
  /** 1: embeddings + 0 (−0 → +0, as the one-hot matmul gives), 0: the table's values. */
  plusZero: number;
}

/** The per-layer inputs of the whole-decoder kernel, in the order `ssr_decoder` takes them. */
export const DECODER_LAYER_INPUTS = ["qkv", "qkvBias", "o", "gateUp", "down", "kc", "vc"] as const;

/** One of {@linkcode DECODER_LAYER_INPUTS}. */
export type DecoderLayerInput = (typeof DECODER_LAYER_INPUTS)[number];

const inputNames: Record<DecoderLayerInput, string>[] = [];

/**
 * The whole-decoder kernel's input names of layer `l` (`qkv{l}`, `kc{l}`, …), built once per
 * layer index: the op and the kernel use them on every decode step.
 */
export function decoderInputNames(l: number): Readonly<Record<DecoderLayerInput, string>> {
  return inputNames[l] ??= Object.fromEntries(
    DECODER_LAYER_INPUTS.map((name) => [name, `${name}${l}`]),
  ) as Record<DecoderLayerInput, string>;
}

/**
 * Kernel config of `SsrCachedDecoder` for `backendName`; `before` runs before each call. Inputs:
 * `ids` `[B, T]` (int32, in `[0, V)`), `embed` `[V, H]`, `lm` `[H, V]`, `cos`, `sin`,
 * `keyMask`, and per layer i `qkv{i}`, `qkvBias{i}`, `o{i}`, `gateUp{i}`, `down{i}`, `kc{i}`,
 * `vc{i}`. Returns the logits.
 */
export function decoderKernel(
  lib: FusedLib,
  backendName: string,
  before?: () => void,
): KernelConfig {
  let scratch = new Float32Array(0); // reused: kernels run one at a time
  let offsets = new Uint32Array(0);
  const kernelFunc = ({ inputs, backend, attrs }: Args): TensorInfo => {
    before?.();
    const { ids, embed, lm, cos, sin, keyMask } = inputs;
    const {
      batch: B,
      seq: T,
      heads: nh,
      kvHeads: nkv,
      headDim: hd,
      past: S0,
      eps,
      layers: L,
      lastOnly,
      plusZero,
    } = attrs as unknown as DecoderAttrs;
    const [V, H] = embed.shape, N = B * T;
    const first = decoderInputNames(0);
    const W = (nh + 2 * nkv) * hd, I = inputs[first.down].shape[0];
    const cap = inputs[first.kc].shape[3];
    if (ids.shape[0] * ids.shape[1] !== N || S0 + T > cap || cap % 8 || lm.shape[0] !== H) {
      throw new Error(`decoder: ids [${ids.shape}], lm [${lm.shape}], capacity ${cap}`);
    }
    for (let l = 0; l < L; l++) {
      const names = decoderInputNames(l);
      const [kc, vc, qkv] = [inputs[names.kc], inputs[names.vc], inputs[names.qkv]];
      if (kc.shape[3] !== cap || vc.shape[2] !== cap || qkv.shape[1] !== W) {
        throw new Error(`decoder: layer ${l}: width ${qkv.shape[1]}, capacity ${kc.shape[3]}`);
      }
    }
    const y = backend.makeOutput([lastOnly ? B : N, lm.shape[1]], "float32");
    const need = N * H + layerScratch(B, T, H, W, I, nh * hd, S0); // the residual stream first
    if (scratch.length < need) scratch = new Float32Array(need);
    // Views after the output is allocated (a heap growth detaches older views).
    const w = (t: TensorInfo) => heapF32(backend, t);
    // The layers' tensors as byte offsets into the heap (one pointer argument for all of them).
    if (offsets.length < 7 * L) offsets = new Uint32Array(7 * L);
    for (let l = 0; l < L; l++) {
      const names = decoderInputNames(l);
      DECODER_LAYER_INPUTS.forEach((name, j) => {
        offsets[7 * l + j] = w(inputs[names[name]]).byteOffset;
      });
    }
    const embedding = w(embed);
    lib.ssr_decoder(
      heapI32(backend, ids),
      embedding,
      plusZero ? 1 : 0,
      new Uint8Array(embedding.buffer),
      offsets,
      w(lm),
      w(y),
      w(cos),
      w(sin),
      w(keyMask),
      scratch,
      L,
      B,
      T,
      H,
      I,
      V,
      nh,
      nkv,
      hd,
      cap,
      S0,
      eps,
      lastOnly ? 1 : 0,
    );
    return y;
  };
  return {
    kernelName: FUSED.cachedDecoder,
    backendName,
    kernelFunc: kernelFunc as unknown as KernelFunc,
  };
}

/**
 * Floats of `ssr_decoder_layer`'s scratch: per token row the normed input, q/k/v, attention
 * output (A = nh·hd), gate/up, SwiGLU output and the residual update; then the cached attention's
 * rotated queries and two score rows per batch row.
 */
function layerScratch(
  B: number,
  T: number,
  H: number,
  W: number,
  I: number,
  A: number,
  past: number,
): number {
  return B * T * (2 * H + W + A + 3 * I) + B * (T * A + 2 * 8 * Math.ceil((past + T) / 8));
}

interface Args {
  inputs: Record<string, TensorInfo>;
  backend: BackendWasm;
  attrs: Record<string, number>;
}
