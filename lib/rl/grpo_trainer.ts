/**
 * The GRPO trainer — and ZeroGRPO, which is the same loop with `beta = 0`: no reference model is
 * then created, and nothing but the policy enters the loss (the drift metric alone scores a plain
 * copy of the starting weights every `drift_every` steps; 0 turns it off).
 *
 * One step, top to bottom:
 * 1. the curriculum sampler gives `prompts_per_step` problems for step t;
 * 2. the policy samples `num_generations` completions per prompt (KV-cached, seeded per row);
 * 3. the reward function scores them (with its per-component breakdown);
 * 4. advantages are normalized within each prompt's group;
 * 5. the frozen reference (only when `beta > 0`) and the old policy (only when
 *    `num_iterations > 1`) score the completions;
 * 6. `num_iterations` AdamW updates of the clipped-ratio objective (+ `beta`·k3 KL), with gradient
 *    accumulation over micro-batches, gradient clipping and a non-finite guard. Every update
 *    steps AdamW, also when every advantage is 0 (with `beta = 0` the gradient is then exactly
 *    zero: the moments decay and the step count advances, as in TRL).
 *
 * Monitoring is the same for every variant: entropy, clip fraction and the drift from the
 * starting weights are averaged over every completion token of the step. With `beta = 0`, rows
 * whose advantage is 0 add nothing to the loss, so they stay off the gradient path and are scored
 * without a gradient for the metrics alone; that time is `monitor_time`, not `train_time`.
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
import { grpoLoss, k3, type LossType } from "../train/grpo_loss.ts";
import { type LrSchedule, lrSchedule, type LrSchedulerType } from "../train/lr_schedule.ts";
import { NonFiniteGuard } from "../train/nonfinite.ts";
import { accumulatedGrads, chunkByTokens } from "../train/param_grads.ts";
import { judgedText, type Policy } from "./policy.ts";
import { phase } from "../profile/phases.ts";

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
  /**
   * Log `drift_kl` (k3 KL of the policy against the starting weights on the step's rollouts)
   * every this many steps and at the last step; 0 = never. With `beta = 0` the starting weights
   * are a plain copy off the tfjs heap, loaded only to score (a metric, never a loss term).
   */
  drift_every: number;
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
  drift_every: 5,
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
  /** Mean k3 KL to the reference over completion tokens: the loss's KL term (absent when β = 0). */
  kl?: number;
  /**
   * Drift from the starting weights: mean k3 KL of the policy against them over every completion
   * token, without a gradient — for every variant, every `drift_every` steps and at the last step
   * (absent otherwise). Equals `kl` when β > 0 (the reference is the starting weights).
   */
  drift_kl?: number;
  /** Fraction of completion tokens (every row) whose ratio lies outside the clip range. */
  clip_fraction: number;
  /** Mean entropy of the policy over every completion token of the step. */
  entropy: number;
  /** Loss value. */
  loss: number;
  /** Global gradient norm before clipping. */
  grad_norm: number;
  /**
   * Every advantage of the step was 0 (every group's rewards were equal): the clipped objective is
   * 0, and with β = 0 so is the gradient — AdamW still steps on it (`loss` and `grad_norm` 0).
   */
  all_zero_advantage: boolean;
  /** Learning rate of the step. */
  lr: number;
  /** Fraction of groups whose rewards were all equal (no learning signal). */
  frac_zero_std: number;
  /** Whether the update was skipped (non-finite loss or gradient). */
  skipped: boolean;
  /** Wall seconds: whole step, rollouts, and update (reference scoring included; monitoring not). */
  step_time: number;
  gen_time: number;
  train_time: number;
  /** Seconds spent scoring with the reference model (0 for ZeroGRPO). */
  ref_time: number;
  /**
   * Seconds spent on metrics alone (scoring rows off the gradient path, the drift's base
   * scoring with β = 0); excluded from `step_time` and `train_time`.
   */
  monitor_time: number;
  /** Bytes held by tfjs tensors after the step, and the process's resident set. */
  tensor_bytes: number;
  rss_bytes: number;
  /** Mean of each reward component (`reward_<name>`). */
  [component: `reward_${string}`]: number;
}

/** One rollout row: prompt then completion ids (EOS included when it finished). */
interface Row {
  ids: number[];
  promptLength: number;
  completionLength: number;
  advantage: number;
}

/** One rollout batch, ready for the update. */
interface Rollout {
  rows: Row[];
  completions: string[];
  problems: Problem[];
}

/** Weights as plain arrays (the starting weights kept for the drift metric when β = 0). */
type WeightCopy = Map<string, { shape: number[]; data: Float32Array }>;

