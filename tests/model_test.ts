import * as tf from "@tensorflow/tfjs-core";
import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import {
  KVCache,
  loadConfig,
  parameterShapes,
  parseConfig,
  Qwen2Model,
  tokenLogProbs,
  tokenLogProbsAndEntropy,
} from "../lib/model/mod.ts";
import { bigModel, paramArrays, referenceLogits, throwsOneLine, TINY } from "./_tiny_model.ts";

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

Deno.test("forward matches a naive float64 Qwen2 (tied and untied embeddings)", () => {
  for (const tied of [true, false]) {
    const config = { ...TINY, tie_word_embeddings: tied };
    const model = bigModel(config, 7);
    const ids = [1, 5, 9, 2, 12, 0, 7, 3];
    const ref = referenceLogits(config, paramArrays(model), ids).flat();
    const got = tf.tidy(() => model.forward(tf.tensor2d([ids], undefined, "int32")).dataSync());
    const scale = Math.max(...ref.map(Math.abs));
    assert(scale > 1, `logits too flat to be a meaningful test (max |logit| ${scale})`);
    const err = maxAbsDiff(got, ref);
    assert(err < 1e-4 * scale, `tied=${tied}: max |diff| ${err} (max |logit| ${scale})`);
    model.dispose();
  }
});

Deno.test("left and right padding give each row the logits it has alone", () => {
  const model = bigModel(TINY, 3);
  const a = [1, 4, 6, 8, 10, 2, 3], b = [1, 11, 5];
  const alone = (s: number[]) =>
    tf.tidy(() => model.forward(tf.tensor2d([s], undefined, "int32")).arraySync()[0]);
  const la = alone(a), lb = alone(b);
  const pad = a.length - b.length;
  // Left padding (generation layout).
  const left = tf.tidy(() =>
    model.forward(tf.tensor2d([a, [...Array(pad).fill(0), ...b]], undefined, "int32"), {
      attentionMask: tf.tensor2d([a.map(() => 1), [...Array(pad).fill(0), ...b.map(() => 1)]]),
    }).arraySync()
  );
  // Right padding (training layout).
  const right = tf.tidy(() =>
    model.forward(tf.tensor2d([a, [...b, ...Array(pad).fill(0)]], undefined, "int32"), {
      attentionMask: tf.tensor2d([a.map(() => 1), [...b.map(() => 1), ...Array(pad).fill(0)]]),
    }).arraySync()
  );
  for (let t = 0; t < a.length; t++) {
    assert(maxAbsDiff(left[0][t], la[t]) < 1e-4);
    assert(maxAbsDiff(right[0][t], la[t]) < 1e-4);
  }
  for (let t = 0; t < b.length; t++) {
    assert(maxAbsDiff(left[1][pad + t], lb[t]) < 1e-4, `left-padded row, t=${t}`);
    assert(maxAbsDiff(right[1][t], lb[t]) < 1e-4, `right-padded row, t=${t}`);
  }
  model.dispose();
});

Deno.test("feeding a padded batch through the KV cache in chunks equals one full forward", () => {
  const model = bigModel(TINY, 4);
  const rows = [[0, 0, 1, 6, 2, 9, 4, 11], [1, 3, 5, 7, 9, 11, 2, 4]];
  const masks = [[0, 0, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1]];
  const full = tf.tidy(() =>
    model.forward(tf.tensor2d(rows, undefined, "int32"), { attentionMask: tf.tensor2d(masks) })
      .arraySync()
  );
  const cache = new KVCache();
  const got: number[][][] = [[], []]; // [B][T][V]
  for (const [a, b] of [[0, 3], [3, 4], [4, 8]]) {
    const part = tf.tidy(() =>
      model.forward(tf.tensor2d(rows.map((r) => r.slice(a, b)), undefined, "int32"), {
        attentionMask: tf.tensor2d(masks.map((m) => m.slice(a, b))),
        cache,
      }).arraySync()
    );
    part.forEach((row, i) => got[i].push(...row));
  }
  assertEquals(cache.length, 8);
  assertEquals(cache.nextPos, [6, 8]);
  for (let b = 0; b < 2; b++) {
    for (let t = 0; t < 8; t++) {
      if (masks[b][t]) assert(maxAbsDiff(got[b][t], full[b][t]) < 1e-4, `row ${b} t ${t}`);
    }
  }
  cache.dispose();
  model.dispose();
});

