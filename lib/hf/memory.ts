/**
 * Parameter counts and memory estimates of a Qwen2 config, in float32 as this project computes
 * (weights, gradients, AdamW moments, the prepared weight copy of each forward, KV cache,
 * logits). Activation memory is an estimate from counting the tensors the forward creates.
 *
 * @module
 */

import { headDim, type Qwen2Config } from "../model/config.ts";

/** Parameter counts by part. */
export interface ParamCount {
  /** `model.embed_tokens.weight`: V·H. */
  embedding: number;
  /** One decoder layer: q/k/v (+ biases), o, gate/up/down, two norms. */
  perLayer: number;
  /** `model.norm.weight`: H. */
  finalNorm: number;
  /** `lm_head.weight`: V·H when untied, else 0. */
  lmHead: number;
  /** Everything. */
  total: number;
}

/**
 * Parameter count of `config`:
 * `V·H + L·(H·(q+2kv) + q+2kv + q·H + 3·H·I + 2H) + H (+ V·H untied)`, with `q = nh·hd`,
 * `kv = nkv·hd`.
 */
export function paramCount(config: Qwen2Config): ParamCount {
  const H = config.hidden_size, I = config.intermediate_size, V = config.vocab_size;
  const hd = headDim(config);
  const q = config.num_attention_heads * hd, kv = config.num_key_value_heads * hd;
  const perLayer = H * (q + 2 * kv) + (q + 2 * kv) + q * H + 3 * H * I + 2 * H;
  const embedding = V * H;
  const lmHead = config.tie_word_embeddings ? 0 : V * H;
  const total = embedding + config.num_hidden_layers * perLayer + H + lmHead;
  return { embedding, perLayer, finalNorm: H, lmHead, total };
}

/** Byte figures of {@linkcode memoryEstimate}. */
export interface MemoryEstimate {
  /** Float32 weights (4 bytes per parameter). */
  weights: number;
  /** The weights as stored in a bf16 checkpoint (2 bytes per parameter). */
  bf16File: number;
  /** Float32 gradients (training). */
  gradients: number;
  /** AdamW first and second moments (training). */
  adamw: number;
  /** The transposed, norm-folded copy each forward prepares (≈ the weights again). */
  preparedWeights: number;
  /** KV cache per token of context (all layers, float32). */
  kvCachePerToken: number;
  /** Logits of one position (float32). */
  logitsPerPosition: number;
  /**
   * Rough activation bytes kept for the backward pass per token, at `contextLength` keys per
   * query (all layers; see module doc).
   */
  activationsPerToken: number;
}

/** Memory figures for `config`; `contextLength` sizes the attention-score activations. */
export function memoryEstimate(config: Qwen2Config, contextLength = 1024): MemoryEstimate {
  const n = paramCount(config).total;
  const H = config.hidden_size, I = config.intermediate_size;
  const hd = headDim(config), kv = config.num_key_value_heads * hd;
  const nh = config.num_attention_heads;
  // Per token and layer, the forward creates ≈ 12·H (norms, residuals, attention output),
  // 7·(H + kv) (fused q/k projection, RoPE, head split), 5·I (gate, SiLU, up, product) floats,
  // and 3 copies of the nh·S attention scores (scores, masked, softmax).
  const perLayer = 12 * H + 7 * (H + kv) + 5 * I + 3 * nh * contextLength;
  return {
    weights: 4 * n,
    bf16File: 2 * n,
    gradients: 4 * n,
    adamw: 8 * n,
    preparedWeights: 4 * n,
    kvCachePerToken: 2 * config.num_hidden_layers * kv * 4,
    logitsPerPosition: 4 * config.vocab_size,
    activationsPerToken: 4 * perLayer * config.num_hidden_layers,
  };
}

/** Most bytes a wasm32 heap (the `wasm` and `native` backends) can address. */
export const WASM_HEAP_LIMIT = 4 * 2 ** 30;

/**
 * Why `config` cannot run on `backend`, or `null`: on `wasm`/`native` the float32 weights plus
 * the copy each forward prepares must fit the 4 GiB wasm heap (about 450 M parameters).
 */
export function backendMemoryProblem(config: Qwen2Config, backend: string): string | null {
  if (backend !== "wasm" && backend !== "native") return null;
  const m = memoryEstimate(config);
  const need = m.weights + m.preparedWeights;
  if (need <= WASM_HEAP_LIMIT * 0.9) return null;
  const gb = (x: number) => `${(x / 1e9).toFixed(1)} GB`;
  return `the model needs ${gb(need)} (float32 weights ${gb(m.weights)} + the forward's ` +
    `prepared copy) but the ${backend} backend's wasm heap holds at most 4 GiB: use ` +
    `--backend tensorflow (tfjs-node or tfjs-node-gpu) or --backend cpu`;
}
