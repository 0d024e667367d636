import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { join } from "node:path";
import { registerAllGradients } from "../lib/backend/gradients.ts";
import { loadModel, toFloat32 } from "../lib/hf/mod.ts";
import { decodeToFloat32, generate, type Qwen2Config } from "../lib/model/mod.ts";
import { assert, assertEquals } from "./_assert.ts";
import {
  type CheckpointOptions,
  HF_TINY,
  writeCheckpoint,
  writeTokenizer,
} from "./_hf_fixtures.ts";
import { throwsOneLine } from "./_tiny_model.ts";

await tf.setBackend("cpu");
registerAllGradients();

/**
 * Plain reference Qwen2 forward over one sequence (float64 loops over the stored float32
 * weights): embedding, RMSNorm, q/k/v with biases, RoPE (rotate_half), GQA causal attention,
 * o_proj, SwiGLU MLP, final norm, lm_head (or the tied embedding). Returns `[T][V]` logits.
 */
function referenceLogits(
  c: Qwen2Config,
  P: Map<string, Float32Array>,
  ids: number[],
): Float64Array[] {
  const H = c.hidden_size, I = c.intermediate_size, V = c.vocab_size;
  const nh = c.num_attention_heads, nkv = c.num_key_value_heads, hd = H / nh, half = hd / 2;
  const W = (name: string) => {
    const w = P.get(name);
    if (!w) throw new Error(`reference: no ${name}`);
    return w;
  };
  const linear = (w: Float32Array, x: Float64Array, out: number, b?: Float32Array) => {
    const y = new Float64Array(out);
    for (let o = 0; o < out; o++) {
      let s = b ? b[o] : 0;
      for (let i = 0; i < x.length; i++) s += w[o * x.length + i] * x[i];
      y[o] = s;
    }
    return y;
  };
  const rmsNorm = (x: Float64Array, w: Float32Array) => {
    let ms = 0;
    for (let i = 0; i < x.length; i++) ms += x[i] * x[i];
    const r = 1 / Math.sqrt(ms / x.length + c.rms_norm_eps);
    return x.map((v, i) => v * r * w[i]);
  };
  // In place on head `h` (offset h·hd) of `x`: x·cos + rotate_half(x)·sin.
  const rope = (x: Float64Array, h: number, pos: number) => {
    const o = h * hd;
    const u = x.slice(o, o + hd);
    for (let i = 0; i < hd; i++) {
      const angle = pos / Math.pow(c.rope_theta, (2 * (i % half)) / hd);
      const rot = i < half ? -u[i + half] : u[i - half];
      x[o + i] = u[i] * Math.cos(angle) + rot * Math.sin(angle);
    }
  };
  const E = W("model.embed_tokens.weight");
  const T = ids.length;
  const xs = ids.map((id) => Float64Array.from(E.subarray(id * H, (id + 1) * H)));
  for (let l = 0; l < c.num_hidden_layers; l++) {
    const p = `model.layers.${l}.`, a = p + "self_attn.", m = p + "mlp.";
    const q: Float64Array[] = [], k: Float64Array[] = [], v: Float64Array[] = [];
    for (let t = 0; t < T; t++) {
      const h = rmsNorm(xs[t], W(p + "input_layernorm.weight"));
      q.push(linear(W(a + "q_proj.weight"), h, nh * hd, W(a + "q_proj.bias")));
      k.push(linear(W(a + "k_proj.weight"), h, nkv * hd, W(a + "k_proj.bias")));
      v.push(linear(W(a + "v_proj.weight"), h, nkv * hd, W(a + "v_proj.bias")));
      for (let j = 0; j < nh; j++) rope(q[t], j, t);
      for (let j = 0; j < nkv; j++) rope(k[t], j, t);
    }
    for (let t = 0; t < T; t++) {
      const att = new Float64Array(nh * hd);
      for (let h = 0; h < nh; h++) {
        const kv = Math.floor(h / (nh / nkv));
        const scores = new Float64Array(t + 1);
        let max = -Infinity;
        for (let s = 0; s <= t; s++) {
          let d = 0;
          for (let i = 0; i < hd; i++) d += q[t][h * hd + i] * k[s][kv * hd + i];
          scores[s] = d / Math.sqrt(hd);
          max = Math.max(max, scores[s]);
        }
        let sum = 0;
        for (let s = 0; s <= t; s++) sum += scores[s] = Math.exp(scores[s] - max);
        for (let s = 0; s <= t; s++) {
          for (let i = 0; i < hd; i++) att[h * hd + i] += (scores[s] / sum) * v[s][kv * hd + i];
        }
      }
      const o = linear(W(a + "o_proj.weight"), att, H);
      for (let i = 0; i < H; i++) xs[t][i] += o[i];
      const h2 = rmsNorm(xs[t], W(p + "post_attention_layernorm.weight"));
      const g = linear(W(m + "gate_proj.weight"), h2, I);
      const u = linear(W(m + "up_proj.weight"), h2, I);
      const act = g.map((z, i) => (z / (1 + Math.exp(-z))) * u[i]);
      const d = linear(W(m + "down_proj.weight"), act, H);
      for (let i = 0; i < H; i++) xs[t][i] += d[i];
    }
  }
  const lm = c.tie_word_embeddings ? E : W("lm_head.weight");
  return xs.map((x) => linear(lm, rmsNorm(x, W("model.norm.weight")), V));
}

