/**
 * Shared fixtures for the model tests: tiny configs, a model with large
 * (std 0.5) weights so logits are far from uniform, and a naive float64
 * reference implementation of Qwen2 written straight from the HF code.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { registerAllGradients } from "../lib/backend/gradients.ts";
import { type Qwen2Config, Qwen2Model, Rng } from "../lib/model/mod.ts";

// The model tests run on the cpu backend; MODEL_TEST_BACKEND=wasm|native runs them on another.
const requested = Deno.env.get("MODEL_TEST_BACKEND");
if (requested) {
  const { initBackend } = await import("../lib/backend/mod.ts");
  await initBackend({ backend: requested, quiet: true });
} else await tf.setBackend("cpu");
registerAllGradients(); // tfjs-core's Node entry point ships without gradients

/** hidden 16, 2 layers, 4 heads, 2 KV heads (head size 4), vocab 13. */
export const TINY: Qwen2Config = {
  hidden_size: 16,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  intermediate_size: 24,
  vocab_size: 13,
  max_position_embeddings: 32,
  rope_theta: 10000,
  rms_norm_eps: 1e-6,
  tie_word_embeddings: true,
};

/** A model whose parameters are N(0, std²) (norm gains 1 + N(0, 0.1²)). */
export function bigModel(config: Qwen2Config, seed: number, std = 0.5): Qwen2Model {
  const model = Qwen2Model.init(config, seed);
  const rng = new Rng(seed + 1000);
  for (const [name, v] of model.params) {
    const data = Float32Array.from(
      { length: v.size },
      () => name.endsWith("norm.weight") ? 1 + 0.1 * rng.normal() : std * rng.normal(),
    );
    tf.tidy(() => v.assign(tf.tensor(data, v.shape)));
  }
  return model;
}

/** Parameter values as float64 arrays by HF name. */
export function paramArrays(model: Qwen2Model): Map<string, Float64Array> {
  const m = new Map<string, Float64Array>();
  for (const [name, v] of model.params) m.set(name, Float64Array.from(v.dataSync()));
  return m;
}

/** Naive Qwen2 forward of one unpadded sequence: logits `[T][V]` in float64. */
export function referenceLogits(
  c: Qwen2Config,
  P: Map<string, Float64Array>,
  ids: number[],
): number[][] {
  const H = c.hidden_size, I = c.intermediate_size, V = c.vocab_size;
  const nh = c.num_attention_heads, nkv = c.num_key_value_heads, hd = H / nh;
  const T = ids.length;
  const p = (n: string) => P.get(n)!;
  // y = W x (+ b), W [out, in]
  const linear = (W: Float64Array, x: number[], out: number, b?: Float64Array) =>
    Array.from({ length: out }, (_, o) => {
      let s = b ? b[o] : 0;
      for (let i = 0; i < x.length; i++) s += W[o * x.length + i] * x[i];
      return s;
    });
  const rms = (x: number[], w: Float64Array) => {
    const ms = x.reduce((a, v) => a + v * v, 0) / x.length;
    const r = 1 / Math.sqrt(ms + c.rms_norm_eps);
    return x.map((v, i) => v * r * w[i]);
  };
  const rope = (u: number[], pos: number) => {
    const half = hd / 2;
    const rot = [...u.slice(half).map((v) => -v), ...u.slice(0, half)]; // rotate_half
    return u.map((v, i) => {
      const a = pos / Math.pow(c.rope_theta, (2 * (i % half)) / hd);
      return v * Math.cos(a) + rot[i] * Math.sin(a);
    });
  };
  const E = p("model.embed_tokens.weight");
  let x = ids.map((id) => Array.from(E.subarray(id * H, (id + 1) * H)));
  for (let l = 0; l < c.num_hidden_layers; l++) {
    const pre = `model.layers.${l}.`;
    const hs = x.map((v) => rms(v, p(pre + "input_layernorm.weight")));
    const a = pre + "self_attn.";
    const q = hs.map((h) => linear(p(a + "q_proj.weight"), h, nh * hd, p(a + "q_proj.bias")));
    const k = hs.map((h) => linear(p(a + "k_proj.weight"), h, nkv * hd, p(a + "k_proj.bias")));
    const v = hs.map((h) => linear(p(a + "v_proj.weight"), h, nkv * hd, p(a + "v_proj.bias")));
    const head = (m: number[], j: number) => m.slice(j * hd, (j + 1) * hd);
    const out = Array.from({ length: T }, () => new Array<number>(nh * hd).fill(0));
    for (let h = 0; h < nh; h++) {
      const kvh = Math.floor(h / (nh / nkv)); // repeat_kv
      for (let t = 0; t < T; t++) {
        const qt = rope(head(q[t], h), t);
        const scores = [];
        for (let s = 0; s <= t; s++) {
          const ks = rope(head(k[s], kvh), s);
          scores.push(qt.reduce((acc, qi, i) => acc + qi * ks[i], 0) / Math.sqrt(hd));
        }
        const mx = Math.max(...scores);
        const e = scores.map((z) => Math.exp(z - mx));
        const sum = e.reduce((aa, b) => aa + b, 0);
        for (let s = 0; s <= t; s++) {
          const vs = head(v[s], kvh);
          for (let i = 0; i < hd; i++) out[t][h * hd + i] += (e[s] / sum) * vs[i];
        }
      }
    }
    x = x.map((xt, t) => {
      const o = linear(p(a + "o_proj.weight"), out[t], H);
      return xt.map((val, i) => val + o[i]);
    });
    const m = pre + "mlp.";
    x = x.map((xt) => {
      const h2 = rms(xt, p(pre + "post_attention_layernorm.weight"));
      const g = linear(p(m + "gate_proj.weight"), h2, I);
      const u = linear(p(m + "up_proj.weight"), h2, I);
      const act = g.map((gv, i) => (gv / (1 + Math.exp(-gv))) * u[i]);
      const d = linear(p(m + "down_proj.weight"), act, H);
      return xt.map((val, i) => val + d[i]);
    });
  }
  const lm = c.tie_word_embeddings ? E : p("lm_head.weight");
  return x.map((xt) => linear(lm, rms(xt, p("model.norm.weight")), V));
}

/** Run `fn`, expecting an Error whose message is one line and starts with `prefix`. */
export function throwsOneLine(fn: () => unknown, prefix: string): Error {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  if (!(caught instanceof Error)) throw new Error(`expected an Error starting with ${prefix}`);
  if (!caught.message.startsWith(prefix)) {
    throw new Error(`expected an error starting with:\n  ${prefix}\ngot:\n  ${caught.message}`);
  }
  if (caught.message.includes("\n")) throw new Error(`multi-line error: ${caught.message}`);
  return caught;
}
