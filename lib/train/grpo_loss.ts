/**
 * The GRPO objective (DeepSeekMath / TRL `GRPOTrainer`) as a differentiable
 * tfjs function, with the `grpo`, `dapo` and `dr_grpo` loss aggregations.
 *
 * Per completion token t of sequence b:
 *
 *   ratio   = exp(logp − oldLogp)
 *   surr    = min(ratio·A_b, clip(ratio, 1 − epsilon, 1 + epsilon_high)·A_b)
 *   kl      = exp(ref − logp) − (ref − logp) − 1            (k3 estimator, ≥ 0)
 *   loss_bt = −surr + beta·kl
 *
 * With `beta = 0` (ZeroGRPO) no reference model is needed and `refLogp` may be
 * omitted. With `oldLogp` omitted (one optimisation step per generation batch,
 * TRL's `num_iterations = 1`) the old policy is the current one with its
 * gradient stopped: the ratio is exactly 1 and no extra forward pass is needed.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import { paramGrads } from "./param_grads.ts";

/** How per-token losses are reduced to a scalar (TRL `loss_type`). */
export type LossType = "grpo" | "dapo" | "dr_grpo";

/** GRPO loss configuration, named after the paper / TRL `GRPOConfig`. */
export interface GrpoLossConfig {
  /** KL coefficient. `0` = ZeroGRPO: no KL term, no reference model. */
  beta: number;
  /** Lower clip range: the ratio is clipped to `[1 − epsilon, 1 + epsilon_high]`. */
  epsilon: number;
  /** Upper clip range (DAPO clip-higher). Defaults to `epsilon`. */
  epsilon_high?: number;
  /**
   * `"grpo"`: mean over each sequence's completion tokens, then mean over the batch.
   * `"dapo"`: sum over all completion tokens / total number of completion tokens.
   * `"dr_grpo"`: sum over all completion tokens / (B × `max_completion_length`).
   */
  loss_type: LossType;
  /** Constant normaliser for `"dr_grpo"`. Defaults to T, the width of `logp`. */
  max_completion_length?: number;
}

/** Inputs of {@linkcode grpoLoss}. All [B, T] tensors are aligned on completion tokens. */
export interface GrpoLossInputs {
  /** Per-token log-probs of the current policy, [B, T] (the only differentiable input). */
  logp: tf.Tensor2D;
  /** Per-token log-probs of the policy that generated the samples, [B, T], constant. Omit when equal to `logp` (see module doc). */
  oldLogp?: tf.Tensor2D;
  /** Per-token log-probs of the reference model, [B, T], constant. Required iff `beta > 0`. */
  refLogp?: tf.Tensor2D;
  /** One advantage per sequence, [B]. */
  advantages: tf.Tensor1D | readonly number[];
  /** 1 on completion tokens, 0 elsewhere (prompt, padding, after EOS), [B, T]. */
  mask: tf.Tensor2D;
  /**
   * When these rows are one micro-batch of a larger batch: the batch's number of sequences and
   * of completion tokens, so that the chunks' losses (and gradients) sum to the batch's.
   * Default: this batch alone.
   */
  batch?: { sequences: number; tokens: number };
}

/**
 * The GRPO loss as a differentiable scalar. Call inside `tf.variableGrads` /
 * `tf.grad`; the caller owns (and disposes) the returned scalar.
 *
 * The gradient w.r.t. `logp` is analytic (`tf.customGrad`), so the loss needs no
 * tfjs gradient registrations of its own and backpropagates in one fused step:
 *
 *   ∂L/∂logp_bt = w_bt · m_bt · (−A_b · ratio_bt · 1[unclipped branch is the min]
 *                                + β · (1 − exp(ref_bt − logp_bt)))
 *
 * with `w_bt` the aggregation weight: 1/(B·n_b) (`grpo`), 1/N (`dapo`), 1/(B·L) (`dr_grpo`).
 */
