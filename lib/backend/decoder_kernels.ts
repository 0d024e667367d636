/**
 * The `native` backend's kernel of a whole decoder layer of incremental decoding (no gradient):
 * norm, q/k/v matmul, attention over the KV cache, o_proj and residual, norm, gate/up matmul,
 * SwiGLU, down_proj and residual, as one call of `ssr_decoder_layer` (`fused.c`) on the wasm heap
 * — the C kernels the layer's ops run one by one, in the same order (the same bits), without a
 * tfjs op, tensor or FFI call between them. Needs the split sgemm (`ssr_init_blas`). The op is
 * `cachedDecoderLayer` in `lib/model/fused/decoder_layer.ts`.
 *
 * @module
 */

import type { KernelConfig, KernelFunc, TensorInfo } from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { FUSED, type HeadAttrs, heapF32 } from "./fused_kernels.ts";
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
    const need = N * (2 * H + W + nh * hd + 3 * I) +
      B * (T * nh * hd + 2 * 8 * Math.ceil((S0 + T) / 8));
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

interface Args {
  inputs: Record<string, TensorInfo>;
  backend: BackendWasm;
  attrs: Record<string, number>;
}
