/**
 * Benchmark of the active tensor backend; prints one JSON object on stdout.
 *
 * - matmul GFLOP/s at 128³ and 512³ through tfjs, and for raw `cblas_sgemm` on Float32Arrays
 *   called from this process;
 * - for the model config: train tokens/s (forward + backward + AdamW, batch 64×128) and
 *   generation tokens/s (128 sequences, 16-token prompts, 96 new tokens, KV cache).
 *
 * ```sh
 * deno task bench [--backend native|wasm|cpu|tensorflow] [--config data/bases/imperfect-0.8m/config.json]
 *                 [--train-steps 3] [--matmul-only]
 * ```
 *
 * @module
 */

import { DEFAULT_BASE_DIR } from "../lib/model/bases.ts";
import * as tf from "@tensorflow/tfjs-core";
import { parseArgs } from "node:util";
import { initBackend, loadBlas } from "../lib/backend/mod.ts";

/** Runs the benchmark and returns the JSON report. */
export async function bench(args: string[]): Promise<Record<string, unknown>> {
  const { values } = parseArgs({
    args,
    options: {
      backend: { type: "string" },
      config: { type: "string", default: `${DEFAULT_BASE_DIR}/config.json` },
      "train-steps": { type: "string", default: "3" },
      "matmul-only": { type: "boolean", default: false },
    },
  });
  const info = await initBackend({ backend: values.backend });
  const report: Record<string, unknown> = { backend: info.name, reason: info.reason };

  const blas = loadBlas();
  report.blas = blas.ok ? { path: blas.blas.path, threads: blas.blas.threads } : blas.reason;
  // Best of 3 alternating rounds: the cores are shared, so single timings are noisy.
  const rates = { backend: { 128: 0, 512: 0 }, raw: { 128: 0, 512: 0 } };
  for (let round = 0; round < 3; round++) {
    for (const n of [128, 512] as const) {
      rates.backend[n] = Math.max(rates.backend[n], matmulGflops(n));
      if (blas.ok) rates.raw[n] = Math.max(rates.raw[n], sgemmGflops(n));
    }
  }
  report.matmul_gflops = {
    [info.name]: rates.backend,
    raw_sgemm: blas.ok ? rates.raw : null,
    ratio_512: blas.ok ? round(rates.backend[512] / rates.raw[512], 3) : null,
  };

  if (!values["matmul-only"]) {
    report.model = await modelBench(values.config!, Number(values["train-steps"]));
  }
  return report;
}

// ---------------------------------------------------------------- matmul

/** GFLOP/s of `tf.matMul` on n×n float32 matrices with the active backend. */
function matmulGflops(n: number): number {
  const a = tf.randomNormal([n, n]), b = tf.randomNormal([n, n]);
  const seconds = timeIt(() => tf.matMul(a, b).dispose(), () => tf.matMul(a, b).dataSync());
  tf.dispose([a, b]);
  return round((2 * n ** 3) / seconds / 1e9, 1);
}

/** GFLOP/s of `cblas_sgemm` called directly on JS Float32Arrays. */
function sgemmGflops(n: number): number {
  const load = loadBlas();
  if (!load.ok) throw new Error(load.reason);
  const a = Float32Array.from({ length: n * n }, () => Math.random() - 0.5);
  const b = Float32Array.from({ length: n * n }, () => Math.random() - 0.5);
  const c = new Float32Array(n * n);
  const seconds = timeIt(() => load.blas.sgemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n));
  return round((2 * n ** 3) / seconds / 1e9, 1);
}

/** Seconds per call of `fn`: one warm-up, then repeats for ≥ 0.3 s (at least 3 calls). */
function timeIt(fn: () => void, sync: () => void = () => {}): number {
  fn();
  sync();
  let reps = 0;
  const start = performance.now();
  let elapsed = 0;
  while (reps < 3 || elapsed < 300) {
    fn();
    reps++;
    elapsed = performance.now() - start;
  }
  sync();
  return (performance.now() - start) / 1000 / reps;
}

// ---------------------------------------------------------------- model

async function modelBench(configPath: string, trainSteps: number): Promise<unknown> {
  let model: typeof import("../lib/model/mod.ts");
  let train: typeof import("../lib/train/mod.ts");
  try {
    model = await import("../lib/model/mod.ts");
    train = await import("../lib/train/mod.ts");
  } catch (e) {
    return { status: "not available yet", error: (e as Error).message.split("\n")[0] };
  }
  const config = model.loadConfig(configPath);
  const net = model.Qwen2Model.init(config, 0);
  const result: Record<string, unknown> = { config: configPath, params: net.numParams() };
  try {
    result.train = trainBench(model, train, net, trainSteps);
    result.generate = generateBench(model, net);
  } finally {
    net.dispose();
  }
  return result;
}

/** Forward + backward + AdamW on next-token cross-entropy, batch 64 × 128 tokens. */
function trainBench(
  model: typeof import("../lib/model/mod.ts"),
  train: typeof import("../lib/train/mod.ts"),
  net: InstanceType<typeof model.Qwen2Model>,
  steps: number,
): Record<string, number> {
  const [B, T] = [64, 128];
  const V = net.config.vocab_size;
  const ids = tf.tensor2d(
    Int32Array.from({ length: B * T }, (_, i) => (i * 7919) % V),
    [B, T],
    "int32",
  );
  const mask = tf.ones([B, T], "int32") as tf.Tensor2D;
  const opt = new train.AdamW(net.params, { lr: 1e-4 });
  const vars = [...net.params.values()];
  const step = () => {
    const { value, grads } = tf.variableGrads(
      () => tf.neg(tf.mean(model.tokenLogProbs(net, ids, mask))) as tf.Scalar,
      vars,
    );
    opt.step(grads);
    value.dataSync();
    tf.dispose([value, ...Object.values(grads)]);
  };
  step(); // warm-up
  const start = performance.now();
  for (let i = 0; i < steps; i++) step();
  const seconds = (performance.now() - start) / 1000 / steps;
  opt.dispose();
  tf.dispose([ids, mask]);
  return {
    batch: B,
    seq: T,
    steps,
    sec_per_step: round(seconds, 3),
    tokens_per_s: round(B * T / seconds, 0),
  };
}

/** 128 sequences, 16-token prompts, 96 sampled tokens each (EOS disabled), KV cache. */
function generateBench(
  model: typeof import("../lib/model/mod.ts"),
  net: InstanceType<typeof model.Qwen2Model>,
): Record<string, number> {
  const [B, P, N] = [128, 16, 96];
  const V = net.config.vocab_size;
  const prompts = Array.from(
    { length: B },
    (_, b) => Array.from({ length: P }, (_, t) => (b * 31 + t * 17) % V),
  );
  const opts = {
    maxNewTokens: N,
    temperature: 1,
    eosId: -1, // never sampled: every row generates N tokens
    padId: 0,
    seeds: prompts.map((_, i) => i),
  };
  model.generate(net, prompts.slice(0, 4), { ...opts, maxNewTokens: 4, seeds: [0, 1, 2, 3] });
  const start = performance.now();
  const out = model.generate(net, prompts, opts);
  const seconds = (performance.now() - start) / 1000;
  const tokens = out.tokens.reduce((n, t) => n + t.length, 0);
  return {
    sequences: B,
    prompt: P,
    new_tokens: N,
    seconds: round(seconds, 3),
    tokens_per_s: round(tokens / seconds, 0),
  };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

if (import.meta.main) {
  console.log(JSON.stringify(await bench(Deno.args)));
}