export function grpoLoss(inputs: GrpoLossInputs, config: GrpoLossConfig): tf.Scalar {
  validate(inputs, config);
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const logp = args[0] as tf.Tensor;
    (args[1] as tf.GradSaveFunc)([logp]);
    const value = tf.tidy(() => {
      const t = terms(logp as tf.Tensor2D, inputs, config);
      let perToken: tf.Tensor = tf.neg(
        tf.minimum(tf.mul(t.ratio, t.adv), tf.mul(t.clipped, t.adv)),
      );
      if (config.beta !== 0) {
        perToken = tf.add(perToken, tf.mul(config.beta, k3(inputs.refLogp!, logp)));
      }
      return tf.sum(tf.mul(perToken, t.weight));
    });
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) =>
      tf.tidy(() => {
        const lp = saved[0] as tf.Tensor2D;
        const t = terms(lp, inputs, config);
        // tf.minimum semantics: on ties the unclipped branch carries the gradient.
        const unclipped = tf.lessEqual(tf.mul(t.ratio, t.adv), tf.mul(t.clipped, t.adv));
        let g: tf.Tensor = tf.where(
          unclipped,
          tf.neg(tf.mul(t.ratio, t.adv)),
          tf.zerosLike(t.ratio),
        );
        if (config.beta !== 0) {
          const e = tf.exp(tf.sub(inputs.refLogp!, lp));
          g = tf.add(g, tf.mul(config.beta, tf.sub(1, e)));
        }
        return tf.mul(tf.mul(g, t.weight), dy);
      });
    return { value, gradFunc };
  });
  return f(inputs.logp) as tf.Scalar;
}

/** Shared forward pieces: ratio, clipped ratio, advantage column, aggregation weight × mask. */
function terms(logp: tf.Tensor2D, inputs: GrpoLossInputs, config: GrpoLossConfig) {
  const [b, t] = logp.shape;
  const mask = tf.cast(inputs.mask, "float32");
  const adv = advantageColumn(inputs.advantages, b);
  const ratio = inputs.oldLogp ? tf.exp(tf.sub(logp, inputs.oldLogp)) : tf.onesLike(logp);
  const clipped = tf.clipByValue(
    ratio,
    1 - config.epsilon,
    1 + (config.epsilon_high ?? config.epsilon),
  );
  const seqs = inputs.batch?.sequences ?? b;
  let weight: tf.Tensor;
  switch (config.loss_type) {
    case "grpo": // per-sequence mean, then batch mean
      weight = tf.div(mask, tf.mul(tf.maximum(tf.sum(mask, 1, true), 1), seqs));
      break;
    case "dapo": // token-level mean over the batch
      weight = inputs.batch
        ? tf.div(mask, Math.max(inputs.batch.tokens, 1))
        : tf.div(mask, tf.maximum(tf.sum(mask), 1));
      break;
    case "dr_grpo": // constant normaliser
      weight = tf.div(mask, seqs * (config.max_completion_length ?? t));
      break;
  }
  return { ratio, clipped, adv, weight };
}

/** Monitoring metrics of one GRPO loss evaluation (plain numbers; masked token means). */
export interface GrpoLossMetrics {
  /** Value of the loss. */
  loss: number;
  /** Mean k3 KL to the reference over completion tokens; `undefined` when no `refLogp` was given. */
  kl?: number;
  /** Fraction of tokens where the lower clip is active (ratio < 1 − ε and A < 0). */
  clip_ratio_low: number;
  /** Fraction of tokens where the upper clip is active (ratio > 1 + ε_high and A > 0). */
  clip_ratio_high: number;
  /** Fraction of tokens where either clip is active (gradient zeroed by the clip). */
  clip_ratio: number;
  /** Mean importance ratio exp(logp − oldLogp). */
  ratio_mean: number;
  /** Number of completion tokens (sum of the mask). */
  num_tokens: number;
}

/**
 * Loss and monitoring metrics, computed without recording gradients (call it
 * outside the tape, e.g. on a `tf.keep`-ed `logp`). Reads back to the CPU once.
 * `kl` is reported whenever `refLogp` is given, even with `beta = 0`.
 */
export function grpoLossMetrics(inputs: GrpoLossInputs, config: GrpoLossConfig): GrpoLossMetrics {
  validate(inputs, config);
  const hasRef = inputs.refLogp !== undefined;
  const packed = tf.tidy(() => {
    const { logp } = inputs;
    const b = logp.shape[0];
    const mask = tf.cast(inputs.mask, "float32");
    const adv = advantageColumn(inputs.advantages, b);
    const ratio = inputs.oldLogp ? tf.exp(tf.sub(logp, inputs.oldLogp)) : tf.onesLike(logp);
    const epsHigh = config.epsilon_high ?? config.epsilon;
    const low = tf.logicalAnd(tf.less(ratio, 1 - config.epsilon), tf.less(adv, 0));
    const high = tf.logicalAnd(tf.greater(ratio, 1 + epsHigh), tf.greater(adv, 0));
    const n = tf.maximum(tf.sum(mask), 1);
    const maskedMean = (x: tf.Tensor) => tf.div(tf.sum(tf.mul(tf.cast(x, "float32"), mask)), n);
    const parts = [
      grpoLoss(inputs, config),
      hasRef ? maskedMean(k3(inputs.refLogp!, logp)) : tf.scalar(NaN),
      maskedMean(low),
      maskedMean(high),
      maskedMean(tf.logicalOr(low, high)),
      maskedMean(ratio),
      tf.sum(mask),
    ];
    return tf.stack(parts.map((p) => tf.reshape(p, [])));
  });
  const v = packed.dataSync();
  packed.dispose();
  return {
    loss: v[0],
    ...(hasRef ? { kl: v[1] } : {}),
    clip_ratio_low: v[2],
    clip_ratio_high: v[3],
    clip_ratio: v[4],
    ratio_mean: v[5],
    num_tokens: v[6],
  };
}

