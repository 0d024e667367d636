/**
 * Batched autoregressive sampling with a KV cache.
 *
 * One prefill forward over the left-padded prompts (attention mask, positions
 * counted from each row's first real token), then one `[B, 1]` forward per
 * step that appends to the cache. Each row draws from its own seeded RNG, so
 * a (prompt, seed) pair yields the same completion whatever else is in the
 * batch (up to float rounding). Finished rows keep stepping (masked) until at
 * most half the batch is still running, then are dropped from the batch and
 * cache (`compact`, default on).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import { KVCache } from "./kv_cache.ts";
import { disposePrepared, type Qwen2Model } from "./qwen2.ts";
import { Rng } from "./rng.ts";
import { phase } from "../profile/phases.ts";

export { KVCache } from "./kv_cache.ts";

/** Options of {@linkcode generate}. */
export interface GenerateOptions {
  /** Most tokens to generate per prompt (EOS included). */
  maxNewTokens: number;
  /** Softmax temperature; `0` = greedy (argmax, no randomness). */
  temperature: number;
  /** Nucleus sampling: keep the smallest top set of tokens with mass ≥ `topP` (default 1 = off). */
  topP?: number;
  /** End-of-sequence id: a row stops when it samples it. */
  eosId: number;
  /** One seed per prompt. */
  seeds: number[];
  /** Padding id (left padding of the prompts). */
  padId: number;
  /** Drop finished rows once half the batch has finished (default `true`; same results). */
  compact?: boolean;
}

/** Result of {@linkcode generate}, one entry per prompt. */
export interface GenerateResult {
  /** Completion ids, *excluding* the EOS token (append `eosId` when `finished[i]` to score it). */
  tokens: number[][];
  /** Whether the row sampled EOS (false: stopped at `maxNewTokens` or the position limit). */
  finished: boolean[];
}

/**
 * Sample completions of `prompts` (non-empty id arrays). A row generates at
 * most `min(maxNewTokens, max_position_embeddings − prompt length)` tokens,
 * so prompt + completion (+ EOS) always fits the model's positions.
 */
