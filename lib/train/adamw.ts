/**
 * AdamW (decoupled weight decay, Loshchilov & Hutter) over a
 * `Map<string, tf.Variable>`, matching `torch.optim.AdamW`'s update.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";

/** Gradients keyed like the parameter map (a `tf.NamedTensorMap` also works). */
export type GradMap = Map<string, tf.Tensor> | Record<string, tf.Tensor>;

/** AdamW hyper-parameters (defaults as in TRL / HF `TrainingArguments`). */
export interface AdamWConfig {
  /** Base learning rate; {@linkcode AdamW.step} may override it per step (schedules). */
  lr: number;
  /** Default `0.9`. */
  beta1?: number;
  /** Default `0.999`. */
  beta2?: number;
  /** Default `1e-8`. */
  eps?: number;
  /** Decoupled weight decay coefficient. Default `0` (TRL default). */
  weight_decay?: number;
  /**
   * Also decay 1-D parameters (norm weights, biases). Default `false`: like the HF
   * Trainer, only parameters of rank ≥ 2 (matrices, embeddings) are decayed.
   */
  decay_1d?: boolean;
}

/**
 * AdamW optimizer. Per parameter p with gradient g at step t (1-based):
 *
 *   p ← p·(1 − lr·wd)                              (decoupled decay, if decayed)
 *   m ← β1·m + (1 − β1)·g,   v ← β2·v + (1 − β2)·g²
 *   p ← p − (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + eps)
 *
 * ```ts
 * const opt = new AdamW(model.params, { lr: 1e-3, weight_decay: 0.1 });
 * opt.step(grads, schedule(step));
 * ```
 */
export class AdamW {
  readonly config: Required<AdamWConfig>;
  #params: Map<string, tf.Variable>;
  #m = new Map<string, tf.Variable>();
  #v = new Map<string, tf.Variable>();
  #decay = new Map<string, boolean>();
  #t = 0;

  constructor(params: Map<string, tf.Variable>, config: AdamWConfig) {
    this.config = {
      beta1: 0.9,
      beta2: 0.999,
      eps: 1e-8,
      weight_decay: 0,
      decay_1d: false,
      ...config,
    };
    this.#params = params;
    for (const [key, p] of params) {
      if (!p.trainable) continue;
      this.#m.set(key, tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
      this.#v.set(key, tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
      this.#decay.set(key, this.config.decay_1d || p.rank >= 2);
    }
  }

  /** Number of updates applied so far (t of the last update). */
  get stepCount(): number {
    return this.#t;
  }

  /** Whether the parameter `key` receives weight decay. */
  isDecayed(key: string): boolean {
    return this.#decay.get(key) ?? false;
  }

  /**
   * Apply one update. Parameters absent from `grads` are left untouched (their
   * moments too). Does not dispose `grads`.
   */
  step(grads: GradMap, lr: number = this.config.lr): void {
    const { beta1, beta2, eps, weight_decay } = this.config;
    this.#t++;
    const bc1 = 1 - beta1 ** this.#t;
    const bc2 = 1 - beta2 ** this.#t;
    const entries = grads instanceof Map ? grads.entries() : Object.entries(grads);
    tf.tidy(() => {
      const b1 = tf.scalar(beta1);
      const oneMinusB1 = tf.scalar(1 - beta1);
      const b2 = tf.scalar(beta2);
      const oneMinusB2 = tf.scalar(1 - beta2);
      // m̂/(√v̂ + eps) = √bc2·m / (√v + eps·√bc2): fold both bias corrections into scalars.
      const epsT = tf.scalar(eps * Math.sqrt(bc2));
      const stepSize = tf.scalar((lr * Math.sqrt(bc2)) / bc1);
      const keep = tf.scalar(1 - lr * weight_decay);
      for (const [key, g] of entries) {
        const p = this.#params.get(key);
        const m = this.#m.get(key);
        const v = this.#v.get(key);
        if (!p || !m || !v) continue;
        const mNew = tf.add(tf.mul(m, b1), tf.mul(g, oneMinusB1));
        const vNew = tf.add(tf.mul(v, b2), tf.mul(tf.square(g), oneMinusB2));
        const denom = tf.add(tf.sqrt(vNew), epsT);
        const update = tf.mul(tf.div(mNew, denom), stepSize);
        const base = weight_decay !== 0 && this.#decay.get(key) ? tf.mul(p, keep) : p;
        m.assign(mNew);
        v.assign(vNew);
        p.assign(tf.sub(base, update));
      }
    });
  }

  /** Free the moment buffers. */
  dispose(): void {
    for (const x of this.#m.values()) x.dispose();
    for (const x of this.#v.values()) x.dispose();
    this.#m.clear();
    this.#v.clear();
  }
}

/**
 * Global L2 norm of all gradients, read back as a number (NaN/Inf propagate, so
 * the result doubles as a non-finite check).
 */
export function globalNorm(grads: GradMap): number {
  const list = grads instanceof Map ? [...grads.values()] : Object.values(grads);
  if (list.length === 0) return 0;
  const n = tf.tidy(() => tf.sqrt(tf.addN(list.map((g) => tf.sum(tf.square(g))))));
  const value = n.dataSync()[0];
  n.dispose();
  return value;
}

/**
 * Scale gradients so that their global L2 norm is at most `maxNorm`
 * (`torch.nn.utils.clip_grad_norm_`: coef = maxNorm / (norm + 1e-6), capped at 1).
 *
 * Returns the pre-clip `norm`. When clipping happens `grads` holds new tensors
 * (the caller disposes both the inputs and these); when it does not (norm ≤
 * maxNorm, or norm is not finite) the returned map holds the input tensors
 * themselves. Disposing a tensor twice is harmless in tfjs.
 */
export function clipByGlobalNorm(
  grads: GradMap,
  maxNorm: number,
): { grads: Map<string, tf.Tensor>; norm: number; clipped: boolean } {
  const map = grads instanceof Map ? new Map(grads) : new Map(Object.entries(grads));
  const norm = globalNorm(map);
  const coef = maxNorm / (norm + 1e-6);
  if (!Number.isFinite(norm) || coef >= 1) return { grads: map, norm, clipped: false };
  const out = new Map<string, tf.Tensor>();
  tf.tidy(() => {
    const c = tf.scalar(coef);
    for (const [k, g] of map) out.set(k, tf.keep(tf.mul(g, c)));
  });
  return { grads: out, norm, clipped: true };
}