Deno.test("a cache row picked twice by select is two rows: each decodes as the original", () => {
  const model = bigModel(TINY, 4);
  const rows = [[0, 0, 1, 6], [1, 3, 5, 7]];
  const masks = [[0, 0, 1, 1], [1, 1, 1, 1]];
  const cache = new KVCache();
  const step = (ids: number[][]) =>
    tf.tidy(() => model.forward(tf.tensor2d(ids, undefined, "int32"), { cache }).arraySync());
  tf.tidy(() => {
    model.forward(tf.tensor2d(rows, undefined, "int32"), {
      attentionMask: tf.tensor2d(masks),
      cache,
    });
  });
  const alone = new KVCache();
  tf.tidy(() => {
    model.forward(tf.tensor2d([rows[0]], undefined, "int32"), {
      attentionMask: tf.tensor2d([masks[0]]),
      cache: alone,
    });
  });
  cache.select([0, 0]);
  const twice = step([[9], [9]]);
  const once = tf.tidy(() =>
    model.forward(tf.tensor2d([[9]], undefined, "int32"), { cache: alone }).arraySync()
  );
  assertEquals(cache.keyMask, [[0, 0, 1, 1, 1], [0, 0, 1, 1, 1]]);
  assert(cache.keyMask[0] !== cache.keyMask[1], "the two rows share one mask array");
  for (const b of [0, 1]) assert(maxAbsDiff(twice[b][0], once[0][0]) < 1e-5, `row ${b}`);
  cache.dispose();
  alone.dispose();
  model.dispose();
});

Deno.test("gradients of a tokenLogProbs loss match central finite differences", () => {
  // Autodiff (float32, tfjs) vs central differences of the same loss computed by the naive
  // float64 reference (float32 differences are dominated by rounding/curvature at any eps).
  const model = bigModel(TINY, 11, 0.3);
  const rows = [[1, 5, 9, 2, 12, 7], [0, 0, 1, 3, 3, 8]];
  const maskRows = [[1, 1, 1, 1, 1, 1], [0, 0, 1, 1, 1, 1]];
  const coef = [[0.3, -1.2, 0.8, 1.5, -0.4], [0.9, 0.1, -0.7, 1.1, 0.6]];
  const ids = tf.tensor2d(rows, undefined, "int32");
  const mask = tf.tensor2d(maskRows);
  // Weight of the log-prob of target t+1: both the input t and the target are real tokens.
  const w = coef.map((c, b) => c.map((x, t) => x * maskRows[b][t] * maskRows[b][t + 1]));
  const weights = tf.tensor2d(w);
  const { value, grads } = tf.variableGrads(
    () => tf.sum(tf.mul(tokenLogProbs(model, ids, mask), weights)) as tf.Scalar,
    [...model.params.values()],
  );
  const P = paramArrays(model);
  const refLoss = () => {
    let loss = 0;
    rows.forEach((row, b) => {
      const first = maskRows[b].indexOf(1);
      const seq = row.slice(first);
      const logits = referenceLogits(TINY, P, seq);
      for (let t = 0; t + 1 < seq.length; t++) {
        const z = logits[t], mx = Math.max(...z);
        const lse = mx + Math.log(z.reduce((a, x) => a + Math.exp(x - mx), 0));
        loss += w[b][first + t] * (z[seq[t + 1]] - lse);
      }
    });
    return loss;
  };
  const l0 = value.dataSync()[0];
  assert(Math.abs(l0 - refLoss()) < 1e-4 * Math.abs(l0), `loss ${l0} vs reference ${refLoss()}`);
  const eps = 1e-5;
  let checked = 0;
  for (const [name, v] of model.params) {
    const g = grads[v.name].dataSync();
    const p = P.get(name)!;
    // The three largest gradient entries (a real bug shows there) and two arbitrary ones.
    const order = Array.from(g.keys()).sort((i, j) => Math.abs(g[j]) - Math.abs(g[i]));
    assert(Math.abs(g[order[0]]) > 1e-3, `${name}: gradient is ~0`);
    for (const idx of [order[0], order[1], order[2], order[order.length >> 1], order.at(-1)!]) {
      const orig = p[idx];
      p[idx] = orig + eps;
      const up = refLoss();
      p[idx] = orig - eps;
      const down = refLoss();
      p[idx] = orig;
      const fd = (up - down) / (2 * eps);
      assert(
        Math.abs(fd - g[idx]) <= 2e-3 * Math.max(Math.abs(fd), Math.abs(g[idx])) + 1e-4,
        `${name}[${idx}]: autodiff ${g[idx]} vs finite difference ${fd}`,
      );
      checked++;
    }
  }
  assertEquals(checked, 5 * model.params.size);
  value.dispose();
  tf.dispose(Object.values(grads));
  tf.dispose([ids, mask, weights]);
  model.dispose();
});

