/**
 * A decoder-only Qwen2 transformer in tfjs-core ops (backend-agnostic):
 * RMSNorm, RoPE (HF `rotate_half`), grouped-query attention with q/k/v
 * biases, SwiGLU MLP, optional tied embeddings. Parameters are `tf.Variable`s
 * keyed by their Hugging Face names and stored in HF layout (Linear weights
 * `[out, in]`), so a `model.safetensors` maps 1:1 onto {@linkcode Qwen2Model.params}.
 *
 * Per forward the weights are first *prepared* (cheap, differentiable,
 * weight-sized ops, see {@linkcode PreparedWeights}): transposed to `[in, out]`,
 * RMSNorm gains and the 1/√d attention scale folded in, q, k and v concatenated,
 * gate and up concatenated. The per-token work is then, per layer: norm, one
 * q/k/v matmul, bias + RoPE + head layout, scores (GQA without repeating K/V),
 * masked softmax, probs·V, o_proj, norm, one gate/up matmul, SiLU(gate)·up,
 * down_proj. The norm, head layout, softmax, SwiGLU and the final log-probs are
 * fused ops (`./fused/`): one kernel each where the backend has them (`native`),
 * their composite tfjs chain elsewhere — about 15 kernels per layer instead of
 * 40. With a KV cache (incremental decoding, no gradient) a whole step is one
 * fused op, `cachedDecoder`: every layer (`cachedDecoderLayer`, bias, RoPE and the
 * cache write folded into the cached attention), the final norm and the LM head,
 * one kernel call per decode step on `native`. On
 * the stock wasm backend (2–10× slower with a transposed matmul operand)
 * the keys are transposed once instead, except at decode time against the KV
 * cache, where appending keys along S is what must stay cheap.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import { headDim, type Qwen2Config } from "./config.ts";
import type { KVCache } from "./kv_cache.ts";
import { Rng } from "./rng.ts";
import { attention } from "./fused/attention.ts";
import { cachedDecoder } from "./fused/decoder.ts";
import { embed } from "./embed.ts";
import { qkvHeads } from "./fused/qkv_heads.ts";
import { rmsNorm } from "./fused/rms_norm.ts";
import { swiGlu } from "./fused/swiglu.ts";

/** Options of {@linkcode Qwen2Model.forward}. */
export interface ForwardOptions {
  /**
   * `[B, T]`, 1 = real token, 0 = padding (left or right). Padding keys are
   * never attended to; positions count real tokens only, so a left-padded
   * row gets the same positions as the unpadded sequence. Default: all ones.
   */
  attentionMask?: tf.Tensor2D;
  /** `[B, T]` explicit position ids (overrides the ones derived from the mask). */
  positions?: tf.Tensor2D;
  /**
   * Incremental decoding: attend to the cached keys/values too, then append
   * this call's keys/values (and mask/positions) to the cache.
   */
  cache?: KVCache;
  /** Only compute logits of the last position: the result is `[B, 1, V]`. */
  lastOnly?: boolean;
}

/**
 * Weights in the layout the forward pass consumes (see module doc). Matmul
 * weights are `[in, out]` (no transposed operand at compute time: the stock
 * wasm matmul is ~10× slower with one).
 */
export interface PreparedWeights {
  /** `[V, H]` token embeddings. */
  embed: tf.Tensor2D;
  /** Per layer. */
  layers: {
    /**
     * `[H, (nh + 2·nkv)·hd]`: q (scaled by 1/√hd), k then v columns; input_layernorm folded in.
     */
    qkv: tf.Tensor2D;
    /** `[(nh + 2·nkv)·hd]` matching biases (q scaled). */
    qkvBias: tf.Tensor1D;
    /** `[nh·hd, H]` o_proj. */
    o: tf.Tensor2D;
    /** `[H, 2·I]`: gate_proj then up_proj columns, post_attention_layernorm folded in. */
    gateUp: tf.Tensor2D;
    /** `[I, H]` down_proj. */
    down: tf.Tensor2D;
  }[];
  /** `[H, V]` output projection with the final norm folded in. */
  lm: tf.Tensor2D;
}

/** A Qwen2 causal LM with `tf.Variable` parameters keyed by HF names. */
export class Qwen2Model {
  /** Hyper-parameters. */
  readonly config: Qwen2Config;
  /** Trainable parameters, HF names → variables (HF shapes). */
  readonly params: Map<string, tf.Variable>;
  readonly #hd: number;
  readonly #cos: Float32Array; // [maxPos, hd]
  readonly #sin: Float32Array;

