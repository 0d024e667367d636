/**
 * The GRPO trainer — and ZeroGRPO, which is the same loop with `beta = 0`: the reference model is
 * then never created, loaded or run.
 *
 * One step, top to bottom:
 * 1. the curriculum sampler gives `prompts_per_step` problems for step t;
 * 2. the policy samples `num_generations` completions per prompt (KV-cached, seeded per row);
 * 3. the reward function scores them (with its per-component breakdown);
 * 4. advantages are normalized within each prompt's group;
 * 5. the frozen reference (only when `beta > 0`) and the old policy (only when
 *    `num_iterations > 1`) score the completions;
 * 6. `num_iterations` AdamW updates of the clipped-ratio objective (+ `beta`·k3 KL), with gradient
 *    accumulation over micro-batches, gradient clipping and a non-finite guard.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Problem } from "../data/problem.ts";
import { deriveSeed } from "../data/rng.ts";
import type { Sampler } from "../curriculum/sampler.ts";
import { tokenLogProbs, tokenLogProbsAndEntropy } from "../model/logprobs.ts";
import { Qwen2Model } from "../model/qwen2.ts";
import { generate } from "../model/sampler.ts";
import type { Reward } from "../reward/types.ts";
import { groupAdvantages, rewardGroupStats } from "../train/advantages.ts";
import { AdamW, clipByGlobalNorm } from "../train/adamw.ts";
import { grpoLoss, type LossType } from "../train/grpo_loss.ts";
import { type LrSchedule, lrSchedule, type LrSchedulerType } from "../train/lr_schedule.ts";
import { NonFiniteGuard } from "../train/nonfinite.ts";
import { accumulatedGrads, chunkByTokens } from "../train/param_grads.ts";
import { judgedText, type Policy } from "./policy.ts";

/** GRPO hyper-parameters, named as in TRL's `GRPOConfig` where one exists. */
export interface GRPOConfig {
  /** Optimizer steps (one generation batch each). */
  steps: number;
  /** Prompts per step. */
  prompts_per_step: number;
  /** Completions per prompt (the group size G). */
  num_generations: number;
  /** Token budget per completion. */
  max_completion_length: number;
  /** Sampling temperature of the rollouts (the loss scores at the same temperature). */
  temperature: number;
  /** Nucleus mass of the rollouts. */
  top_p: number;
  /** Peak learning rate. */
  learning_rate: number;
  /** Learning-rate schedule. */
  lr_scheduler_type: LrSchedulerType;
  /** Linear warm-up steps. */
  warmup_steps: number;
  /** AdamW decoupled weight decay. */
  weight_decay: number;
  /** Gradient clipping by global norm. */
  max_grad_norm: number;
  /** KL coefficient; 0 = ZeroGRPO (no reference model). */
  beta: number;
  /** Lower clip range of the ratio. */
  epsilon: number;
  /** Upper clip range (DAPO clip-higher); default `epsilon`. */
  epsilon_high?: number;
  /** Loss aggregation: `grpo` (per-sequence mean), `dapo` (token-level), `dr_grpo` (constant). */
  loss_type: LossType;
  /** Updates per generation batch (μ). */
  num_iterations: number;
  /** Advantage scaling: by the group's std (`group`), the batch's, or not at all (Dr. GRPO). */
  scale_rewards: "group" | "batch" | "none";
  /** Most padded tokens per micro-batch of the update (bounds memory). */
  micro_batch_tokens: number;
  /** Seed of the rollouts. */
  seed: number;
}

/** Defaults for the embedded tiny model (each can be overridden). */
export const DEFAULT_GRPO_CONFIG: GRPOConfig = {
  steps: 60,
  prompts_per_step: 16,
  num_generations: 8,
  max_completion_length: 160,
  temperature: 1.0,
  top_p: 1.0,
  learning_rate: 1e-4,
  lr_scheduler_type: "constant_with_warmup",
  warmup_steps: 5,
  weight_decay: 0,
  max_grad_norm: 1.0,
  beta: 0,
  epsilon: 0.2,
  loss_type: "dr_grpo",
  num_iterations: 1,
  scale_rewards: "group",
  micro_batch_tokens: 4096,
  seed: 1,
};