/** GRPO / ZeroGRPO trainer over a policy, a reward and a curriculum sampler. */
export class GRPOTrainer {
  readonly config: GRPOConfig;
  readonly policy: Policy;
  readonly reward: Reward;
  readonly sampler: Sampler<Problem>;
  /** The frozen reference model: present only when `beta > 0`. */
  readonly reference: Qwen2Model | null;
  /** With β = 0 and `drift_every > 0`: the starting weights, off the tfjs heap (drift only). */
  readonly #base: WeightCopy | null;
  readonly #opt: AdamW;
  readonly #schedule: LrSchedule;
  readonly #guard = new NonFiniteGuard({ max_consecutive: 5 });
  /** The last step's rollouts (for sample pages), with each row's prompt + completion ids. */
  lastRollout: {
    problems: Problem[];
    completions: string[];
    rewards: number[];
    rows: { ids: number[]; promptLength: number }[];
  } | null = null;

  constructor(policy: Policy, reward: Reward, sampler: Sampler<Problem>, config: GRPOConfig) {
    this.config = config;
    this.policy = policy;
    this.reward = reward;
    this.sampler = sampler;
    this.reference = config.beta > 0 ? cloneFrozen(policy.model) : null;
    this.#base = config.beta === 0 && config.drift_every > 0 ? copyWeights(policy.model) : null;
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

  /** AdamW updates applied so far (one per `num_iterations` per step, none for a skipped one). */
  get optimizerSteps(): number {
    return this.#opt.stepCount;
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
    const drift = c.drift_every > 0 && ((t + 1) % c.drift_every === 0 || t + 1 === c.steps);
    const update = this.#update(rollout, this.#schedule(t), drift);
    const train_time = (performance.now() - t1) / 1000 - update.monitorTime;
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
      ...(update.kl === undefined ? {} : { kl: update.kl }),
      ...(update.drift === undefined ? {} : { drift_kl: update.drift }),
      clip_fraction: update.clip,
      entropy: update.entropy,
      loss: update.loss,
      grad_norm: update.gradNorm,
      all_zero_advantage: rollout.rows.every((r) => r.advantage === 0),
      lr: this.#schedule(t),
      frac_zero_std: rewardGroupStats(total, c.num_generations).frac_reward_zero_std,
      skipped: update.skipped,
      step_time: (performance.now() - t0) / 1000 - update.monitorTime,
      gen_time,
      train_time,
      ref_time: update.refTime,
      monitor_time: update.monitorTime,
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
      rows: rollout.rows.map((r) => ({ ids: r.ids, promptLength: r.promptLength })),
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
    const out = phase("rollout", () =>
      generate(model, promptRows, {
        maxNewTokens: c.max_completion_length,
        temperature: c.temperature,
        topP: c.top_p,
        eosId: codec.eosId,
        padId: codec.padId,
        seeds: promptRows.map((_, i) => deriveSeed(c.seed, "rollout", t, i)),
      }));
    const completions = out.tokens.map((ids) => codec.decode(ids));
    const lengths = out.tokens.map((ids) => ids.length);
    const judged = completions.map((text) => judgedText(codec, text));
    const scored = phase("reward", () =>
      this.reward.breakdown(judged, expanded, {
        lengths,
        maxLength: c.max_completion_length,
      }));
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

  #update(rollout: Rollout, lr: number, drift: boolean) {
    const c = this.config;
    const { model, codec } = this.policy;
    const sequences = rollout.rows.length;
    const tokens = rollout.rows.reduce((s, r) => s + r.ids.length - r.promptLength, 0);
    // A row with zero advantage adds nothing to the clipped objective; without a KL term it adds
    // nothing at all, so with β = 0 it stays off the gradient path (the normalizers still count
    // it: same gradient) and is scored without a gradient, for the metrics only.
    const byLength = [...rollout.rows].sort((a, b) => b.ids.length - a.ids.length);
    const onPath = (r: Row) => c.beta > 0 || r.advantage !== 0;
    const chunksOf = (rows: Row[]) =>
      chunkByTokens(rows, (r) => r.ids.length, c.micro_batch_tokens).map((rs) =>
        batchTensors(rs, codec.padId)
      );
    const chunks = chunksOf(byLength.filter(onPath));
    const side = chunksOf(byLength.filter((r) => !onPath(r)));
    const temperature = c.temperature;
    const score = (m: Qwen2Model, ch: Chunk) =>
      tf.tidy(() => tokenLogProbs(m, ch.ids, ch.attn, { temperature }));
    let refTime = 0;
    let monitorTime = 0;
    const timed = (name: string, f: () => void) => {
      const t0 = performance.now();
      phase(name, f);
      return (performance.now() - t0) / 1000;
    };
    if (this.reference) {
      const ref = this.reference;
      refTime = timed("reference", () => {
        for (const ch of chunks) ch.base = score(ref, ch);
      });
    } else if (drift && this.#base) {
      const weights = this.#base;
      monitorTime += timed("monitor", () => {
        const base = Qwen2Model.fromTensors(model.config, weights);
        for (const ch of [...chunks, ...side]) ch.base = score(base, ch);
        base.dispose();
      });
    }
    if (c.num_iterations > 1) {
      for (const ch of chunks) ch.old = score(model, ch);
      monitorTime += timed("monitor", () => {
        for (const ch of side) ch.old = score(model, ch);
      });
    }
    const loss = {
      beta: c.beta,
      epsilon: c.epsilon,
      epsilon_high: c.epsilon_high,
      loss_type: c.loss_type,
      max_completion_length: c.max_completion_length,
    };
    const clipRange: [number, number] = [1 - c.epsilon, 1 + (c.epsilon_high ?? c.epsilon)];
    let result = {
      loss: 0,
      gradNorm: 0,
      kl: undefined as number | undefined,
      drift: undefined as number | undefined,
      clip: 0,
      entropy: 0,
      skipped: false,
      refTime,
      monitorTime,
    };
    for (let it = 0; it < c.num_iterations; it++) {
      // The metrics are the last iteration's, over every row: the rows on the gradient path are
      // measured in the loss's own forward pass, the others in a forward pass without a gradient.
      const last = it === c.num_iterations - 1;
      const sums = [0, 0, 0];
      const measure = (ch: Chunk, logp: tf.Tensor2D, entropy: tf.Tensor2D) =>
        monitoringSums(ch, logp, entropy, clipRange).forEach((x, i) => sums[i] += x);
      const { loss: value, grads } = accumulatedGrads(chunks, (ch) => {
        const { logProbs, entropy } = tokenLogProbsAndEntropy(model, ch.ids, ch.attn, {
          temperature,
        });
        if (last) measure(ch, logProbs, entropy);
        return grpoLoss({
          logp: logProbs,
          oldLogp: ch.old,
          refLogp: this.reference ? ch.base : undefined,
          advantages: ch.advantages,
          mask: ch.mask,
          batch: { sequences, tokens },
        }, loss);
      }, model.params);
      if (last) {
        monitorTime += timed("monitor", () => {
          for (const ch of side) {
            tf.tidy(() => {
              const { logProbs, entropy } = tokenLogProbsAndEntropy(model, ch.ids, ch.attn, {
                temperature,
              });
              measure(ch, logProbs, entropy);
            });
          }
        });
      }
      const clipped = clipByGlobalNorm(grads, c.max_grad_norm);
      const verdict = this.#guard.check({ loss: value, grad_norm: clipped.norm });
      if (verdict.action === "apply") this.#opt.step(clipped.grads, lr);
      for (const g of grads.values()) g.dispose();
      for (const g of clipped.grads.values()) g.dispose();
      const [entropy, klMean, clip] = sums.map((x) => x / Math.max(1, tokens));
      result = {
        loss: value,
        gradNorm: clipped.norm,
        kl: this.reference ? klMean : undefined,
        drift: drift && (this.reference || this.#base) ? klMean : undefined,
        clip,
        entropy,
        skipped: verdict.action !== "apply",
        refTime,
        monitorTime,
      };
    }
    for (const ch of [...chunks, ...side]) {
      tf.dispose(
        [ch.ids, ch.attn, ch.mask, ch.advantages, ch.base, ch.old].filter((x) => x) as tf.Tensor[],
      );
    }
    return result;
  }
}

/**
 * Token sums of one chunk for the step's metrics, read back at once: entropy, k3 KL against the
 * starting weights (when the chunk was scored by them) and clipped ratios (when there is an old
 * policy), over completion tokens.
 */
function monitoringSums(
  ch: Chunk,
  logp: tf.Tensor2D,
  entropy: tf.Tensor2D,
  [lo, hi]: [number, number],
): number[] {
  const sums = tf.tidy(() => {
    const masked = (x: tf.Tensor) => tf.sum(tf.mul(x, ch.mask));
    const ratio = ch.old ? tf.exp(tf.sub(logp, ch.old)) : null;
    return tf.stack([
      masked(entropy),
      ch.base ? masked(k3(ch.base, logp)) : tf.scalar(0),
      ratio
        ? masked(tf.cast(tf.logicalOr(tf.less(ratio, lo), tf.greater(ratio, hi)), "float32"))
        : tf.scalar(0),
    ]);
  });
  const out = Array.from(sums.dataSync());
  sums.dispose();
  return out;
}

interface Chunk {
  ids: tf.Tensor2D;
  attn: tf.Tensor2D;
  /** [B, T-1] completion mask aligned with the log-probs. */
  mask: tf.Tensor2D;
  advantages: tf.Tensor1D;
  tokens: number;
  /** Log-probs under the starting weights: the reference (β > 0) or, on drift steps, the base copy. */
  base?: tf.Tensor2D;
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

/** A copy of a model's weights as plain arrays, off the tfjs heap. */
function copyWeights(model: Qwen2Model): WeightCopy {
  const out: WeightCopy = new Map();
  for (const [name, v] of model.params) {
    out.set(name, { shape: [...v.shape], data: Float32Array.from(v.dataSync() as Float32Array) });
  }
  return out;
}

/** A frozen copy of a model's weights (the reference of GRPO-with-KL). */
export function cloneFrozen(model: Qwen2Model): Qwen2Model {
  const params = new Map<string, tf.Variable>();
  for (const [name, v] of model.params) {
    const copy = tf.clone(v);
    params.set(name, tf.variable(copy, false));
    copy.dispose(); // the variable holds its own reference to the data
  }
  return new Qwen2Model(model.config, params);
}