Deno.test("tokenLogProbsAndEntropy agrees with log-softmax of the logits", () => {
  const model = bigModel(TINY, 5);
  const seq = [1, 4, 4, 9, 12, 2];
  const ids = tf.tensor2d([seq], undefined, "int32");
  const mask = tf.ones([1, seq.length]) as tf.Tensor2D;
  const logits = model.forward(ids).arraySync()[0];
  const { logProbs, entropy } = tokenLogProbsAndEntropy(model, ids, mask);
  const lp = logProbs.arraySync()[0], ent = entropy.arraySync()[0];
  const only = tokenLogProbs(model, ids, mask, { temperature: 2 }).arraySync()[0];
  for (let t = 0; t < seq.length - 1; t++) {
    const z = logits[t];
    const mx = Math.max(...z);
    const lse = mx + Math.log(z.reduce((a, v) => a + Math.exp(v - mx), 0));
    assert(Math.abs(lp[t] - (z[seq[t + 1]] - lse)) < 1e-4);
    const h = -z.reduce((a, v) => a + Math.exp(v - lse) * (v - lse), 0);
    assert(Math.abs(ent[t] - h) < 1e-4);
    const lse2 = Math.log(z.reduce((a, v) => a + Math.exp(v / 2), 0));
    assert(Math.abs(only[t] - (z[seq[t + 1]] / 2 - lse2)) < 1e-4);
  }
  tf.dispose([ids, mask, logProbs, entropy]);
  model.dispose();
});

Deno.test("no tensor leaks across forward, tokenLogProbs and variableGrads", () => {
  const model = bigModel(TINY, 2);
  const ids = tf.tensor2d([[1, 2, 3, 4], [0, 1, 5, 6]], undefined, "int32");
  const mask = tf.tensor2d([[1, 1, 1, 1], [0, 1, 1, 1]]);
  const step = () => {
    tf.tidy(() => {
      model.forward(ids, { attentionMask: mask });
    });
    const { value, grads } = tf.variableGrads(
      () => tf.sum(tokenLogProbs(model, ids, mask)) as tf.Scalar,
      [...model.params.values()],
    );
    value.dispose();
    tf.dispose(Object.values(grads));
  };
  step();
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) step();
  assertEquals(tf.memory().numTensors, before);
  tf.dispose([ids, mask]);
  model.dispose();
});

