/**
 * Pretraining of the embedded base model: next-token prediction on the imperfect-solution
 * MiniMath corpus ({@linkcode corpusStream}), loss on the completion tokens (the worked solution
 * and its EOS), AdamW with warm-up and cosine decay, gradient clipping.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import {
  type CorpusExample,
  type CorpusMix,
  corpusStream,
  DEFAULT_MIX,
  type PassSpec,
} from "./corpus.ts";
import type { MiniMathVersion } from "../data/minimath.ts";
import { tokenLogProbs } from "../model/logprobs.ts";
import type { Qwen2Model } from "../model/qwen2.ts";
import type { PromptCodec } from "../rl/policy.ts";
import { AdamW, type AdamWState, clipByGlobalNorm } from "../train/adamw.ts";
import { lrSchedule } from "../train/lr_schedule.ts";
import { accumulatedGrads, chunkByTokens } from "../train/param_grads.ts";

/** Pretraining hyper-parameters. */
export interface PretrainConfig {
  /** Name of the corpus recipe (`overthink`, `imperfect`), for the record. */
  corpus?: string;
  /** Seed of the corpus stream. */
  seed: number;
  /** Optimizer steps. */
  steps: number;
  /** Sequences per step. */
  batch_size: number;
  /** Peak learning rate. */
  lr: number;
  /** Linear warm-up steps. */
  warmup_steps: number;
  /** AdamW decoupled weight decay. */
  weight_decay: number;
  /** Gradient clipping by global norm. */
  max_grad_norm: number;
  /** The corpus mix (default {@linkcode DEFAULT_MIX}). */
  mix?: CorpusMix;
  /** Re-check passes of the corpus solutions (default none: the `imperfect` recipe). */
  passes?: PassSpec | null;
  /** Most padded tokens per micro-batch (gradient accumulation bounds memory); default 4096. */
  micro_batch_tokens?: number;
  /**
   * What a step's summed token loss is divided by. `pool` (the default): the mean completion
   * tokens per batch of the pool of 4 batches the step's batch was sorted from, so every token
   * weighs the same whichever batch its length put it in — the gradient of unsorted batches.
   * `batch`: the step's own completion tokens, which gives the tokens of a pool's short batch
   * several times the weight of a long one's (short solutions' choices, such as closing the think
   * block early, are over-learned); the bases made before this field existed used it.
   */
  loss_norm?: "pool" | "batch";
  /** The MiniMath version the corpus is drawn from (default `v1`, the first bases'). */
  minimath?: MiniMathVersion;
}

/** Metrics of one pretraining step. */
export interface PretrainStep {
  step: number;
  loss: number;
  lr: number;
  grad_norm: number;
  tokens: number;
  seconds: number;
}

/** Hooks and resumption of {@linkcode pretrain}. */
export interface PretrainOptions {
  /** Sees every step's metrics. */
  onStep?: (m: PretrainStep) => void;
  /** Continue a stopped run after `step` steps, with the optimizer state saved then. */
  resume?: { step: number; optimizer: AdamWState };
  /**
   * Called after a step when a checkpoint is due: `everySeconds` of wall time (or `everySteps`
   * steps) since the last one. Not called after the last step.
   */
  checkpoint?: {
    everySeconds?: number;
    everySteps?: number;
    save: (step: number, optimizer: AdamW) => void;
  };
}

/**
 * Trains `model` in place for `config.steps` steps. The run is a pure function of the model's
 * starting weights and `config`: a run resumed from a checkpoint (`options.resume`) replays the
 * same batches and schedule as one never stopped, so it ends with the same weights.
 */
