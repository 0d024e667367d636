import * as tf from "@tensorflow/tfjs-core";
import { assert, assertAlmostEquals, assertEquals } from "./_assert.ts";
import { bigModel, TINY } from "./_tiny_model.ts";
import { tokenLogProbs } from "../lib/model/logprobs.ts";
import { grpoLoss, k3, type LossType } from "../lib/train/grpo_loss.ts";
import { accumulatedGrads, chunkByTokens, paramGrads } from "../lib/train/param_grads.ts";
import {
  cloneFrozen,
  DEFAULT_GRPO_CONFIG,
  type GRPOConfig,
  GRPOTrainer,
} from "../lib/rl/grpo_trainer.ts";
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
  assert(m2.kl! > 0, `KL after an update should be > 0, got ${m2.kl}`);
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

for (const beta of [0, 0.04]) {
  Deno.test(`no tensors leak across trainer steps (beta ${beta}, drift every step)`, () => {
    const p = policy();
    const trainer = new GRPOTrainer(p, sevens, sampler, { ...config, beta, drift_every: 1 });
    trainer.step(0);
    const n = tf.memory().numTensors;
    trainer.step(1);
    trainer.step(2);
    assertEquals(tf.memory().numTensors, n);
    trainer.dispose();
    p.model.dispose();
  });
}

// Problems whose answer is "flat" get the same reward for every completion (a group without
// signal, all advantages 0); the others get the sevens reward.
const flatOrSevens = combineRewards("flat_or_sevens", [{
  name: "correctness",
  weight: 1,
  fn: (cs, ps) =>
    cs.map((c, i) =>
      ps[i].answer === "flat"
        ? 0.5
        : c.length
        ? [...c].filter((x) => x === "h").length / c.length
        : 0
    ),
}]);
const flat: Problem = { ...problems[1], answer: "flat", unique_id: "flat" };
const signal = problems[0];
const batches = (...steps: Problem[][]): Sampler<Problem> => ({
  batchAt: (t) => steps[Math.min(t, steps.length - 1)],
  countsAt: () => null,
});
const snapshot = (p: Policy) =>
  [...p.model.params.values()].map((v) => Array.from(v.dataSync() as Float32Array));

Deno.test("an all-zero-advantage step takes the same AdamW path for beta = 0 and beta > 0", () => {
  const runs = [0, 0.04].map((beta) => {
    const p = policy();
    const start = snapshot(p);
    const trainer = new GRPOTrainer(p, flatOrSevens, batches([flat, flat]), { ...config, beta });
    const ms = [trainer.step(0), trainer.step(1)];
    const out = { beta, ms, steps: trainer.optimizerSteps, start, end: snapshot(p) };
    trainer.dispose();
    p.model.dispose();
    return out;
  });
  for (const r of runs) {
    // Both AdamW counters advanced once per step (ZeroGRPO used to skip the optimizer).
    assertEquals(r.steps, 2, `beta ${r.beta}`);
    for (const m of r.ms) {
      assertEquals(m.all_zero_advantage, true);
      assertEquals(m.frac_zero_std, 1);
      assertEquals(m.skipped, false);
      // The policy is the reference here, so the KL gradient is 0 too: the gradient is 0.
      assertEquals([m.loss, m.grad_norm], [0, 0], `beta ${r.beta}`);
      assert(m.entropy > 0, "entropy is measured on every row, also without signal");
    }
  }
  // A zero gradient on zero moments moves nothing: both policies are still the start, alike.
  assertEquals(runs[0].end, runs[0].start);
  assertEquals(runs[1].end, runs[0].end);
});

Deno.test("with beta = 0 a zero-gradient step still advances AdamW: the momentum moves the policy", () => {
  const p = policy();
  const trainer = new GRPOTrainer(p, flatOrSevens, batches([signal, signal], [flat, flat]), {
    ...config,
    beta: 0,
  });
  const m1 = trainer.step(0);
  assertEquals(m1.all_zero_advantage, false);
  const afterSignal = snapshot(p);
  const m2 = trainer.step(1);
  assertEquals(m2.all_zero_advantage, true);
  assertEquals([m2.loss, m2.grad_norm, m2.skipped], [0, 0, false]);
  assertEquals(trainer.optimizerSteps, 2);
  const afterFlat = snapshot(p);
  assert(
    afterFlat.some((xs, i) => xs.some((x, j) => x !== afterSignal[i][j])),
    "AdamW's first moment keeps moving the weights on a zero gradient",
  );
  trainer.dispose();
  p.model.dispose();
});