/** Metrics of one step (one JSONL line of `metrics.jsonl`). */
export interface GRPOStepMetrics {
  step: number;
  /** Mean total reward. */
  reward: number;
  /** Std of the total reward over the batch. */
  reward_std: number;
  /** Fraction of correct completions. */
  accuracy: number;
  /** Mean completion length (tokens, EOS excluded). */
  completion_length: number;
  /** Fraction of completions cut at the budget. */
  truncation_rate: number;
  /** Mean k3 KL to the reference over completion tokens (0 when there is none). */
  kl: number;
  /** Fraction of completion tokens where the ratio clip is active. */
  clip_fraction: number;
  /** Mean entropy of the policy over completion tokens. */
  entropy: number;
  /** Loss value. */
  loss: number;
  /** Global gradient norm before clipping. */
  grad_norm: number;
  /** Learning rate of the step. */
  lr: number;
  /** Fraction of groups whose rewards were all equal (no learning signal). */
  frac_zero_std: number;
  /** Whether the update was skipped (non-finite loss or gradient). */
  skipped: boolean;
  /** Wall seconds: whole step, rollouts, and update (reference scoring included). */
  step_time: number;
  gen_time: number;
  train_time: number;
  /** Seconds spent scoring with the reference model (0 for ZeroGRPO). */
  ref_time: number;
  /** Bytes held by tfjs tensors after the step, and the process's resident set. */
  tensor_bytes: number;
  rss_bytes: number;
  /** Mean of each reward component (`reward_<name>`). */
  [component: `reward_${string}`]: number;
}

/** One rollout batch, ready for the update. */
interface Rollout {
  rows: { ids: number[]; promptLength: number; completionLength: number; advantage: number }[];
  completions: string[];
  problems: Problem[];
}

/** GRPO / ZeroGRPO trainer over a policy, a reward and a curriculum sampler. */
export class GRPOTrainer {
  readonly config: GRPOConfig;
  readonly policy: Policy;
  readonly reward: Reward;
  readonly sampler: Sampler<Problem>;
  /** The frozen reference model: present only when `beta > 0`. */
  readonly reference: Qwen2Model | null;
  readonly #opt: AdamW;
  readonly #schedule: LrSchedule;
  readonly #guard = new NonFiniteGuard({ max_consecutive: 5 });
  /** The last step's rollouts (for sample pages). */
  lastRollout: { problems: Problem[]; completions: string[]; rewards: number[] } | null = null;