export function pretrain(
  model: Qwen2Model,
  codec: PromptCodec,
  config: PretrainConfig,
  options: PretrainOptions | ((m: PretrainStep) => void) = {},
): PretrainStep[] {
  const opts = typeof options === "function" ? { onStep: options } : options;
  const opt = new AdamW(model.params, { lr: config.lr, weight_decay: config.weight_decay });
  const schedule = lrSchedule({
    lr: config.lr,
    lr_scheduler_type: "cosine",
    warmup_steps: config.warmup_steps,
    total_steps: config.steps,
    min_lr_ratio: 0.1,
  });
  const batches = pretrainBatches(config, codec, model.config.max_position_embeddings);
  const start = opts.resume?.step ?? 0;
  if (opts.resume) {
    opt.loadState(opts.resume.optimizer);
    for (let i = 0; i < start; i++) batches.next(); // the batches the stopped run consumed
  }
  const history: PretrainStep[] = [];
  let lastSave = performance.now();
  for (let step = start; step < config.steps; step++) {
    const { examples: batch, poolTokens } = batches.next().value!;
    const t0 = performance.now();
    const lr = schedule(step);
    const tokens = completionTokens(batch);
    const norm = (config.loss_norm ?? "pool") === "pool" ? poolTokens : tokens;
    const chunks = chunkByTokens(
      batch,
      (e: Encoded) => e.ids.length,
      config.micro_batch_tokens ?? 4096,
    );
    const { loss, grads } = accumulatedGrads(chunks, (chunk) =>
      tf.tidy(() => {
        const { ids, attn, lossMask } = batchTensors(chunk, codec.padId);
        const logp = tokenLogProbs(model, ids, attn);
        return tf.neg(tf.div(tf.sum(tf.mul(logp, lossMask)), tf.scalar(norm))) as tf.Scalar;
      }), model.params);
    const clipped = clipByGlobalNorm(grads, config.max_grad_norm);
    if (Number.isFinite(loss) && Number.isFinite(clipped.norm)) opt.step(clipped.grads, lr);
    for (const g of grads.values()) g.dispose();
    for (const g of clipped.grads.values()) g.dispose();
    const m: PretrainStep = {
      step: step + 1,
      loss,
      lr,
      grad_norm: clipped.norm,
      tokens,
      seconds: (performance.now() - t0) / 1000,
    };
    history.push(m);
    opts.onStep?.(m);
    const ck = opts.checkpoint;
    if (ck && step + 1 < config.steps) {
      const dueTime = ck.everySeconds !== undefined &&
        performance.now() - lastSave >= ck.everySeconds * 1000;
      const dueStep = ck.everySteps !== undefined && (step + 1) % ck.everySteps === 0;
      if (dueTime || dueStep) {
        ck.save(step + 1, opt);
        lastSave = performance.now();
      }
    }
  }
  opt.dispose?.();
  return history;
}

/**
 * The training batches of a pretraining run, in order: examples are drawn from the seeded corpus
 * 4 batches at a time and sorted by length, so that each batch is padded little. Each comes with
 * its pool's mean completion tokens per batch (the `pool` loss normalizer).
 */
export function* pretrainBatches(
  config: PretrainConfig,
  codec: PromptCodec,
  maxLen: number,
): Generator<PretrainBatch> {
  const stream = corpusStream(
    config.seed,
    config.mix ?? DEFAULT_MIX,
    config.passes ?? null,
    config.minimath ?? "v1",
  );
  for (;;) {
    const pool: { ids: number[]; start: number }[] = [];
    for (let i = 0; i < 4 * config.batch_size; i++) {
      pool.push(encodeExample(stream.next().value as CorpusExample, codec, maxLen));
    }
    pool.sort((a, b) => b.ids.length - a.ids.length);
    const poolTokens = completionTokens(pool) / 4;
    for (let i = 3; i >= 0; i--) {
      yield {
        examples: pool.slice(i * config.batch_size, (i + 1) * config.batch_size),
        poolTokens,
      };
    }
  }
}

/** One step's examples and its pool's mean completion tokens per batch. */
export interface PretrainBatch {
  examples: Encoded[];
  poolTokens: number;
}

/** Completion tokens (the ones the loss scores) of some examples. */
function completionTokens(examples: readonly Encoded[]): number {
  return examples.reduce((s, e) => s + e.ids.length - e.start, 0);
}

/** An encoded example: prompt + completion ids, and where the completion starts. */
export interface Encoded {
  ids: number[];
  start: number;
}

/** Prompt + completion ids of an example (EOS unless the completion rambles), cut to `maxLen`. */
export function encodeExample(
  ex: CorpusExample,
  codec: PromptCodec,
  maxLen: number,
): { ids: number[]; start: number } {
  const prompt = codec.encodePrompt(ex.problem);
  const completion = codec.encode(ex.completion);
  if (ex.kind !== "ramble") completion.push(codec.eosId);
  return { ids: [...prompt, ...completion].slice(0, maxLen), start: prompt.length };
}

/** Right-padded ids, attention mask and the loss mask over predicted completion tokens. */
function batchTensors(batch: { ids: number[]; start: number }[], padId: number) {
  const B = batch.length;
  const T = Math.max(...batch.map((e) => e.ids.length));
  const ids = new Int32Array(B * T).fill(padId);
  const attn = new Float32Array(B * T);
  const loss = new Float32Array(B * (T - 1));
  batch.forEach((e, b) => {
    for (let t = 0; t < e.ids.length; t++) {
      ids[b * T + t] = e.ids[t];
      attn[b * T + t] = 1;
      // logp[:, t] scores ids[:, t+1]: completion tokens are those at index ≥ start.
      if (t + 1 >= e.start && t + 1 < e.ids.length) {
        loss[b * (T - 1) + t] = 1;
      }
    }
  });
  return {
    ids: tf.tensor2d(ids, [B, T], "int32"),
    attn: tf.tensor2d(attn, [B, T]),
    lossMask: tf.tensor2d(loss, [B, T - 1]),
  };
}
