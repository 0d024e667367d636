import * as tf from "@tensorflow/tfjs-core";
import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { generate, type GenerateOptions, Rng, sampleToken } from "../lib/model/mod.ts";
import { bigModel, throwsOneLine, TINY } from "./_tiny_model.ts";

const PAD = 0, NO_EOS = 12;
const PROMPTS = [[1, 5, 9, 2, 7], [1, 3], [1, 8, 8, 4, 10, 11, 6, 2], [1]];

function greedyByRecomputation(model: ReturnType<typeof bigModel>, prompt: number[], n: number) {
  const seq = [...prompt];
  for (let i = 0; i < n; i++) {
    const logits = tf.tidy(() =>
      model.forward(tf.tensor2d([seq], undefined, "int32"), { lastOnly: true }).dataSync()
    );
    seq.push(logits.indexOf(Math.max(...logits)));
  }
  return seq.slice(prompt.length);
}

const greedy = (seeds: number[]): GenerateOptions => ({
  maxNewTokens: 10,
  temperature: 0,
  eosId: NO_EOS,
  padId: PAD,
  seeds,
});

Deno.test("greedy KV-cached generation equals full recomputation at every step", () => {
  const model = bigModel(TINY, 21);
  for (const prompt of PROMPTS) {
    const want = greedyByRecomputation(model, prompt, 10).filter((_, i, a) =>
      !a.slice(0, i + 1).includes(NO_EOS)
    );
    const got = generate(model, [prompt], greedy([0]));
    assertEquals(got.tokens[0], want);
  }
  model.dispose();
});

Deno.test("a batch of different-length prompts gives each prompt's greedy output alone", () => {
  const model = bigModel(TINY, 22);
  const alone = PROMPTS.map((p) => generate(model, [p], greedy([0])));
  for (const compact of [true, false]) {
    const batch = generate(model, PROMPTS, { ...greedy([0, 1, 2, 3]), compact });
    assertEquals(batch.tokens, alone.map((r) => r.tokens[0]));
    assertEquals(batch.finished, alone.map((r) => r.finished[0]));
  }
  model.dispose();
});

Deno.test("seeded sampling replays exactly, whatever else is in the batch", () => {
  const model = bigModel(TINY, 23, 0.3);
  const opts = (seeds: number[]): GenerateOptions => ({
    maxNewTokens: 12,
    temperature: 1,
    topP: 0.95,
    eosId: 2,
    padId: PAD,
    seeds,
  });
  const a = generate(model, PROMPTS, opts([10, 11, 12, 13]));
  const again = generate(model, PROMPTS, opts([10, 11, 12, 13]));
  assertEquals(again, a);
  // Reversed order, and each prompt alone.
  const rev = generate(model, [...PROMPTS].reverse(), opts([13, 12, 11, 10]));
  assertEquals(rev.tokens, [...a.tokens].reverse());
  PROMPTS.forEach((p, i) => {
    const one = generate(model, [p], opts([10 + i]));
    assertEquals(one.tokens[0], a.tokens[i]);
    assertEquals(one.finished[0], a.finished[i]);
  });
  // Different seeds give different samples (overwhelmingly likely at temperature 1).
  const other = generate(model, PROMPTS, opts([20, 21, 22, 23]));
  assert(JSON.stringify(other.tokens) !== JSON.stringify(a.tokens));
  model.dispose();
});

Deno.test("dropping finished rows (compact) does not change any completion", () => {
  const model = bigModel(TINY, 27, 0.3);
  const prompts = [...PROMPTS, [1, 9, 9], [1, 4, 7, 10], [1, 2, 3], [1, 11]];
  const opts = (compact: boolean): GenerateOptions => ({
    maxNewTokens: 24,
    temperature: 1,
    eosId: 5,
    padId: PAD,
    seeds: prompts.map((_, i) => 100 + i),
    compact,
  });
  const a = generate(model, prompts, opts(true)), b = generate(model, prompts, opts(false));
  assertEquals(a, b);
  // Rows finished at different times (so the cache was compacted at least once).
  const lengths = new Set(a.tokens.filter((_, i) => a.finished[i]).map((t) => t.length));
  assert(a.finished.filter(Boolean).length >= 5 && lengths.size >= 3, JSON.stringify(a));
  model.dispose();
});