/** Result of {@linkcode grpoLossAndGrads}. The caller disposes `grads`. */
export interface GrpoLossAndGrads {
  /** Gradients keyed like the `params` map passed in (params without a gradient are absent). */
  grads: Map<string, tf.Tensor>;
  /** Loss and monitoring metrics (see {@linkcode GrpoLossMetrics}). */
  metrics: GrpoLossMetrics;
}

/**
 * One forward + backward pass of the GRPO loss w.r.t. `params`.
 *
 * `forward` computes the current policy's per-token log-probs [B, T] (e.g.
 * `() => tokenLogProbs(model, ids, attentionMask)` sliced to the completion);
 * it runs under the gradient tape. Metrics are computed afterwards from the
 * same log-probs, outside the tape.
 *
 * ```ts
 * const { grads, metrics } = grpoLossAndGrads(
 *   () => tokenLogProbs(model, ids, attn),
 *   { oldLogp, refLogp, advantages, mask },
 *   { beta: 0, epsilon: 0.2, loss_type: "dapo" },
 *   model.params,
 * );
 * ```
 */
export function grpoLossAndGrads(
  forward: () => tf.Tensor2D,
  inputs: Omit<GrpoLossInputs, "logp">,
  config: GrpoLossConfig,
  params: Map<string, tf.Variable>,
): GrpoLossAndGrads {
  let logp: tf.Tensor2D | undefined;
  const { grads } = paramGrads(() => {
    logp = tf.keep(forward());
    return grpoLoss({ ...inputs, logp }, config);
  }, params);
  try {
    const metrics = grpoLossMetrics({ ...inputs, logp: logp! }, config);
    return { grads, metrics };
  } finally {
    logp?.dispose();
  }
}

/** The k3 KL estimator exp(ref − logp) − (ref − logp) − 1 (unbiased, always ≥ 0). */
export function k3(refLogp: tf.Tensor, logp: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const d = tf.sub(refLogp, logp);
    return tf.sub(tf.sub(tf.exp(d), d), 1);
  });
}

/** Identity whose gradient is zero (torch `.detach()`). */
export const stopGradient: (x: tf.Tensor) => tf.Tensor = tf.customGrad(
  (...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: tf.clone(args[0] as tf.Tensor),
    gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
  }),
);

function advantageColumn(adv: tf.Tensor1D | readonly number[], b: number): tf.Tensor2D {
  return adv instanceof tf.Tensor
    ? tf.reshape(tf.cast(adv, "float32"), [b, 1])
    : tf.tensor2d(adv as number[], [b, 1], "float32");
}

function validate(inputs: GrpoLossInputs, config: GrpoLossConfig): void {
  const shape = inputs.logp.shape;
  const same = (name: string, x: tf.Tensor | undefined) => {
    if (x && (x.shape[0] !== shape[0] || x.shape[1] !== shape[1])) {
      throw new Error(`grpoLoss: ${name} shape [${x.shape}] != logp shape [${shape}]`);
    }
  };
  same("oldLogp", inputs.oldLogp);
  same("refLogp", inputs.refLogp);
  same("mask", inputs.mask);
  const nAdv = inputs.advantages instanceof tf.Tensor
    ? inputs.advantages.size
    : inputs.advantages.length;
  if (nAdv !== shape[0]) throw new Error(`grpoLoss: ${nAdv} advantages for batch of ${shape[0]}`);
  if (config.beta !== 0 && !inputs.refLogp) {
    throw new Error("grpoLoss: beta > 0 needs refLogp (use beta = 0 for ZeroGRPO)");
  }
  if (!["grpo", "dapo", "dr_grpo"].includes(config.loss_type)) {
    throw new Error(`grpoLoss: unknown loss_type ${config.loss_type}`);
  }
}
