/**
 * Runs `bin/bench_torch.py` — the PyTorch twin of the model benchmark (same config, batch and
 * sequence shapes, AdamW; generation with a KV cache) — and returns its report, or why it could
 * not run (no Python, no torch).
 *
 * @module
 */

import { fileURLToPath } from "node:url";

/** Result of {@linkcode torchBench}: the PyTorch report, or the reason there is none. */
export type TorchBench =
  | { ok: true; report: TorchReport }
  | { ok: false; reason: string };

/** What `bin/bench_torch.py` prints. */
export interface TorchReport {
  torch: string;
  threads: number;
  params: number;
  train: {
    batch: number;
    seq: number;
    steps: number;
    sec_per_step: number;
    cpu_sec_per_step: number;
    tokens_per_s: number;
    tokens_per_cpu_s: number;
  };
  generate: {
    sequences: number;
    prompt: number;
    new_tokens: number;
    seconds: number;
    cpu_seconds: number;
    tokens_per_s: number;
    tokens_per_cpu_s: number;
  };
}

/** Options of {@linkcode torchBench}. */
export interface TorchBenchOptions {
  /** Python interpreter (default {@linkcode defaultPython}). */
  python?: string;
  /** Model config file. */
  config: string;
  /** Timed training steps (after one warm-up step). */
  trainSteps: number;
  /** torch threads; 0 or absent: torch's own default. */
  threads?: number;
}

const SCRIPT = fileURLToPath(new URL("../../bin/bench_torch.py", import.meta.url));

/**
 * The interpreter to run the PyTorch benchmark with: `$SSR1_PYTHON`, else `/usr/bin/python3`
 * (where Debian's `python3-torch` installs), else `python3` from the PATH.
 */
export function defaultPython(): string {
  const env = Deno.env.get("SSR1_PYTHON");
  if (env) return env;
  try {
    Deno.statSync("/usr/bin/python3");
    return "/usr/bin/python3";
  } catch {
    return "python3";
  }
}

/** Runs the PyTorch benchmark as a child process and parses its JSON line. */
export async function torchBench(opts: TorchBenchOptions): Promise<TorchBench> {
  const python = opts.python ?? defaultPython();
  const args = [SCRIPT, "--config", opts.config, "--train-steps", String(opts.trainSteps)];
  if (opts.threads) args.push("--threads", String(opts.threads));
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command(python, { args, stdout: "piped", stderr: "piped" }).output();
  } catch (e) {
    return { ok: false, reason: `cannot run ${python}: ${(e as Error).message.split("\n")[0]}` };
  }
  const err = new TextDecoder().decode(out.stderr).trim().split("\n").filter((l) => l).at(-1);
  if (out.code === 3) {
    return { ok: false, reason: `${err ?? "torch missing"} (apt-get install python3-torch)` };
  }
  if (!out.success) {
    return { ok: false, reason: `${python} ${SCRIPT} exited with ${out.code}: ${err ?? ""}` };
  }
  const line = new TextDecoder().decode(out.stdout).trim().split("\n").at(-1) ?? "";
  try {
    return { ok: true, report: JSON.parse(line) as TorchReport };
  } catch {
    return { ok: false, reason: `unreadable output of ${SCRIPT}: ${line.slice(0, 200)}` };
  }
}