function argmax(x: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
  return best;
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string) {
  assertEquals(actual.length, expected.length, what);
  for (let i = 0; i < actual.length; i++) {
    const tol = 1e-4 * (1 + Math.abs(expected[i]));
    if (!(Math.abs(actual[i] - expected[i]) <= tol)) {
      throw new Error(`${what}[${i}]: ${actual[i]} vs reference ${expected[i]}`);
    }
  }
}

function folder(config: Qwen2Config, opts: CheckpointOptions = {}, tok: "r1" | "qwen" = "r1") {
  const dir = Deno.makeTempDirSync({ prefix: "hf_model_test_" });
  const values = writeCheckpoint(dir, config, opts);
  writeTokenizer(dir, tok);
  return { dir, values };
}

const VARIANTS: { name: string; config: Qwen2Config; opts: CheckpointOptions }[] = [
  { name: "F32, single file, untied", config: HF_TINY, opts: { dtype: "F32" } },
  {
    name: "BF16, 3 shards, tied",
    config: { ...HF_TINY, tie_word_embeddings: true },
    opts: { dtype: "BF16", shards: 3, seed: 2 },
  },
  {
    name: "F16, single file, tied with a stored lm_head and inv_freq buffers (ignored)",
    config: { ...HF_TINY, tie_word_embeddings: true },
    opts: {
      dtype: "F16",
      seed: 3,
      extra: {
        "lm_head.weight": [HF_TINY.vocab_size, HF_TINY.hidden_size],
        "model.layers.0.self_attn.rotary_emb.inv_freq": [2],
      },
    },
  },
  {
    name: "BF16, 2 shards, untied, one KV head, vocab 1100 (gather embedding)",
    config: { ...HF_TINY, num_key_value_heads: 1, vocab_size: 1100 },
    opts: { dtype: "BF16", shards: 2, seed: 4 },
  },
];

