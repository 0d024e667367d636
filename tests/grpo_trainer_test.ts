import * as tf from "@tensorflow/tfjs-core";
import { assert, assertAlmostEquals, assertEquals } from "./_assert.ts";
import { bigModel, TINY } from "./_tiny_model.ts";
import { tokenLogProbs } from "../lib/model/logprobs.ts";
import { grpoLoss, type LossType } from "../lib/train/grpo_loss.ts";
import { accumulatedGrads, chunkByTokens, paramGrads } from "../lib/train/param_grads.ts";
import { DEFAULT_GRPO_CONFIG, type GRPOConfig, GRPOTrainer } from "../lib/rl/grpo_trainer.ts";
import type { Policy, PromptCodec } from "../lib/rl/policy.ts";
import { combineRewards } from "../lib/reward/combine.ts";
import type { Problem } from "../lib/data/problem.ts";
import type { Sampler } from "../lib/curriculum/sampler.ts";

// Rows of a GRPO batch: prompt of 2-4 tokens, completion of 2-6 tokens, per-row advantage.
const ROWS = [
  { ids: [1, 5, 6, 7, 8, 2], prompt: 3, adv: 1.2 },
  { ids: [1, 4, 9, 3], prompt: 2, adv: -0.7 },
  { ids: [1, 5, 3, 3, 10, 11, 12, 2], prompt: 4, adv: 0.3 },
  { ids: [1, 6, 7], prompt: 2, adv: -0.8 },
];

function tensors(rows: typeof ROWS) {
  const B = rows.length;
  const T = Math.max(...rows.map((r) => r.ids.length));
  const ids = new Int32Array(B * T);
  const attn = new Float32Array(B * T);
  const mask = new Float32Array(B * (T - 1));
  rows.forEach((r, b) => {
    r.ids.forEach((id, t) => {
      ids[b * T + t] = id;
      attn[b * T + t] = 1;
      if (t + 1 >= r.prompt && t + 1 < r.ids.length) mask[b * (T - 1) + t] = 1;
    });
  });
  return {
    ids: tf.tensor2d(ids, [B, T], "int32"),
    attn: tf.tensor2d(attn, [B, T]),
    mask: tf.tensor2d(mask, [B, T - 1]),
    advantages: rows.map((r) => r.adv),
    tokens: mask.reduce((a, b) => a + b, 0),
  };
}

for (const loss_type of ["grpo", "dapo", "dr_grpo"] as LossType[]) {
  Deno.test(`accumulated micro-batch gradients equal the whole batch's (${loss_type})`, () => {
    const model = bigModel(TINY, 3, 0.3);
    const cfg = { beta: 0, epsilon: 0.2, loss_type, max_completion_length: 8 };
    const whole = tensors(ROWS);
    const full = paramGrads(
      () =>
        grpoLoss({
          logp: tokenLogProbs(model, whole.ids, whole.attn),
          advantages: whole.advantages,
          mask: whole.mask,
        }, cfg),
      model.params,
    );
    const chunks = chunkByTokens(ROWS, (r) => r.ids.length, 12).map(tensors);
    assert(chunks.length > 1, "the rows must split into several micro-batches");
    const acc = accumulatedGrads(chunks, (ch) =>
      grpoLoss({
        logp: tokenLogProbs(model, ch.ids, ch.attn),
        advantages: ch.advantages,
        mask: ch.mask,
        batch: { sequences: ROWS.length, tokens: whole.tokens },
      }, cfg), model.params);
    assertAlmostEquals(acc.loss, full.loss, 1e-5);
    for (const [name, g] of full.grads) {
      const a = acc.grads.get(name)!.dataSync();
      const b = g.dataSync();
      for (let i = 0; i < b.length; i++) assertAlmostEquals(a[i], b[i], 1e-5, name);
    }
    tf.dispose([...full.grads.values(), ...acc.grads.values()]);
    model.dispose();
  });
}