export function generate(
  model: Qwen2Model,
  prompts: number[][],
  opts: GenerateOptions,
): GenerateResult {
  const B = prompts.length;
  const V = model.config.vocab_size;
  const maxPos = model.config.max_position_embeddings;
  if (opts.seeds.length !== B) {
    throw new Error(`generate: ${opts.seeds.length} seeds for ${B} prompts`);
  }
  if (!(opts.maxNewTokens >= 0) || !Number.isInteger(opts.maxNewTokens)) {
    throw new Error(
      `generate: maxNewTokens must be a non-negative integer, got ${opts.maxNewTokens}`,
    );
  }
  const topP = opts.topP ?? 1;
  if (!(topP > 0 && topP <= 1)) throw new Error(`generate: topP must be in (0, 1], got ${topP}`);
  if (!(opts.temperature >= 0)) throw new Error(`generate: temperature must be >= 0`);
  if (!(Number.isInteger(opts.padId) && opts.padId >= 0 && opts.padId < V)) {
    throw new Error(`generate: padId ${opts.padId} outside [0, ${V})`);
  }
  const limits = prompts.map((p, i) => {
    if (p.length === 0) throw new Error(`generate: prompt ${i} is empty`);
    if (p.length > maxPos) {
      throw new Error(
        `generate: prompt ${i} has ${p.length} tokens > max_position_embeddings ${maxPos}`,
      );
    }
    for (const id of p) {
      if (!(Number.isInteger(id) && id >= 0 && id < V)) {
        throw new Error(`generate: prompt ${i} has id ${id} outside [0, ${V})`);
      }
    }
    return Math.min(opts.maxNewTokens, maxPos - p.length);
  });
  const tokens: number[][] = prompts.map(() => []);
  const finished: boolean[] = prompts.map(() => false);
  let rows = prompts.map((_, i) => i).filter((i) => limits[i] > 0); // batch row → prompt index
  if (rows.length === 0) return { tokens, finished };
  const rngs = opts.seeds.map((s) => new Rng(s));
  const compact = opts.compact ?? true;

  const weights = model.prepareWeights();
  const cache = new KVCache();
  try {
    // Prefill: left-pad to the longest prompt.
    const L = Math.max(...rows.map((i) => prompts[i].length));
    cache.reserve = L + Math.max(...rows.map((i) => limits[i]));
    const ids = new Int32Array(rows.length * L).fill(opts.padId);
    const mask = new Int32Array(rows.length * L);
    rows.forEach((i, r) => {
      const p = prompts[i];
      ids.set(p, r * L + L - p.length);
      mask.fill(1, r * L + L - p.length, (r + 1) * L);
    });
    let logits = phase(
      "rollout/prefill",
      () =>
        tf.tidy(() =>
          model.forwardPrepared(weights, tf.tensor2d(ids, [rows.length, L], "int32"), {
            attentionMask: tf.tensor2d(mask, [rows.length, L], "int32"),
            cache,
            lastOnly: true,
          })
        ),
    );
    let active = rows.map(() => true); // per batch row (non-compact mode keeps finished rows)
    for (;;) {
      const z = logits.dataSync() as Float32Array;
      logits.dispose();
      const next = new Int32Array(rows.length).fill(opts.padId);
      const stepMask = new Int32Array(rows.length);
      let anyActive = false;
      phase("rollout/sample", () =>
        rows.forEach((i, r) => {
          if (!active[r]) return;
          const tok = sampleToken(z, r * V, V, opts.temperature, topP, rngs[i]);
          if (tok === opts.eosId) {
            finished[i] = true;
            active[r] = false;
            return;
          }
          tokens[i].push(tok);
          if (tokens[i].length >= limits[i]) {
            active[r] = false;
            return;
          }
          next[r] = tok;
          stepMask[r] = 1;
          anyActive = true;
        }));
      if (!anyActive) break;
      let nextIds = next, nextMask: Int32Array | null = null;
      const keep = active.flatMap((a, r) => (a ? [r] : []));
      // Compact once at most half the rows are still running: at most log2(B) cache copies.
      if (compact && keep.length <= rows.length / 2) {
        cache.select(keep);
        rows = keep.map((r) => rows[r]);
        nextIds = Int32Array.from(keep, (r) => next[r]);
        active = keep.map(() => true);
      } else if (keep.length < rows.length) nextMask = stepMask;
      logits = phase(
        "rollout/decode",
        () =>
          tf.tidy(() =>
            model.forwardPrepared(weights, tf.tensor2d(nextIds, [rows.length, 1], "int32"), {
              attentionMask: nextMask
                ? tf.tensor2d(nextMask, [rows.length, 1], "int32")
                : undefined,
              cache,
            })
          ),
      );
    }
  } finally {
    cache.dispose();
    disposePrepared(weights, model);
  }
  return { tokens, finished };
}

/** Scratch of {@linkcode sampleToken} (unnormalized probabilities), reused across calls. */
let probs = new Float64Array(0);

/**
 * Draw one id from `logits[off … off+V)`: argmax when `temperature` is 0,
 * else softmax(logits / temperature) restricted to the top-`topP` nucleus.
 * Consumes exactly one `rng.next()` when sampling.
 */
export function sampleToken(
  logits: ArrayLike<number>,
  off: number,
  V: number,
  temperature: number,
  topP: number,
  rng: Rng,
): number {
  let best = 0, max = -Infinity;
  for (let v = 0; v < V; v++) {
    const x = logits[off + v];
    if (x > max) {
      max = x;
      best = v;
    }
  }
  if (temperature <= 0 || max === -Infinity) return best;
  if (probs.length < V) probs = new Float64Array(V);
  const p = probs;
  let total = 0;
  for (let v = 0; v < V; v++) {
    const x = logits[off + v];
    const e = x === x ? Math.exp((x - max) / temperature) : 0; // NaN → 0
    p[v] = e;
    total += e;
  }
  const u = rng.next();
  if (topP >= 1) {
    let target = u * total;
    for (let v = 0; v < V; v++) {
      target -= p[v];
      if (target < 0) return v;
    }
    return best;
  }
  // Nucleus: sort by probability (ties by id), keep until the mass reaches topP.
  const order = Array.from({ length: V }, (_, v) => v).sort((a, b) => p[b] - p[a] || a - b);
  let kept = 0, mass = 0;
  while (kept < V && mass < topP * total) mass += p[order[kept++]];
  let target = u * mass;
  for (let k = 0; k < kept; k++) {
    target -= p[order[k]];
    if (target < 0) return order[k];
  }
  return order[0];
}