  constructor(policy: Policy, reward: Reward, sampler: Sampler<Problem>, config: GRPOConfig) {
    this.config = config;
    this.policy = policy;
    this.reward = reward;
    this.sampler = sampler;
    this.reference = config.beta > 0 ? cloneFrozen(policy.model) : null;
    this.#opt = new AdamW(policy.model.params, {
      lr: config.learning_rate,
      weight_decay: config.weight_decay,
    });
    this.#schedule = lrSchedule({
      lr: config.learning_rate,
      lr_scheduler_type: config.lr_scheduler_type,
      warmup_steps: config.warmup_steps,
      total_steps: config.steps,
    });
  }

  /** Whether too many consecutive steps were non-finite: the run is marked diverged. */
  get diverged(): boolean {
    return this.#guard.diverged;
  }

  /** Runs step `t` (0-based) and returns its metrics. */
  step(t: number): GRPOStepMetrics {
    const c = this.config;
    const t0 = performance.now();
    const rollout = this.#rollout(t);
    const gen_time = (performance.now() - t0) / 1000;
    const rewards = this.#scored;
    const t1 = performance.now();
    const update = this.#update(rollout, this.#schedule(t));
    const train_time = (performance.now() - t1) / 1000;
    const lengths = rollout.rows.map((r) => r.completionLength);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const total = rewards.total;
    const m = mean(total);
    const metrics: GRPOStepMetrics = {
      step: t + 1,
      reward: m,
      reward_std: Math.sqrt(mean(total.map((x) => (x - m) ** 2))),
      accuracy: mean(rewards.components.correctness ?? total.map(() => NaN)),
      completion_length: mean(lengths),
      truncation_rate: mean(this.#truncated.map((x) => x ? 1 : 0)),
      kl: update.kl,
      clip_fraction: update.clip,
      entropy: update.entropy,
      loss: update.loss,
      grad_norm: update.gradNorm,
      lr: this.#schedule(t),
      frac_zero_std: rewardGroupStats(total, c.num_generations).frac_reward_zero_std,
      skipped: update.skipped,
      step_time: (performance.now() - t0) / 1000,
      gen_time,
      train_time,
      ref_time: update.refTime,
      tensor_bytes: tf.memory().numBytes,
      rss_bytes: Deno.memoryUsage().rss,
    };
    for (const [name, xs] of Object.entries(rewards.components)) {
      metrics[`reward_${name}`] = mean(xs);
    }
    this.lastRollout = {
      problems: rollout.problems,
      completions: rollout.completions,
      rewards: total,
    };
    return metrics;
  }

  /** Free the optimizer state and the reference model (not the policy). */
  dispose(): void {
    this.#opt.dispose();
    this.reference?.dispose();
  }

  #scored: { total: number[]; components: Record<string, number[]> } = {
    total: [],
    components: {},
  };
  #truncated: boolean[] = [];

  #rollout(t: number): Rollout {
    const c = this.config;
    const { model, codec } = this.policy;
    const problems = this.sampler.batchAt(t);
    const expanded = problems.flatMap((p) => Array.from({ length: c.num_generations }, () => p));
    const prompts = problems.map((p) => codec.encodePrompt(p));
    const promptRows = prompts.flatMap((p) => Array.from({ length: c.num_generations }, () => p));
    const out = generate(model, promptRows, {
      maxNewTokens: c.max_completion_length,
      temperature: c.temperature,
      topP: c.top_p,
      eosId: codec.eosId,
      padId: codec.padId,
      seeds: promptRows.map((_, i) => deriveSeed(c.seed, "rollout", t, i)),
    });
    const completions = out.tokens.map((ids) => codec.decode(ids));
    const lengths = out.tokens.map((ids) => ids.length);
    const judged = completions.map((text) => judgedText(codec, text));
    const scored = this.reward.breakdown(judged, expanded, {
      lengths,
      maxLength: c.max_completion_length,
    });
    this.#scored = scored;
    this.#truncated = out.finished.map((f) => !f);
    const adv = groupAdvantages(scored.total, {
      num_generations: c.num_generations,
      scale_rewards: c.scale_rewards,
    });
    const rows = out.tokens.map((ids, i) => {
      const completion = out.finished[i] ? [...ids, codec.eosId] : ids;
      return {
        ids: [...promptRows[i], ...completion],
        promptLength: promptRows[i].length,
        completionLength: ids.length,
        advantage: adv[i],
      };
    });
    return { rows, completions, problems: expanded };
  }

  #update(rollout: Rollout, lr: number) {
    const c = this.config;
    const { model, codec } = this.policy;
    const sequences = rollout.rows.length;
    const tokens = rollout.rows.reduce((s, r) => s + r.ids.length - r.promptLength, 0);
    // Rows with zero advantage add nothing to the clipped objective; without a KL term they add
    // nothing at all, so ZeroGRPO skips them (the normalizers still count them: same gradient).
    const active = rollout.rows
      .filter((r) => c.beta > 0 || Math.abs(r.advantage) > 1e-8)
      .sort((a, b) => b.ids.length - a.ids.length);
    const chunks = chunkByTokens(active, (r) => r.ids.length, c.micro_batch_tokens).map((rows) =>
      batchTensors(rows, codec.padId)
    );
    let refTime = 0;
    const temperature = c.temperature;
    const score = (m: Qwen2Model, ch: Chunk) =>
      tf.tidy(() => tokenLogProbs(m, ch.ids, ch.attn, { temperature }));
    if (this.reference) {
      const r0 = performance.now();
      for (const ch of chunks) ch.ref = score(this.reference, ch);
      refTime = (performance.now() - r0) / 1000;
    }
    if (c.num_iterations > 1) { for (const ch of chunks) ch.old = score(model, ch); }
    const loss = {
      beta: c.beta,
      epsilon: c.epsilon,
      epsilon_high: c.epsilon_high,
      loss_type: c.loss_type,
      max_completion_length: c.max_completion_length,
    };
    let result = { loss: 0, gradNorm: 0, kl: 0, clip: 0, entropy: 0, skipped: false, refTime };
    for (let it = 0; it < c.num_iterations && chunks.length > 0; it++) {
      const stats = { kl: 0, clip: 0, entropy: 0 };
      const { loss: value, grads } = accumulatedGrads(chunks, (ch) => {
        const { logProbs, entropy } = tokenLogProbsAndEntropy(model, ch.ids, ch.attn, {
          temperature,
        });
        const inputs = {
          logp: logProbs,
          oldLogp: ch.old,
          refLogp: ch.ref,
          advantages: ch.advantages,
          mask: ch.mask,
          batch: { sequences, tokens },
        };
        // Monitoring sums (token-weighted), read back once per chunk, outside the tape's result.
        tf.tidy(() => {
          const sg = (x: tf.Tensor) => tf.mul(x, ch.mask);
          const parts = [tf.sum(sg(entropy))];
          if (ch.ref) {
            parts.push(
              tf.sum(
                sg(tf.sub(tf.sub(tf.exp(tf.sub(ch.ref, logProbs)), tf.sub(ch.ref, logProbs)), 1)),
              ),
            );
          } else parts.push(tf.scalar(0));
          const ratio = ch.old ? tf.exp(tf.sub(logProbs, ch.old)) : null;
          if (ratio) {
            const hi = 1 + (c.epsilon_high ?? c.epsilon);
            const clipped = tf.logicalOr(tf.less(ratio, 1 - c.epsilon), tf.greater(ratio, hi));
            parts.push(tf.sum(sg(tf.cast(clipped, "float32"))));
          } else parts.push(tf.scalar(0));
          const v = tf.stack(parts).dataSync();
          stats.entropy += v[0];
          stats.kl += v[1];
          stats.clip += v[2];
        });
        return grpoLoss(inputs, loss);
      }, model.params);
      const clipped = clipByGlobalNorm(grads, c.max_grad_norm);
      const verdict = this.#guard.check({ loss: value, grad_norm: clipped.norm });
      if (verdict.action === "apply") this.#opt.step(clipped.grads, lr);
      for (const g of grads.values()) g.dispose();
      for (const g of clipped.grads.values()) g.dispose();
      const activeTokens = chunks.reduce((s, ch) => s + ch.tokens, 0);
      result = {
        loss: value,
        gradNorm: clipped.norm,
        kl: stats.kl / Math.max(1, activeTokens),
        clip: stats.clip / Math.max(1, activeTokens),
        entropy: stats.entropy / Math.max(1, activeTokens),
        skipped: verdict.action !== "apply",
        refTime,
      };
    }
    for (const ch of chunks) {
      tf.dispose(
        [ch.ids, ch.attn, ch.mask, ch.advantages, ch.ref, ch.old].filter((x) => x) as tf.Tensor[],
      );
    }
    return result;
  }
}