Deno.test("chunkByTokens keeps padded size within the budget, one row at least", () => {
  const lens = [10, 9, 9, 4, 3, 30];
  const chunks = chunkByTokens(lens, (x) => x, 20);
  assertEquals(chunks, [[10, 9], [9, 4], [3], [30]]);
});

// A toy task on the tiny vocabulary: reward = fraction of completion ids equal to 7.
const codec: PromptCodec = {
  encodePrompt: (p) => [1, ...[...p.problem].map((c) => 3 + (c.charCodeAt(0) % 9))],
  decode: (ids) => ids.map((i) => String.fromCharCode(97 + i)).join(""),
  encode: (text) => [...text].map((c) => c.charCodeAt(0) - 97),
  eosId: 2,
  padId: 0,
};
const sevens = combineRewards("sevens", [{
  name: "correctness",
  weight: 1,
  fn: (cs) => cs.map((c) => c.length ? [...c].filter((x) => x === "h").length / c.length : 0),
}]);
const problems: Problem[] = ["ab", "abc", "b", "cab"].map((p, i) => ({
  problem: p,
  solution: "",
  answer: "",
  subject: "toy",
  level: 1,
  unique_id: String(i),
}));
const sampler: Sampler<Problem> = {
  batchAt: (t) => [problems[t % 4], problems[(t + 1) % 4]],
  countsAt: () => null,
};
const config: GRPOConfig = {
  ...DEFAULT_GRPO_CONFIG,
  steps: 3,
  prompts_per_step: 2,
  num_generations: 4,
  max_completion_length: 6,
  learning_rate: 1e-2,
  warmup_steps: 0,
  micro_batch_tokens: 24,
};

function policy(): Policy {
  return { model: bigModel(TINY, 5, 0.3), codec };
}

Deno.test("ZeroGRPO (beta = 0) never creates a reference model; GRPO-with-KL does", () => {
  const p = policy();
  const zero = new GRPOTrainer(p, sevens, sampler, { ...config, beta: 0 });
  assertEquals(zero.reference, null);
  const kl = new GRPOTrainer(p, sevens, sampler, { ...config, beta: 0.04 });
  assert(kl.reference !== null);
  assertEquals(kl.reference!.params.size, p.model.params.size);
  zero.dispose();
  kl.dispose();
  p.model.dispose();
});

Deno.test("a GRPO-with-KL step updates the policy, and KL to the reference becomes positive", () => {
  const p = policy();
  const before = p.model.params.get("model.embed_tokens.weight")!.dataSync().slice();
  const trainer = new GRPOTrainer(p, sevens, sampler, { ...config, beta: 0.04 });
  const m1 = trainer.step(0);
  assertEquals(m1.kl, 0); // policy == reference before the first update
  const m2 = trainer.step(1);
  assert(m2.kl > 0, `KL after an update should be > 0, got ${m2.kl}`);
  assert(m1.ref_time > 0);
  const after = p.model.params.get("model.embed_tokens.weight")!.dataSync();
  assert(after.some((x, i) => x !== before[i]), "parameters should change");
  for (const k of ["reward", "accuracy", "completion_length", "entropy", "step_time"] as const) {
    assert(Number.isFinite(m2[k]), `${k} finite`);
  }
  trainer.dispose();
  p.model.dispose();
});

Deno.test("the same seed replays the same training run", () => {
  const run = () => {
    const p = policy();
    const trainer = new GRPOTrainer(p, sevens, sampler, { ...config, beta: 0 });
    const out = [0, 1, 2].map((t) => {
      const m = trainer.step(t);
      return [m.reward, m.completion_length, m.loss, m.grad_norm];
    });
    trainer.dispose();
    p.model.dispose();
    return out;
  };
  assertEquals(run(), run());
});

Deno.test("no tensors leak across trainer steps", () => {
  const p = policy();
  const trainer = new GRPOTrainer(p, sevens, sampler, { ...config, beta: 0.04 });
  trainer.step(0);
  const n = tf.memory().numTensors;
  trainer.step(1);
  trainer.step(2);
  assertEquals(tf.memory().numTensors, n);
  trainer.dispose();
  p.model.dispose();
});
