/**
 * The model part of `deno task bench`: train throughput (forward + backward + AdamW on
 * next-token cross-entropy, batch 64 × 128) and generation throughput (128 sequences, 16-token
 * prompts, 96 sampled tokens each, KV cache) — ours alone, or alternated request by request
 * with the PyTorch twin ({@linkcode TorchServer}) so that both sides run under the same load.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import process from "node:process";
import * as model from "../model/mod.ts";
import { AdamW } from "../train/adamw.ts";
import { paramGrads } from "../train/param_grads.ts";
import type { Timing, TorchServer } from "./torch.ts";

/**
 * Times `trainSteps` train steps and `genRuns` generations of a fresh model of `configPath`
 * (one warm-up of each first), each of ours followed by the same request to `torch` when given.
 * Figures are medians over the runs.
 */
export async function modelBench(
  configPath: string,
  trainSteps: number,
  genRuns: number,
  torch?: TorchServer,
): Promise<{ ours: SideReport; torch?: SideReport }> {
  const net = model.Qwen2Model.init(model.loadConfig(configPath), 0);
  const ours = { train: [] as Timing[], generate: [] as Timing[] };
  const theirs = { train: [] as Timing[], generate: [] as Timing[] };
  const train = trainStep(net);
  try {
    // Warm-up, both sides: one train step and one full generation (the first ones grow the heap
    // and the caches; every timed run after them is a steady-state one).
    train();
    generateRun(net);
    await torch?.time("warmup");
    for (let i = 0; i < trainSteps; i++) {
      ours.train.push(timed(train));
      if (torch) theirs.train.push(await torch.time("train"));
    }
    for (let i = 0; i < genRuns; i++) {
      ours.generate.push(timed(() => generateRun(net)));
      if (torch) theirs.generate.push(await torch.time("generate"));
    }
  } finally {
    train.dispose();
    net.dispose();
  }
  const side = (t: typeof ours) => ({
    train: rates(t.train, TRAIN.batch * TRAIN.seq, { ...TRAIN, steps: t.train.length }),
    generate: rates(t.generate, GEN.sequences * GEN.new_tokens, {
      ...GEN,
      runs: t.generate.length,
    }),
  });
  return {
    ours: { params: net.numParams(), ...side(ours) },
    ...(torch ? { torch: side(theirs) } : {}),
  };
}

/** Throughput of one side: per wall second and per CPU second (medians of the runs). */
export interface SideReport {
  params?: number;
  train: Rates;
  generate: Rates;
}

/** Medians of wall and CPU seconds per run, and the tokens per second they give. */
export interface Rates {
  seconds: number;
  cpu_seconds: number;
  tokens_per_s: number;
  tokens_per_cpu_s: number;
  [shape: string]: number;
}

const TRAIN = { batch: 64, seq: 128 };
const GEN = { sequences: 128, prompt: 16, new_tokens: 96 };

/**
 * One forward + backward + AdamW step of the benchmark (batch 64 × 128) on fixed ids
 * `(i · 7919) mod V`; `dispose` frees it.
 */
export function trainStep(net: model.Qwen2Model): (() => void) & { dispose(): void } {
  const { batch: B, seq: T } = TRAIN;
  const V = net.config.vocab_size;
  const ids = tf.tensor2d(
    Int32Array.from({ length: B * T }, (_, i) => (i * 7919) % V),
    [B, T],
    "int32",
  );
  const mask = tf.ones([B, T], "int32") as tf.Tensor2D;
  const opt = new AdamW(net.params, { lr: 1e-4 });
  const step = () => {
    // Gradients keyed by parameter name, as the optimizer keys its state (the loss is read back).
    const { grads } = paramGrads(
      () => tf.neg(tf.mean(model.tokenLogProbs(net, ids, mask))) as tf.Scalar,
      net.params,
    );
    opt.step(grads);
    tf.dispose([...grads.values()]);
  };
  return Object.assign(step, {
    dispose() {
      opt.dispose();
      tf.dispose([ids, mask]);
    },
  });
}

/** 128 sequences, 16-token prompts, 96 sampled tokens each (EOS never sampled), KV cache. */
function generateRun(net: model.Qwen2Model): void {
  const { sequences: B, prompt: P, new_tokens: N } = GEN;
  const V = net.config.vocab_size;
  const prompts = Array.from(
    { length: B },
    (_, b) => Array.from({ length: P }, (_, t) => (b * 31 + t * 17) % V),
  );
  model.generate(net, prompts, {
    maxNewTokens: N,
    temperature: 1,
    eosId: -1, // never sampled: every row generates N tokens
    padId: 0,
    seeds: prompts.map((_, i) => i),
  });
}

function timed(fn: () => void): Timing {
  const start = performance.now(), cpu0 = process.cpuUsage();
  fn();
  const cpu = process.cpuUsage(cpu0);
  return { wall: (performance.now() - start) / 1000, cpu: (cpu.user + cpu.system) / 1e6 };
}

function rates(runs: Timing[], tokens: number, shape: Record<string, number>): Rates {
  const wall = median(runs.map((r) => r.wall)), cpu = median(runs.map((r) => r.cpu));
  return {
    ...shape,
    seconds: round(wall, 3),
    cpu_seconds: round(cpu, 3),
    tokens_per_s: Math.round(tokens / wall),
    tokens_per_cpu_s: Math.round(tokens / cpu),
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b), m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