Deno.test("rows stop at EOS (excluded from tokens) and others keep going", () => {
  const model = bigModel(TINY, 24);
  const free = generate(model, PROMPTS, greedy([0, 0, 0, 0]));
  // Pick as EOS a token row 0 emits at step 3 that does not occur before it.
  const eos = free.tokens[0][3];
  const cut = (t: number[]) => (t.includes(eos) ? t.slice(0, t.indexOf(eos)) : t);
  if (!free.tokens[0].slice(0, 3).includes(eos)) {
    const res = generate(model, PROMPTS, { ...greedy([0, 0, 0, 0]), eosId: eos });
    assertEquals(res.tokens, free.tokens.map(cut));
    assertEquals(res.finished, free.tokens.map((t) => t.includes(eos)));
    assertEquals(res.tokens[0].length, 3);
  }
  model.dispose();
});

Deno.test("completions never run past max_position_embeddings", () => {
  const config = { ...TINY, max_position_embeddings: 8 };
  const model = bigModel(config, 25);
  const prompts = [[1, 2, 3, 4, 5, 6], [1, 2], [1, 2, 3, 4, 5, 6, 7, 8]];
  const res = generate(model, prompts, { ...greedy([0, 1, 2]), maxNewTokens: 20 });
  assertEquals(res.tokens.map((t) => t.length), [2, 6, 0]);
  throwsOneLine(
    () => generate(model, [[1, 2, 3, 4, 5, 6, 7, 8, 9]], greedy([0])),
    "generate: prompt 0 has 9 tokens > max_position_embeddings 8",
  );
  throwsOneLine(() => generate(model, [[1]], greedy([0, 1])), "generate: 2 seeds for 1 prompts");
  model.dispose();
});

Deno.test("generate does not leak tensors", () => {
  const model = bigModel(TINY, 26);
  const run = () =>
    generate(model, PROMPTS, {
      maxNewTokens: 6,
      temperature: 0.8,
      eosId: 2,
      padId: PAD,
      seeds: [1, 2, 3, 4],
    });
  run();
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) run();
  assertEquals(tf.memory().numTensors, before);
  model.dispose();
});

Deno.test("sampleToken: greedy, temperature and nucleus", () => {
  const logits = [0, Math.log(2), Math.log(5), Math.log(2), -Infinity];
  const rng = new Rng(1);
  assertEquals(sampleToken(logits, 0, 5, 0, 1, rng), 2);
  // A nucleus below the top token's mass (5/10) keeps only it.
  for (let i = 0; i < 50; i++) assertEquals(sampleToken(logits, 0, 5, 1, 0.4, rng), 2);
  // Full distribution: frequencies ≈ [1, 2, 5, 2, 0] / 10.
  const counts = [0, 0, 0, 0, 0];
  const n = 20000;
  for (let i = 0; i < n; i++) counts[sampleToken(logits, 0, 5, 1, 1, rng)]++;
  [0.1, 0.2, 0.5, 0.2, 0].forEach((p, v) => {
    assert(Math.abs(counts[v] / n - p) < 0.015, `token ${v}: ${counts[v] / n} vs ${p}`);
  });
  // topP 0.75 keeps {2, 1, 3} (ties by id): token 0 never drawn.
  const c2 = [0, 0, 0, 0, 0];
  for (let i = 0; i < 5000; i++) c2[sampleToken(logits, 0, 5, 1, 0.75, rng)]++;
  assertEquals(c2[0], 0);
  assert(c2[1] > 0 && c2[3] > 0);
  // High temperature flattens: token 0 becomes frequent.
  let zeros = 0;
  for (let i = 0; i < 5000; i++) if (sampleToken(logits, 0, 5, 100, 1, rng) === 0) zeros++;
  assert(zeros / 5000 > 0.2);
});