  /** Wrap existing variables (see {@linkcode Qwen2Model.init}, {@linkcode Qwen2Model.fromTensors}). */
  constructor(config: Qwen2Config, params: Map<string, tf.Variable>) {
    this.config = config;
    this.params = params;
    const expected = parameterShapes(config);
    for (const [name, shape] of expected) {
      const v = params.get(name);
      if (!v) throw new Error(`Qwen2Model: parameter "${name}": missing`);
      if (!sameShape(v.shape, shape)) {
        throw new Error(`Qwen2Model: parameter "${name}": shape [${v.shape}], expected [${shape}]`);
      }
    }
    for (const name of params.keys()) {
      if (!expected.has(name)) throw new Error(`Qwen2Model: parameter "${name}": unexpected`);
    }
    this.#hd = headDim(config);
    [this.#cos, this.#sin] = ropeTables(
      config.max_position_embeddings,
      this.#hd,
      config.rope_theta,
    );
  }

  /** Fresh model: N(0, 0.02) weights and embeddings, zero biases, unit norms (as HF). */
  static init(config: Qwen2Config, seed: number): Qwen2Model {
    const rng = new Rng(seed);
    const params = new Map<string, tf.Variable>();
    for (const [name, shape] of parameterShapes(config)) {
      const n = shape.reduce((a, b) => a * b, 1);
      const data = new Float32Array(n);
      if (name.endsWith("norm.weight")) data.fill(1);
      else if (!name.endsWith(".bias")) {
        for (let i = 0; i < n; i++) data[i] = 0.02 * rng.normal();
      }
      params.set(name, newVariable(data, shape));
    }
    return new Qwen2Model(config, params);
  }

  /**
   * Model from float32 data by HF name (e.g. read from safetensors). The
   * names and shapes must match {@linkcode parameterShapes} exactly.
   */
  static fromTensors(
    config: Qwen2Config,
    tensors: Map<string, { shape: number[]; data: Float32Array }>,
  ): Qwen2Model {
    const params = new Map<string, tf.Variable>();
    try {
      for (const [name, t] of tensors) {
        params.set(name, newVariable(t.data, t.shape));
      }
      return new Qwen2Model(config, params);
    } catch (err) {
      for (const v of params.values()) v.dispose();
      throw err;
    }
  }

  /** Number of scalar parameters. */
  numParams(): number {
    let n = 0;
    for (const v of this.params.values()) n += v.size;
    return n;
  }

  /** Copy all parameter values from `other` (same config), e.g. to refresh a reference model. */
  copyFrom(other: Qwen2Model): void {
    for (const [name, v] of this.params) v.assign(other.params.get(name)!);
  }

  /**
   * Logits `[B, T, V]` (or `[B, 1, V]` with `lastOnly`) for int32 `ids` `[B, T]`.
   * Differentiable w.r.t. {@linkcode Qwen2Model.params}.
   */
  forward(ids: tf.Tensor2D, opts: ForwardOptions = {}): tf.Tensor3D {
    return tf.tidy(() => this.forwardPrepared(this.prepareWeights(), ids, opts));
  }

  /**
   * The weights as the forward pass consumes them (see {@linkcode PreparedWeights}).
   * Differentiable; the caller disposes them ({@linkcode disposePrepared}) when
   * used outside a `tf.tidy`. Build once per generation, not per token.
   */
  prepareWeights(): PreparedWeights {
    return tf.tidy(() =>
      this.#prepare() as unknown as tf.TensorContainer
    ) as unknown as PreparedWeights;
  }

  #prepare(): PreparedWeights {
    const c = this.config, p = (n: string) => this.params.get(n)!;
    const scale = 1 / Math.sqrt(this.#hd);
    // HF Linear [out, in] → [in, out], with the preceding RMSNorm gain folded into the rows.
    const t = (w: tf.Tensor, gain?: tf.Tensor) =>
      tf.transpose(gain ? tf.mul(w, gain) : w) as tf.Tensor2D;
    const layers = [];
    for (let i = 0; i < c.num_hidden_layers; i++) {
      const pre = `model.layers.${i}.`, a = pre + "self_attn.", m = pre + "mlp.";
      const ln1 = p(pre + "input_layernorm.weight");
      const ln2 = p(pre + "post_attention_layernorm.weight");
      layers.push({
        qkv: t(
          tf.concat([
            tf.mul(p(a + "q_proj.weight"), scale),
            p(a + "k_proj.weight"),
            p(a + "v_proj.weight"),
          ], 0),
          ln1,
        ),
        qkvBias: tf.concat([
          tf.mul(p(a + "q_proj.bias"), scale),
          p(a + "k_proj.bias"),
          p(a + "v_proj.bias"),
        ]) as tf.Tensor1D,
        o: t(p(a + "o_proj.weight")),
        gateUp: t(tf.concat([p(m + "gate_proj.weight"), p(m + "up_proj.weight")], 0), ln2),
        down: t(p(m + "down_proj.weight")),
      });
    }
    const embed = p("model.embed_tokens.weight") as tf.Tensor2D;
    const out = c.tie_word_embeddings ? embed : p("lm_head.weight");
    return { embed, layers, lm: t(out, p("model.norm.weight")) };
  }

