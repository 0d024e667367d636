/**
 * The PyTorch side of `deno task bench --vs-torch`: `bin/bench_torch.py --serve`, the same model
 * (same config, batch and sequence shapes, AdamW; generation with a KV cache) in eager PyTorch,
 * kept running as a child process that times one train step or one generation per request, so
 * that the bench can alternate them with its own under the same load.
 *
 * @module
 */

import { fileURLToPath } from "node:url";

/**
 * Starts the PyTorch benchmark server; resolves to it, or to why it could not start (no Python,
 * no torch).
 */
export async function startTorchBench(opts: TorchBenchOptions): Promise<TorchStart> {
  const python = opts.python ?? defaultPython();
  const args = [SCRIPT, "--serve", "--config", opts.config];
  if (opts.threads) args.push("--threads", String(opts.threads));
  const policy = torchWaitPolicy(opts.ompWaitPolicy);
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(python, {
      args,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
      env: { OMP_WAIT_POLICY: policy },
    }).spawn();
  } catch (e) {
    return { ok: false, reason: `cannot run ${python}: ${(e as Error).message.split("\n")[0]}` };
  }
  const stderr = new Response(child.stderr).text(); // drained meanwhile, read on failure
  const server = new TorchServer(child);
  const hello = await server.readLine();
  if (hello === null) {
    await server.close();
    const { code } = await child.status;
    const err = (await stderr).trim().split("\n").at(-1);
    const reason = code === 3
      ? `${err ?? "torch missing"} (Debian: apt-get install python3-torch)`
      : `${python} ${SCRIPT} exited with ${code}: ${err ?? ""}`;
    return { ok: false, reason };
  }
  server.info = JSON.parse(hello) as TorchInfo;
  return { ok: true, server };
}

/** Options of {@linkcode startTorchBench}. */
export interface TorchBenchOptions {
  /** Python interpreter (default {@linkcode defaultPython}). */
  python?: string;
  /** Model config file. */
  config: string;
  /** torch threads; 0 or absent: torch's own default. */
  threads?: number;
  /** torch's `OMP_WAIT_POLICY` (default {@linkcode torchWaitPolicy}). */
  ompWaitPolicy?: string;
}

/**
 * The `OMP_WAIT_POLICY` torch runs under: `policy`, else `$OMP_WAIT_POLICY`, else `passive` —
 * its faster setting on our machines (side by side on one: train 4,620–5,680 tokens/s with
 * libgomp's default spin-wait, 8,843–11,309 passive; generation 3,072–5,096 against
 * 11,891–12,772), so the comparison is against torch at its best.
 */
export function torchWaitPolicy(
  policy?: string,
  env: { get(k: string): string | undefined } = Deno.env,
): string {
  return policy || env.get("OMP_WAIT_POLICY") || "passive";
}

/** Result of {@linkcode startTorchBench}. */
export type TorchStart = { ok: true; server: TorchServer } | { ok: false; reason: string };

/** What the server says first: torch version, its threads, the model's parameter count. */
export interface TorchInfo {
  torch: string;
  threads: number;
  params: number;
  /** The `OMP_WAIT_POLICY` it runs under (as the Python process sees it). */
  omp_wait_policy: string;
}

/** Wall and CPU seconds (every thread of the process) of one timed request. */
export interface Timing {
  wall: number;
  cpu: number;
}

/** A running `bench_torch.py --serve`. */
export class TorchServer {
  info: TorchInfo = { torch: "", threads: 0, params: 0, omp_wait_policy: "" };
  #child: Deno.ChildProcess;
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #buffer = "";

  constructor(child: Deno.ChildProcess) {
    this.#child = child;
    this.#reader = child.stdout.getReader();
    this.#writer = child.stdin.getWriter();
  }

  /** Runs `warmup` (one step and a short generation), `train` (one step) or `generate`. */
  async time(request: "warmup" | "train" | "generate"): Promise<Timing> {
    await this.#writer.write(new TextEncoder().encode(request + "\n"));
    const line = await this.readLine();
    if (line === null) throw new Error(`bench_torch.py stopped during "${request}"`);
    return JSON.parse(line) as Timing;
  }

  /** The next line of the server's stdout, or null at its end. */
  async readLine(): Promise<string | null> {
    for (;;) {
      const newline = this.#buffer.indexOf("\n");
      if (newline >= 0) {
        const line = this.#buffer.slice(0, newline);
        this.#buffer = this.#buffer.slice(newline + 1);
        return line;
      }
      const { value, done } = await this.#reader.read();
      if (done) return null;
      this.#buffer += new TextDecoder().decode(value);
    }
  }

  /** Asks the server to exit and waits for it. */
  async close(): Promise<void> {
    try {
      await this.#writer.write(new TextEncoder().encode("exit\n"));
      await this.#writer.close();
    } catch {
      // already gone
    }
    await this.#reader.cancel().catch(() => {});
    await this.#child.status;
  }
}

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

const SCRIPT = fileURLToPath(new URL("../../bin/bench_torch.py", import.meta.url));

/**
 * The thread counts of a side-by-side run: both sides get the same fixed count — `SSR1_THREADS` /
 * `OPENBLAS_NUM_THREADS` when set, else `--torch-threads` when given, else every core. Left
 * adaptive, ours would count the torch server's threads as another process's load and drop to
 * fewer threads than torch uses. Sets `SSR1_THREADS` (read when the backend starts).
 */
export function sideBySideThreads(
  torchThreads: number,
  env: { get(k: string): string | undefined; set(k: string, v: string): void } = Deno.env,
  cores = navigator.hardwareConcurrency || 1,
): { ours: number; torch: number } {
  const fixed = Number(env.get("SSR1_THREADS") ?? env.get("OPENBLAS_NUM_THREADS") ?? NaN);
  const n = fixed > 0 ? fixed : torchThreads > 0 ? torchThreads : cores;
  env.set("SSR1_THREADS", String(n));
  return { ours: n, torch: n };
}