Deno.test("init is seeded and uses HF names and shapes", () => {
  const a = Qwen2Model.init(TINY, 1), b = Qwen2Model.init(TINY, 1), c = Qwen2Model.init(TINY, 2);
  const shapes = parameterShapes(TINY);
  assertEquals([...a.params.keys()].sort(), [...shapes.keys()].sort());
  assert(!a.params.has("lm_head.weight"));
  for (const [name, v] of a.params) {
    assertEquals(v.shape, shapes.get(name));
    assertEquals(v.dataSync(), b.params.get(name)!.dataSync());
  }
  const e = Array.from(a.params.get("model.embed_tokens.weight")!.dataSync());
  assert(maxAbsDiff(e, c.params.get("model.embed_tokens.weight")!.dataSync()) > 0);
  const std = Math.sqrt(e.reduce((s, x) => s + x * x, 0) / e.length);
  assert(std > 0.015 && std < 0.025, `embedding std ${std}`);
  assertEquals(
    [...a.params.get("model.layers.0.self_attn.q_proj.bias")!.dataSync()].every((x) => x === 0),
    true,
  );
  assertEquals([...a.params.get("model.norm.weight")!.dataSync()].every((x) => x === 1), true);
  const untied = parameterShapes({ ...TINY, tie_word_embeddings: false });
  assertEquals(untied.get("lm_head.weight"), [TINY.vocab_size, TINY.hidden_size]);
  a.dispose();
  b.dispose();
  c.dispose();
});

Deno.test("positions past max_position_embeddings are rejected", () => {
  const model = Qwen2Model.init({ ...TINY, max_position_embeddings: 4 }, 0);
  const err = throwsOneLine(
    () => model.forward(tf.tensor2d([[1, 2, 3, 4, 5]], undefined, "int32")),
    "Qwen2Model.forward: position 4 of row 0 outside [0, max_position_embeddings=4)",
  );
  assert(err);
  model.dispose();
});

Deno.test("config: default config is valid; bad keys fail with one line naming file and field", () => {
  const c = loadConfig("data/bases/imperfect-0.8m/config.json");
  assertEquals(c.hidden_size, 128);
  assertEquals(c.num_hidden_layers, 4);
  assertEquals(c.num_key_value_heads, 2);
  assertEquals(c.vocab_size, 100);
  const good = { ...TINY, model_type: "qwen2", hidden_act: "silu", rope_scaling: null };
  parseConfig(good, "x.json");
  const cases: [unknown, string][] = [
    [{ ...good, hidden_size: undefined }, `x.json: field "hidden_size": missing`],
    [{ ...good, foo: 1 }, `x.json: field "foo": unknown key`],
    [{ ...good, hidden_size: "16" }, `x.json: field "hidden_size": expected a positive integer`],
    [
      { ...good, tie_word_embeddings: 1 },
      `x.json: field "tie_word_embeddings": expected a boolean`,
    ],
    [{ ...good, num_key_value_heads: 3 }, `x.json: field "num_key_value_heads": must divide`],
    [{ ...good, hidden_act: "gelu" }, `x.json: field "hidden_act"`],
    [{ ...good, rope_scaling: { type: "yarn" } }, `x.json: field "rope_scaling": must be null`],
    [[1, 2], `x.json: expected a JSON object`],
  ];
  for (const [json, msg] of cases) {
    const obj = json && typeof json === "object" && !Array.isArray(json)
      ? Object.fromEntries(Object.entries(json).filter(([, v]) => v !== undefined))
      : json;
    throwsOneLine(() => parseConfig(obj, "x.json"), msg);
  }
  throwsOneLine(() => loadConfig("/nonexistent/config.json"), "/nonexistent/config.json: ");
});

Deno.test("copyFrom copies values (not aliases) and bad token ids are rejected", () => {
  const a = Qwen2Model.init(TINY, 1), b = Qwen2Model.init(TINY, 2);
  b.copyFrom(a);
  const name = "model.norm.weight";
  assertEquals(b.params.get(name)!.dataSync(), a.params.get(name)!.dataSync());
  tf.tidy(() => a.params.get(name)!.assign(tf.zeros([TINY.hidden_size])));
  assertEquals(b.params.get(name)!.dataSync()[0], 1);
  throwsOneLine(
    () => a.forward(tf.tensor2d([[1, 13]], undefined, "int32")),
    "Qwen2Model.forward: token id 13 outside [0, 13)",
  );
  a.dispose();
  b.dispose();
});

Deno.test("dispose frees every tensor the model created", () => {
  const before = tf.memory().numTensors;
  const model = Qwen2Model.init(TINY, 0);
  tf.tidy(() => {
    model.forward(tf.tensor2d([[1, 2, 3]], undefined, "int32"));
  });
  model.dispose();
  assertEquals(tf.memory().numTensors, before);
});