Deno.test("entropy and clip fraction are averaged over the same rows for beta = 0 and beta > 0", () => {
  // One group with signal, one without; two updates per batch so that the ratio can clip. The
  // first update is the same for both (the KL gradient is 0 while the policy is the reference);
  // the metrics are the second update's, over every row for both.
  const runs = [0, 0.04].map((beta) => {
    const p = policy();
    const trainer = new GRPOTrainer(p, flatOrSevens, batches([signal, flat]), {
      ...config,
      beta,
      num_iterations: 2,
      learning_rate: 0.05,
    });
    const m = trainer.step(0);
    trainer.dispose();
    p.model.dispose();
    return m;
  });
  assertEquals(runs[0].frac_zero_std, 0.5);
  assert(runs[0].clip_fraction > 0, "the second update's ratio leaves the clip range somewhere");
  assertAlmostEquals(runs[0].entropy, runs[1].entropy, 1e-5);
  assertAlmostEquals(runs[0].clip_fraction, runs[1].clip_fraction, 1e-9);
});

/** Mean k3 KL of `model` against `base` over the completion tokens of the rollout's rows. */
function k3Mean(
  model: Policy["model"],
  base: Policy["model"],
  rows: { ids: number[]; promptLength: number }[],
): number {
  const t = tensors(rows.map((r) => ({ ids: r.ids, prompt: r.promptLength, adv: 0 })));
  const value = tf.tidy(() => {
    const kl = k3(tokenLogProbs(base, t.ids, t.attn), tokenLogProbs(model, t.ids, t.attn));
    return tf.div(tf.sum(tf.mul(kl, t.mask)), tf.sum(t.mask)).dataSync()[0];
  });
  tf.dispose([t.ids, t.attn, t.mask]);
  return value;
}

for (const beta of [0, 0.04]) {
  Deno.test(`drift_kl is the k3 KL to the starting weights on the rollouts (beta ${beta})`, () => {
    const p = policy();
    const start = cloneFrozen(p.model);
    const trainer = new GRPOTrainer(p, sevens, sampler, {
      ...config,
      beta,
      steps: 4,
      drift_every: 2,
    });
    const logged: (number | undefined)[] = [];
    for (let t = 0; t < 4; t++) {
      const before = cloneFrozen(p.model); // the policy that samples and is scored at step t
      const m = trainer.step(t);
      logged.push(m.drift_kl);
      if (m.drift_kl !== undefined) {
        const expected = k3Mean(before, start, trainer.lastRollout!.rows);
        assertAlmostEquals(m.drift_kl, expected, 1e-6, `step ${m.step}`);
      }
      // With beta > 0 the drift is the trainer's own KL term; with beta = 0 there is none.
      if (beta > 0 && m.drift_kl !== undefined) assertEquals(m.drift_kl, m.kl);
      if (beta === 0) assertEquals(m.kl, undefined);
      before.dispose();
    }
    // Every drift_every steps (2 and 4) only; the policy has moved by then.
    assertEquals(logged.map((x) => x !== undefined), [false, true, false, true]);
    assert(logged[3]! > 0, `drift after three updates should be > 0, got ${logged[3]}`);
    assertEquals(trainer.reference === null, beta === 0);
    trainer.dispose();
    start.dispose();
    p.model.dispose();
  });
}

Deno.test("cloneFrozen: a copy and its disposal leave no tensor behind", () => {
  const p = policy();
  const before = tf.memory().numTensors;
  const copy = cloneFrozen(p.model);
  for (const [name, v] of copy.params) {
    assertEquals(Array.from(v.dataSync()), Array.from(p.model.params.get(name)!.dataSync()));
  }
  copy.dispose();
  assertEquals(tf.memory().numTensors, before);
  p.model.dispose();
});