  /** {@linkcode Qwen2Model.forward} with weights from {@linkcode Qwen2Model.prepareWeights}. */
  forwardPrepared(w: PreparedWeights, ids: tf.Tensor2D, opts: ForwardOptions = {}): tf.Tensor3D {
    const c = this.config, hd = this.#hd;
    const nh = c.num_attention_heads, nkv = c.num_key_value_heads;
    const [B, T] = ids.shape;
    const N = B * T;
    const cache = opts.cache;
    if (cache && cache.batchSize > 0 && cache.batchSize !== B) {
      throw new Error(`Qwen2Model.forward: batch ${B} but the cache holds ${cache.batchSize} rows`);
    }
    const S0 = cache ? cache.length : 0, S = S0 + T;
    const { keyMask, cos, sin } = this.#attentionInputs(B, T, opts);
    const dims = { batch: B, seq: T, heads: nh, kvHeads: nkv, headDim: hd };
    return tf.tidy(() => {
      const maskT = tf.tensor2d(keyMask, [B, S]);
      const cosT = tf.tensor2d(cos, [N, hd]);
      const sinT = tf.tensor2d(sin, [N, hd]);
      if (cache) { // incremental decoding: no gradient, one kernel per step where fused
        const last = opts.lastOnly === true && T > 1;
        const eps = c.rms_norm_eps;
        const logits = cachedDecoder(ids, w, cosT, sinT, dims, cache, maskT, S0, eps, last);
        return tf.reshape(logits, [B, last ? 1 : T, c.vocab_size]) as tf.Tensor3D;
      }
      let x = embed(w.embed, ids); // [N, H]
      for (let i = 0; i < c.num_hidden_layers; i++) {
        const lw = w.layers[i];
        // --- attention: q [B, nh, T, hd], k and v [B, nkv, T, hd] ---
        const qkv = tf.matMul(rmsNorm(x, c.rms_norm_eps), lw.qkv) as tf.Tensor2D;
        const { q, k, v } = qkvHeads(qkv, lw.qkvBias, cosT, sinT, dims);
        const att = attention(q, k, v, maskT); // GQA without repeating K/V; [B, T, nh, hd]
        x = tf.add(x, tf.matMul(tf.reshape(att, [N, nh * hd]), lw.o));
        // --- MLP (SwiGLU) ---
        const gu = tf.matMul(rmsNorm(x, c.rms_norm_eps), lw.gateUp);
        x = tf.add(x, tf.matMul(swiGlu(gu), lw.down));
      }
      let rows = T;
      if (opts.lastOnly && T > 1) {
        x = tf.reshape(tf.slice(tf.reshape(x, [B, T, -1]), [0, T - 1, 0], [B, 1, -1]), [B, -1]);
        rows = 1;
      }
      const logits = tf.matMul(rmsNorm(x, c.rms_norm_eps), w.lm);
      return tf.reshape(logits, [B, rows, c.vocab_size]) as tf.Tensor3D;
    });
  }

  /** Free the parameters. */
  dispose(): void {
    for (const v of this.params.values()) v.dispose();
  }

