/**
 * Benchmark of the active tensor backend; prints one JSON object on stdout.
 *
 * - matmul GFLOP/s at 128³ and 512³ through tfjs, and for raw `cblas_sgemm` on Float32Arrays
 *   called from this process;
 * - for the model config: train tokens/s (forward + backward + AdamW, batch 64×128) and
 *   generation tokens/s (128 sequences, 16-token prompts, 96 new tokens, KV cache).
 *
 * ```sh
 * deno task bench [--backend native|wasm|cpu|tensorflow] [--config data/base/config.json]
 *                 [--train-steps 3] [--matmul-only]
 * deno task bench --vs-torch [--rounds 1] [--torch-threads N] [--python /usr/bin/python3]
 * deno task bench --profile [grpo]          # a ZeroGRPO step (quick preset) from --base
 * deno task bench --profile pretrain --config data/bases/overthink-0.8m/config.json
 *                 [--corpus overthink] [--batch-size 32] [--profile-steps 4]
 * ```
 *
 * `--vs-torch` also runs `bin/bench_torch.py` (the same model, shapes and optimizer in eager
 * PyTorch) in the same invocation, right after ours (with `--rounds N`, N alternating rounds,
 * best of each side), and reports `vs_torch`: its figures and the ratios ours / PyTorch. Without
 * a Python that imports torch (`$SSR1_PYTHON` or `--python` choose it) it says why and reports
 * ours alone.
 *
 * `--profile` prints, instead of the benchmark, the wall time by phase (rollout prefill, decode
 * steps and sampling, reward, forward, backward, optimizer, …) with the part spent in kernels,
 * and the top kernels by total time with their call counts (JSON on stdout, Markdown tables on
 * stderr).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import process from "node:process";
import { parseArgs } from "node:util";
import { initBackend, loadBlas } from "../lib/backend/mod.ts";
import { type TorchBench, torchBench, type TorchReport } from "../lib/bench/torch.ts";
import * as model from "../lib/model/mod.ts";
import * as train from "../lib/train/mod.ts";
import { profileGrpoStep } from "../lib/profile/grpo_step.ts";
import { profilePretrainSteps } from "../lib/profile/pretrain_step.ts";
import { profileMarkdown } from "../lib/profile/profile.ts";

/** Runs the benchmark and returns the JSON report. */
export async function bench(args: string[]): Promise<Record<string, unknown>> {
  const { values } = parseArgs({
    args: withProfileDefault(args),
    options: {
      backend: { type: "string" },
      config: { type: "string", default: "data/base/config.json" },
      "train-steps": { type: "string", default: "3" },
      "matmul-only": { type: "boolean", default: false },
      profile: { type: "string" },
      base: { type: "string", default: "data/base" },
      corpus: { type: "string", default: "overthink" },
      "batch-size": { type: "string", default: "32" },
      "profile-steps": { type: "string", default: "4" },
      "vs-torch": { type: "boolean", default: false },
      python: { type: "string" },
      "torch-threads": { type: "string", default: "0" },
      rounds: { type: "string", default: "1" },
    },
  });
  const info = await initBackend({ backend: values.backend });
  const report: Record<string, unknown> = { backend: info.name, reason: info.reason };
  if (values.profile !== undefined) {
    report.profile = profile(values);
    return report;
  }

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

  if (values["matmul-only"]) return report;
  const steps = Number(values["train-steps"]);
  const rounds = Math.max(1, Number(values.rounds));
  let ours: ModelBench | null = null;
  let torch: TorchReport | null = null;
  let noTorch: string | null = null;
  for (let r = 0; r < rounds && noTorch === null; r++) {
    ours = best(ours, modelBench(values.config!, steps));
    if (!values["vs-torch"]) continue;
    const t: TorchBench = await torchBench({
      python: values.python,
      config: values.config!,
      trainSteps: steps,
      threads: Number(values["torch-threads"]),
    });
    if (t.ok) torch = best(torch, t.report);
    else noTorch = t.reason;
  }
  report.model = ours;
  if (rounds > 1) report.rounds = rounds;
  if (torch && ours?.train && ours.generate) {
    report.vs_torch = {
      ...torch,
      ratio: {
        train: round(ours.train.tokens_per_s / torch.train.tokens_per_s, 2),
        generate: round(ours.generate.tokens_per_s / torch.generate.tokens_per_s, 2),
        train_cpu: round(ours.train.tokens_per_cpu_s / torch.train.tokens_per_cpu_s, 2),
        generate_cpu: round(
          ours.generate.tokens_per_cpu_s / torch.generate.tokens_per_cpu_s,
          2,
        ),
      },
    };
  } else if (noTorch !== null) {
    report.vs_torch = { status: "unavailable", reason: noTorch };
    console.error(`bench: --vs-torch: ${noTorch}; reporting ours alone`);
  }
  return report;
}