for (const { name, config, opts } of VARIANTS) {
  Deno.test(`hf load: ${name}: exact weights, logits match the reference`, () => {
    const { dir, values } = folder(config, opts);
    try {
      const before = tf.memory().numTensors;
      const m = loadModel(dir);
      assertEquals(m.config, config);
      assertEquals(m.tokenizer.kind, "hf");
      assertEquals(m.weights.shards.length, opts.shards ?? 1);
      assertEquals(Object.keys(m.weights.dtypes), [opts.dtype ?? "F32"]);
      for (const [n, v] of m.model.params) {
        assertEquals(v.dataSync() as Float32Array, values.get(n)!, n);
      }
      const ids = [266, 269, 5, 77, 256, 263, 270, 271, 1, 220];
      const logits = tf.tidy(() => m.model.forward(tf.tensor2d([ids], [1, ids.length], "int32")));
      const got = logits.dataSync();
      logits.dispose();
      const ref = referenceLogits(config, values, ids);
      const V = config.vocab_size;
      ref.forEach((row, t) => assertClose(got.subarray(t * V, (t + 1) * V), row, `logits[${t}]`));
      m.model.dispose();
      assertEquals(tf.memory().numTensors, before, "no tensor leaked");
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  });
}

Deno.test("hf load: greedy generation (batched, left-padded) matches reference argmax decoding", () => {
  const config = { ...HF_TINY, tie_word_embeddings: true };
  const { dir, values } = folder(config, { dtype: "BF16", shards: 2, seed: 9 });
  try {
    const m = loadModel(dir);
    const prompts = [[266, 269, 40, 41, 42, 270], [266, 269, 7, 270]];
    const steps = 6;
    const out = generate(m.model, prompts, {
      maxNewTokens: steps,
      temperature: 0,
      eosId: m.codec.eosId,
      padId: m.codec.padId,
      seeds: [1, 2],
    });
    prompts.forEach((prompt, b) => {
      const seq = [...prompt];
      const expected: number[] = [];
      for (let s = 0; s < steps; s++) {
        const logits = referenceLogits(config, values, seq);
        const next = argmax(logits[logits.length - 1]);
        if (next === m.codec.eosId) break;
        expected.push(next);
        seq.push(next);
      }
      assertEquals(out.tokens[b], expected, `row ${b}`);
    });
    m.model.dispose();
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("hf load: bad folders fail with one-line errors naming the file and tensor/field", () => {
  const cases: { what: string; prepare: (dir: string) => void; prefix: (dir: string) => string }[] =
    [
      {
        what: "missing config.json",
        prepare: (d) => Deno.removeSync(join(d, "config.json")),
        prefix: (d) => `${join(d, "config.json")}: missing file`,
      },
      {
        what: "config.json without hidden_size",
        prepare: (d) => {
          const p = join(d, "config.json");
          const cfg = JSON.parse(Deno.readTextFileSync(p));
          delete cfg.hidden_size;
          Deno.writeTextFileSync(p, JSON.stringify(cfg));
        },
        prefix: (d) => `${join(d, "config.json")}: field "hidden_size": missing`,
      },
      {
        what: "missing tokenizer.json",
        prepare: (d) => Deno.removeSync(join(d, "tokenizer.json")),
        prefix: (d) => `${join(d, "tokenizer.json")}: missing file`,
      },
      {
        what: "missing weights",
        prepare: (d) => Deno.removeSync(join(d, "model.safetensors")),
        prefix: (d) => `${join(d, "model.safetensors")}: missing file`,
      },
      {
        what: "missing tensor",
        prepare: (d) =>
          writeCheckpoint(d, HF_TINY, { omit: ["model.layers.1.self_attn.q_proj.weight"] }),
        prefix: (d) =>
          `${
            join(d, "model.safetensors")
          }: tensor "model.layers.1.self_attn.q_proj.weight": missing`,
      },
      {
        what: "untied config without lm_head",
        prepare: (d) => writeCheckpoint(d, HF_TINY, { omit: ["lm_head.weight"] }),
        prefix: (d) => `${join(d, "model.safetensors")}: tensor "lm_head.weight": missing`,
      },
      {
        what: "wrong shape",
        prepare: (d) => writeCheckpoint(d, HF_TINY, { reshape: { "model.norm.weight": [15] } }),
        prefix: (d) =>
          `${join(d, "model.safetensors")}: tensor "model.norm.weight": shape [15], expected [16]`,
      },
      {
        what: "unsupported dtype",
        prepare: (d) =>
          writeCheckpoint(d, HF_TINY, { dtypeOverride: { "model.norm.weight": "I8" } }),
        prefix: (d) =>
          `${
            join(d, "model.safetensors")
          }: tensor "model.norm.weight": field "dtype": unsupported dtype I8`,
      },
      {
        what: "unexpected tensor",
        prepare: (d) => writeCheckpoint(d, HF_TINY, { extra: { "model.extra.weight": [2, 2] } }),
        prefix: (d) => `${join(d, "model.safetensors")}: tensor "model.extra.weight": unexpected`,
      },
      {
        what: "index naming a missing shard",
        prepare: (d) => {
          Deno.removeSync(join(d, "model.safetensors"));
          writeCheckpoint(d, HF_TINY, { shards: 2 });
          Deno.removeSync(join(d, "model-00002-of-00002.safetensors"));
        },
        prefix: (d) => `${join(d, "model-00002-of-00002.safetensors")}: missing file`,
      },
      {
        what: "tokenizer larger than the embedding table",
        prepare: (d) => writeCheckpoint(d, { ...HF_TINY, vocab_size: 200 }),
        prefix: (d) => `${join(d, "tokenizer.json")}: 273 token ids but`,
      },
    ];
  for (const c of cases) {
    const { dir } = folder(HF_TINY);
    try {
      c.prepare(dir);
      const before = tf.memory().numTensors;
      throwsOneLine(() => loadModel(dir), c.prefix(dir));
      assertEquals(tf.memory().numTensors, before, `${c.what}: no tensor leaked`);
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  }
  assert(true);
});

Deno.test("toFloat32: the fast F16/BF16/F32 paths equal the model library's decoder", () => {
  const bytes = new Uint8Array(2 * 65536 + 2);
  for (let h = 0; h < 65536; h++) {
    bytes[2 * h] = h & 0xff;
    bytes[2 * h + 1] = h >> 8;
  }
  for (const dtype of ["F16", "BF16"] as const) {
    const fast = toFloat32(bytes.subarray(0, 2 * 65536), dtype);
    const slow = decodeToFloat32(bytes.subarray(0, 2 * 65536), dtype);
    assertEquals(new Uint32Array(fast.buffer), new Uint32Array(slow.buffer), dtype);
    // An odd byte offset (unaligned words) takes the copying path.
    const odd = toFloat32(bytes.subarray(1, 1 + 2 * 1000), dtype);
    assertEquals(odd, decodeToFloat32(bytes.subarray(1, 1 + 2 * 1000), dtype));
  }
  const f32 = new Uint8Array(Float32Array.from([1.5, -2, 3.25]).buffer);
  assertEquals(toFloat32(f32, "F32"), Float32Array.from([1.5, -2, 3.25]));
});
