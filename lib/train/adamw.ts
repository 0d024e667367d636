/**
 * AdamW (decoupled weight decay, Loshchilov & Hutter) over a
 * `Map<string, tf.Variable>`, matching `torch.optim.AdamW`'s update.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import { FUSED } from "../backend/fused_kernels.ts";
import { phase } from "../profile/phases.ts";

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
  /**
   * Update implementation. `"tf"`: ~12 tfjs element-wise ops per parameter (any
   * backend). `"js"`: one fused JavaScript loop over the parameter, its
   * gradient and moments (reads them back, writes new tensors) — much faster
   * on backends whose element-wise ops are JavaScript loops. `"kernel"`: the
   * backend's fused `SsrAdamW` kernel, one pass on its memory (`native`).
   * `"auto"` (default): `"kernel"` where the backend has it, `"js"` on the `cpu`
   * backend, `"tf"` elsewhere.
   */
  impl?: "auto" | "js" | "tf" | "kernel";
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
      impl: "auto",
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
    phase("optimizer", () => this.#step(grads, lr));
  }

  #step(grads: GradMap, lr: number): void {
    const { beta1, beta2, eps, weight_decay, impl } = this.config;
    this.#t++;
    const bc1 = 1 - beta1 ** this.#t;
    const bc2 = 1 - beta2 ** this.#t;
    // m̂/(√v̂ + eps) = √bc2·m / (√v + eps·√bc2): fold both bias corrections into scalars.
    const s = {
      b1: beta1,
      b2: beta2,
      eps: eps * Math.sqrt(bc2),
      stepSize: (lr * Math.sqrt(bc2)) / bc1,
      keep: 1 - lr * weight_decay,
    };
    const entries = grads instanceof Map ? [...grads.entries()] : Object.entries(grads);
    const kernel = tf.getKernel(FUSED.adamW, tf.getBackend()) !== undefined;
    const use = impl !== "auto"
      ? impl
      : kernel
      ? "kernel"
      : tf.getBackend() === "cpu"
      ? "js"
      : "tf";
    const update = { js: updateJs, tf: updateTf, kernel: updateKernel }[use];
    for (const [key, g] of entries) {
      const p = this.#params.get(key);
      const m = this.#m.get(key);
      const v = this.#v.get(key);
      if (!p || !m || !v) continue;
      const decay = weight_decay !== 0 && this.#decay.get(key) === true;
      update(p, g, m, v, s, decay);
    }
  }

  /**
   * The optimizer's state: the step count and both moments of every parameter, as copies
   * (`m.<name>`, `v.<name>`), e.g. to checkpoint a long run.
   */
  state(): AdamWState {
    const moments = new Map<string, { shape: number[]; data: Float32Array }>();
    for (const [key, m] of this.#m) {
      moments.set(`m.${key}`, { shape: [...m.shape], data: m.dataSync() as Float32Array });
      const v = this.#v.get(key)!;
      moments.set(`v.${key}`, { shape: [...v.shape], data: v.dataSync() as Float32Array });
    }
    return { t: this.#t, moments };
  }

  /**
   * Restores a state taken by {@linkcode AdamW.state} (same parameters); a missing or
   * mis-shaped moment throws, naming it.
   */
  loadState(state: AdamWState): void {
    for (const [prefix, table] of [["m", this.#m], ["v", this.#v]] as const) {
      for (const [key, x] of table) {
        const saved = state.moments.get(`${prefix}.${key}`);
        if (!saved) throw new Error(`optimizer state: missing moment "${prefix}.${key}"`);
        if (saved.shape.join(",") !== x.shape.join(",")) {
          throw new Error(
            `optimizer state: moment "${prefix}.${key}" has shape [${saved.shape}], expected [${x.shape}]`,
          );
        }
        assignArray(x, saved.data);
      }
    }
    this.#t = state.t;
  }

  /** Free the moment buffers. */
  dispose(): void {
    for (const x of this.#m.values()) x.dispose();
    for (const x of this.#v.values()) x.dispose();
    this.#m.clear();
    this.#v.clear();
  }
}

/** What {@linkcode AdamW.state} returns: the step count and the moments by name. */
export interface AdamWState {
  t: number;
  moments: Map<string, { shape: number[]; data: Float32Array }>;
}

interface StepScalars {
  b1: number;
  b2: number;
  eps: number;
  stepSize: number;
  keep: number;
}

/** One parameter's update: p, its gradient g and moments m, v in place. */
type Update = (
  p: tf.Variable,
  g: tf.Tensor,
  m: tf.Variable,
  v: tf.Variable,
  s: StepScalars,
  decay: boolean,
) => void;

const updateTf: Update = (p, g, m, v, s, decay) => {
  tf.tidy(() => {
    const mNew = tf.add(tf.mul(m, s.b1), tf.mul(g, 1 - s.b1));
    const vNew = tf.add(tf.mul(v, s.b2), tf.mul(tf.square(g), 1 - s.b2));
    const update = tf.mul(tf.div(mNew, tf.add(tf.sqrt(vNew), s.eps)), s.stepSize);
    const base = decay ? tf.mul(p, s.keep) : p;
    m.assign(mNew);
    v.assign(vNew);
    p.assign(tf.sub(base, update));
  });
};

const updateKernel: Update = (p, g, m, v, s, decay) => {
  const attrs = { ...s, keep: decay ? s.keep : 1 };
  const out = tf.engine().runKernel(FUSED.adamW, { p, g, m, v }, attrs) as tf.Tensor[];
  p.assign(out[0]);
  m.assign(out[1]);
  v.assign(out[2]);
  tf.dispose(out);
};

const updateJs: Update = (p, g, m, v, s, decay) => {
  const pd = p.dataSync() as Float32Array;
  const gd = g.dataSync() as Float32Array;
  const md = m.dataSync() as Float32Array;
  const vd = v.dataSync() as Float32Array;
  const n = pd.length;
  const pn = new Float32Array(n);
  const mn = new Float32Array(n);
  const vn = new Float32Array(n);
  const { b1, b2, eps, stepSize } = s;
  const c1 = 1 - b1;
  const c2 = 1 - b2;
  const keep = decay ? s.keep : 1;
  for (let i = 0; i < n; i++) {
    const gi = gd[i];
    const mi = b1 * md[i] + c1 * gi;
    const vi = b2 * vd[i] + c2 * gi * gi;
    mn[i] = mi;
    vn[i] = vi;
    pn[i] = pd[i] * keep - stepSize * mi / (Math.sqrt(vi) + eps);
  }
  assignArray(m, mn);
  assignArray(v, vn);
  assignArray(p, pn);
};

function assignArray(x: tf.Variable, values: Float32Array): void {
  const t = tf.tensor(values, x.shape, "float32");
  x.assign(t);
  t.dispose();
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
  return phase("optimizer", () => clip(grads, maxNorm));
}

function clip(
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