interface Chunk {
  ids: tf.Tensor2D;
  attn: tf.Tensor2D;
  /** [B, T-1] completion mask aligned with the log-probs. */
  mask: tf.Tensor2D;
  advantages: tf.Tensor1D;
  tokens: number;
  ref?: tf.Tensor2D;
  old?: tf.Tensor2D;
}

function batchTensors(
  rows: { ids: number[]; promptLength: number; advantage: number }[],
  padId: number,
): Chunk {
  const B = rows.length;
  const T = Math.max(...rows.map((r) => r.ids.length));
  const ids = new Int32Array(B * T).fill(padId);
  const attn = new Float32Array(B * T);
  const mask = new Float32Array(B * (T - 1));
  let tokens = 0;
  rows.forEach((r, b) => {
    for (let t = 0; t < r.ids.length; t++) {
      ids[b * T + t] = r.ids[t];
      attn[b * T + t] = 1;
      if (t + 1 >= r.promptLength && t + 1 < r.ids.length) {
        mask[b * (T - 1) + t] = 1;
        tokens++;
      }
    }
  });
  return {
    ids: tf.tensor2d(ids, [B, T], "int32"),
    attn: tf.tensor2d(attn, [B, T]),
    mask: tf.tensor2d(mask, [B, T - 1]),
    advantages: tf.tensor1d(rows.map((r) => r.advantage)),
    tokens,
  };
}

/** A frozen copy of a model's weights (the reference of GRPO-with-KL). */
export function cloneFrozen(model: Qwen2Model): Qwen2Model {
  const params = new Map<string, tf.Variable>();
  for (const [name, v] of model.params) params.set(name, tf.variable(tf.clone(v), false));
  return new Qwen2Model(model.config, params);
}
