/**
 * Benchmark of the active tensor backend; prints one JSON object on stdout.
 *
 * - matmul GFLOP/s at 128³ and 512³ through tfjs, and for raw `cblas_sgemm` on Float32Arrays
 *   called from this process (on the library's thread count here: one where the native backend
 *   splits matmuls over its own threads);
 * - for the model config (default: the 0.80M-parameter `data/configs/qwen2-0.8m.json`, the
 *   size the engine's targets are stated for): train tokens/s (forward + backward + AdamW, batch 64×128) and
 *   generation tokens/s (128 sequences, 16-token prompts, 96 new tokens, KV cache), medians of
 *   `--train-steps` steps and `--gen-runs` generations after a warm-up, per wall second and per
 *   CPU second of the process (all threads; on a shared machine the steadier of the two).
 *
 * ```sh
 * deno task bench [--backend native|wasm|cpu|tensorflow] [--config data/bases/imperfect-0.8m/config.json]
 *                 [--train-steps 5] [--gen-runs 2] [--matmul-only]
 * deno task bench --vs-torch [--torch-threads N] [--python /usr/bin/python3]
 * deno task bench --profile [grpo]          # a ZeroGRPO step (quick preset) from --base
 * deno task bench --profile pretrain --config data/bases/overthink-0.8m/config.json
 *                 [--corpus overthink] [--batch-size 32] [--profile-steps 4]
 * ```
 *
 * `--vs-torch` also starts `bin/bench_torch.py --serve` (the same model, shapes and optimizer in
 * eager PyTorch) and alternates its steps and
 * generations with ours, one for one, so that both see the same load; `vs_torch` holds its
 * figures and the ratios ours / PyTorch (wall and CPU). Without a Python that imports torch
 * (`$SSR1_PYTHON` or `--python` choose it) it says why and reports ours alone. Both sides run on
 * the same fixed thread count (`threads` in the JSON): `$SSR1_THREADS`, else `--torch-threads`,
 * else every core. PyTorch runs under `OMP_WAIT_POLICY=passive` unless that is set
 * (`omp_wait_policy` in the JSON): on our machines libgomp's default spin-wait makes it 2–4×
 * slower, so the ratio is against its faster setting.
 *
 * `--profile` prints, instead of the benchmark, the wall time by phase (rollout prefill, decode
 * steps and sampling, reward, forward, backward, optimizer, …) with the part spent in kernels,
 * and the top kernels by total time with their call counts (JSON on stdout, Markdown tables on
 * stderr).
 *
 * @module
 */

import { DEFAULT_BASE_DIR } from "../lib/model/bases.ts";
import * as tf from "@tensorflow/tfjs-core";
import { parseArgsOrFail } from "../lib/cli/parse_args.ts";
import { initBackend, loadBlas } from "../lib/backend/mod.ts";
import { modelBench } from "../lib/bench/model.ts";
import { sideBySideThreads, startTorchBench, type TorchServer } from "../lib/bench/torch.ts";
import { profileGrpoStep } from "../lib/profile/grpo_step.ts";
import { profilePretrainSteps } from "../lib/profile/pretrain_step.ts";
import { profileMarkdown } from "../lib/profile/profile.ts";

/** The model config the train and generation figures use unless `--config` says otherwise. */
export const BENCH_CONFIG = "data/configs/qwen2-0.8m.json";

/** Runs the benchmark and returns the JSON report. */
export async function bench(args: string[]): Promise<Record<string, unknown>> {
  const { values } = parseArgsOrFail({
    args: withProfileDefault(args),
    options: {
      backend: { type: "string" },
      config: { type: "string", default: BENCH_CONFIG },
      "train-steps": { type: "string", default: "5" },
      "gen-runs": { type: "string", default: "2" },
      "matmul-only": { type: "boolean", default: false },
      profile: { type: "string" },
      base: { type: "string", default: DEFAULT_BASE_DIR },
      corpus: { type: "string", default: "overthink" },
      "batch-size": { type: "string", default: "32" },
      "profile-steps": { type: "string", default: "4" },
      "vs-torch": { type: "boolean", default: false },
      python: { type: "string" },
      "torch-threads": { type: "string", default: "0" },
    },
  });
  const sameThreads = values["vs-torch"]
    ? sideBySideThreads(Number(values["torch-threads"]))
    : null;
  const info = await initBackend({ backend: values.backend });
  const report: Record<string, unknown> = { backend: info.name, reason: info.reason };
  if (sameThreads) report.threads = sameThreads;
  if (values.profile !== undefined) {
    report.profile = profile(values);
    return report;
  }

  const blas = loadBlas();
  // The build and its kernels (OpenBLAS names the CPU kernels it picked, e.g. "Haswell"): results
  // round the same only where these agree.
  report.blas = blas.ok
    ? { path: blas.blas.path, threads: blas.blas.threads, config: blas.blas.config }
    : blas.reason;
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
  let torch: TorchServer | undefined;
  if (values["vs-torch"]) {
    const start = await startTorchBench({
      python: values.python,
      config: values.config!,
      threads: sameThreads!.torch,
    });
    if (start.ok) torch = start.server;
    else {
      report.vs_torch = { status: "unavailable", reason: start.reason };
      console.error(`bench: --vs-torch: ${start.reason}; reporting ours alone`);
    }
  }
  try {
    const r = await modelBench(
      values.config!,
      Number(values["train-steps"]),
      Number(values["gen-runs"]),
      torch,
    );
    report.model = { config: values.config, ...r.ours };
    if (torch && r.torch) {
      const ratio = (k: "train" | "generate", per: "tokens_per_s" | "tokens_per_cpu_s") =>
        round(r.ours[k][per] / r.torch![k][per], 2);
      report.vs_torch = {
        ...torch.info,
        ...r.torch,
        ratio: {
          train: ratio("train", "tokens_per_s"),
          generate: ratio("generate", "tokens_per_s"),
          train_cpu: ratio("train", "tokens_per_cpu_s"),
          generate_cpu: ratio("generate", "tokens_per_cpu_s"),
        },
      };
    }
  } finally {
    await torch?.close();
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

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

if (import.meta.main) {
  console.log(JSON.stringify(await bench(Deno.args)));
}