/** `--profile` without a value (last, or followed by another flag) means `--profile grpo`. */
function withProfileDefault(args: string[]): string[] {
  return args.flatMap((a, i) =>
    a === "--profile" && (i + 1 === args.length || args[i + 1].startsWith("--"))
      ? ["--profile", "grpo"]
      : [a]
  );
}

// ---------------------------------------------------------------- profile

function profile(values: Record<string, string | boolean | undefined>): Record<string, unknown> {
  const kind = values.profile;
  if (kind === "grpo") {
    const r = profileGrpoStep(values.base as string);
    console.error(profileMarkdown(r.profile));
    const decode = r.profile.phases.find((p) => p.phase === "rollout/decode");
    return {
      kind: "ZeroGRPO step 2 of the quick preset (zero_grpo, seed 1)",
      base: values.base,
      rollouts: r.rollouts,
      completion_length: round(r.completion_length, 1),
      decode_ms_per_step: decode?.ms_per_call ?? null,
      ...r.profile,
    };
  }
  if (kind === "pretrain") {
    const steps = Number(values["profile-steps"]), batch = Number(values["batch-size"]);
    const r = profilePretrainSteps(values.config as string, values.corpus as string, batch, steps);
    console.error(profileMarkdown(r.profile));
    const tokens = r.steps.reduce((s, m) => s + m.tokens, 0);
    return {
      kind: `pretraining, ${steps} steps of ${batch} sequences (${values.corpus})`,
      config: values.config,
      loss_tokens: tokens,
      loss_tokens_per_s: round(tokens / (r.profile.total_ms / 1000), 0),
      ...r.profile,
    };
  }
  throw new Error(`--profile: expected grpo or pretrain, got "${kind}"`);
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

/** Train and generation figures of one model bench (both sides report these). */
interface ModelBench {
  train?: Rate;
  generate?: Rate;
}

/** A throughput, per wall second and per CPU second (all threads of the process). */
interface Rate {
  tokens_per_s: number;
  tokens_per_cpu_s: number;
}

/** The better of two rounds, per part (train, generate) by tokens/s. */
function best<T extends ModelBench>(a: T | null, b: T): T {
  if (!a) return b;
  const pick = (k: "train" | "generate") =>
    (b[k]?.tokens_per_s ?? 0) > (a[k]?.tokens_per_s ?? 0) ? b[k] : a[k];
  return { ...a, train: pick("train"), generate: pick("generate") };
}

function modelBench(configPath: string, trainSteps: number): ModelBench {
  const config = model.loadConfig(configPath);
  const net = model.Qwen2Model.init(config, 0);
  try {
    return {
      config: configPath,
      params: net.numParams(),
      train: trainBench(net, trainSteps),
      generate: generateBench(net),
    } as ModelBench;
  } finally {
    net.dispose();
  }
}

/** Forward + backward + AdamW on next-token cross-entropy, batch 64 × 128 tokens. */
function trainBench(net: model.Qwen2Model, steps: number): Record<string, number> & Rate {
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
  const start = performance.now(), cpu0 = process.cpuUsage();
  for (let i = 0; i < steps; i++) step();
  const seconds = (performance.now() - start) / 1000 / steps;
  const cpu = cpuSeconds(cpu0) / steps;
  opt.dispose();
  tf.dispose([ids, mask]);
  return {
    batch: B,
    seq: T,
    steps,
    sec_per_step: round(seconds, 3),
    cpu_sec_per_step: round(cpu, 3),
    tokens_per_s: round(B * T / seconds, 0),
    tokens_per_cpu_s: round(B * T / cpu, 0),
  };
}

/** 128 sequences, 16-token prompts, 96 sampled tokens each (EOS disabled), KV cache. */
function generateBench(net: model.Qwen2Model): Record<string, number> & Rate {
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
  const start = performance.now(), cpu0 = process.cpuUsage();
  const out = model.generate(net, prompts, opts);
  const seconds = (performance.now() - start) / 1000;
  const cpu = cpuSeconds(cpu0);
  const tokens = out.tokens.reduce((n, t) => n + t.length, 0);
  return {
    sequences: B,
    prompt: P,
    new_tokens: N,
    seconds: round(seconds, 3),
    cpu_seconds: round(cpu, 3),
    tokens_per_s: round(tokens / seconds, 0),
    tokens_per_cpu_s: round(tokens / cpu, 0),
  };
}

/** CPU seconds (user + system, every thread of the process) since `start`. */
function cpuSeconds(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1e6;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

if (import.meta.main) {
  console.log(JSON.stringify(await bench(Deno.args)));
}