  /**
   * Plain-JS construction of the key mask `[B, S]` (1 = real token: cached slots, then this
   * call's), the per-token RoPE rows `[B·T, hd]`, and the cache bookkeeping update.
   */
  #attentionInputs(
    B: number,
    T: number,
    opts: ForwardOptions,
  ): { keyMask: Float32Array; cos: Float32Array; sin: Float32Array } {
    const c = this.config, hd = this.#hd;
    const cache = opts.cache;
    const S0 = cache ? cache.length : 0, S = S0 + T;
    const mask = opts.attentionMask ? opts.attentionMask.dataSync() : null;
    const explicit = opts.positions ? opts.positions.dataSync() : null;
    if (opts.attentionMask && !sameShape(opts.attentionMask.shape, [B, T])) {
      throw new Error(
        `Qwen2Model.forward: attentionMask shape [${opts.attentionMask.shape}], expected [${B},${T}]`,
      );
    }
    if (opts.positions && !sameShape(opts.positions.shape, [B, T])) {
      throw new Error(
        `Qwen2Model.forward: positions shape [${opts.positions.shape}], expected [${B},${T}]`,
      );
    }
    const keyMask = new Float32Array(B * S);
    const cos = new Float32Array(B * T * hd);
    const sin = new Float32Array(B * T * hd);
    const cosTable = this.#cos, sinTable = this.#sin;
    const maxPos = c.max_position_embeddings;
    const newMasks: number[][] = [];
    const nextPos: number[] = [];
    for (let b = 0; b < B; b++) {
      const rowMask = new Array<number>(T);
      for (let t = 0; t < T; t++) rowMask[t] = mask ? (mask[b * T + t] ? 1 : 0) : 1;
      let pos = cache && cache.batchSize > 0 ? cache.nextPos[b] : 0;
      for (let t = 0; t < T; t++) {
        let p: number;
        if (explicit) p = explicit[b * T + t];
        else p = rowMask[t] ? pos : Math.max(pos - 1, 0);
        if (rowMask[t]) pos = explicit ? p + 1 : pos + 1;
        if (p >= maxPos || p < 0) {
          if (rowMask[t] || p < 0) {
            throw new Error(
              `Qwen2Model.forward: position ${p} of row ${b} outside [0, max_position_embeddings=${maxPos})`,
            );
          }
          p = maxPos - 1; // padding past the end: any valid row of the table
        }
        const src = p * hd, dst = (b * T + t) * hd;
        for (let i = 0; i < hd; i++) {
          cos[dst + i] = cosTable[src + i];
          sin[dst + i] = sinTable[src + i];
        }
      }
      if (cache && S0 > 0) keyMask.set(cache.keyMask[b], b * S);
      for (let t = 0; t < T; t++) keyMask[b * S + S0 + t] = rowMask[t];
      newMasks.push(rowMask);
      nextPos.push(pos);
    }
    // Every check passed: the cache grows by this call's slots (each row's mask extended in place).
    if (cache) {
      if (S0 > 0) cache.keyMask.forEach((m, b) => m.push(...newMasks[b]));
      else cache.keyMask = newMasks;
      cache.nextPos = nextPos;
      cache.length = S;
    }
    return { keyMask, cos, sin };
  }
}

/** HF parameter names → shapes for `config`, in a stable order. */
export function parameterShapes(config: Qwen2Config): Map<string, number[]> {
  const H = config.hidden_size, I = config.intermediate_size, V = config.vocab_size;
  const hd = headDim(config);
  const q = config.num_attention_heads * hd, kv = config.num_key_value_heads * hd;
  const m = new Map<string, number[]>();
  m.set("model.embed_tokens.weight", [V, H]);
  for (let i = 0; i < config.num_hidden_layers; i++) {
    const p = `model.layers.${i}.`;
    m.set(p + "input_layernorm.weight", [H]);
    m.set(p + "self_attn.q_proj.weight", [q, H]);
    m.set(p + "self_attn.q_proj.bias", [q]);
    m.set(p + "self_attn.k_proj.weight", [kv, H]);
    m.set(p + "self_attn.k_proj.bias", [kv]);
    m.set(p + "self_attn.v_proj.weight", [kv, H]);
    m.set(p + "self_attn.v_proj.bias", [kv]);
    m.set(p + "self_attn.o_proj.weight", [H, q]);
    m.set(p + "post_attention_layernorm.weight", [H]);
    m.set(p + "mlp.gate_proj.weight", [I, H]);
    m.set(p + "mlp.up_proj.weight", [I, H]);
    m.set(p + "mlp.down_proj.weight", [H, I]);
  }
  m.set("model.norm.weight", [H]);
  if (!config.tie_word_embeddings) m.set("lm_head.weight", [V, H]);
  return m;
}

/** A trainable variable holding a copy of `data` (no stray tensor left registered). */
function newVariable(data: Float32Array, shape: number[]): tf.Variable {
  const t = tf.tensor(data, shape, "float32");
  const v = tf.variable(t, true);
  t.dispose(); // the variable keeps the data alive (shared, ref-counted)
  return v;
}

/** Dispose the tensors {@linkcode Qwen2Model.prepareWeights} created (not the variables). */
export function disposePrepared(w: PreparedWeights, model: Qwen2Model): void {
  const vars = new Set<tf.Tensor>(model.params.values());
  const all: tf.Tensor[] = [w.embed, w.lm];
  for (const l of w.layers) all.push(l.qkv, l.qkvBias, l.o, l.gateUp, l.down);
  for (const t of all) if (!vars.has(t)) t.dispose();
}

/** cos/sin of `pos · inv_freq` duplicated over both halves (HF Qwen2 rotary embedding). */
function ropeTables(maxPos: number, hd: number, theta: number): [Float32Array, Float32Array] {
  const cos = new Float32Array(maxPos * hd), sin = new Float32Array(maxPos * hd);
  const half = hd / 2;
  for (let i = 0; i < half; i++) {
    const invFreq = Math.fround(1 / Math.pow(theta, (2 * i) / hd));
    for (let p = 0; p < maxPos; p++) {
      const a = Math.fround(p * invFreq);
      cos[p * hd + i] = cos[p * hd + i + half] = Math.cos(a);
      sin[p * hd + i] = sin[p * hd + i + half] = Math.sin(a);
    }
  }
  return [cos, sin];
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
