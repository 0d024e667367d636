/**
 * The fused kernels of `fused.c`, compiled at first use with the system C compiler
 * (`$CC`, else `cc`; `-O3 -march=native`) into a per-user cache and opened with `Deno.dlopen`.
 * The library's name carries a hash of the source, flags, compiler and CPU, so an edit or another
 * machine rebuilds it. Without a compiler the `native` backend runs without fused kernels.
 *
 * Built with OpenMP where the compiler has it (else without), its large kernels split their rows
 * over `ssr_set_threads(n)` threads (the `native` backend sets n), which sleep between kernels
 * (`OMP_WAIT_POLICY=passive` unless set) so that they never spin against OpenBLAS's.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { join } from "node:path";

/** Loads (building if needed) the fused kernel library; the result is cached per process. */
export function loadFusedLib(): FusedLoad {
  if (cached) return cached;
  try {
    const path = buildFusedLib();
    if (!Deno.env.get("OMP_WAIT_POLICY")) Deno.env.set("OMP_WAIT_POLICY", "passive");
    const lib = Deno.dlopen(path, FUSED_SYMBOLS).symbols;
    cached = { ok: true, lib, path, threads: lib.ssr_set_threads(0) };
  } catch (e) {
    cached = { ok: false, reason: firstLine(e) };
  }
  return cached;
}

const P = "buffer", I = "i32", F = "f32";

/** The C functions of `fused.c`, as `Deno.dlopen` exposes them (P: pointer, I: int, F: float). */
export const FUSED_SYMBOLS = {
  ssr_set_threads: { parameters: [I], result: I },
  ssr_init_blas: { parameters: [P], result: I },
  ssr_sgemm: proc(I, I, I, I, I, F, P, I, P, I, F, P, I),
  ssr_rmsnorm: proc(P, P, I, I, F),
  ssr_rmsnorm_grad: proc(P, P, P, I, I, F),
  ssr_qkv_heads: proc(P, P, P, P, P, P, P, I, I, I, I, I),
  ssr_qkv_heads_grad: proc(P, P, P, P, P, P, I, I, I, I, I),
  ssr_attn_softmax: proc(P, P, P, I, I, I, I, I),
  ssr_cached_attention: proc(P, P, P, P, P, P, P, P, P, I, I, I, I, I, I, I),
  ssr_attention: proc(P, P, P, P, P, P, I, I, I, I, I, I),
  ssr_attention_grad: proc(P, P, P, P, P, P, P, P, I, I, I, I, I, I),
  ssr_softmax_grad: proc(P, P, P, I, I),
  ssr_swiglu: proc(P, P, I, I),
  ssr_decoder_layer: proc(P, P, P, P, P, P, P, P, P, P, P, P, I, I, I, I, I, I, I, I, I, F),
  ssr_decoder: proc(P, P, I, P, P, P, P, P, P, P, P, I, I, I, I, I, I, I, I, I, I, I, F, I),
  ssr_swiglu_grad: proc(P, P, P, I, I),
  ssr_logprobs: proc(P, P, P, P, I, I),
  ssr_logprobs_grad: proc(P, P, P, P, P, I, I),
  ssr_add: proc(P, P, P, I),
  ssr_sum_rows: proc(P, P, I, I),
  ssr_adamw: proc(P, P, P, P, P, P, P, I, F, F, F, F, F),
} as const;

/** The library's functions. */
export type FusedLib = Deno.DynamicLibrary<typeof FUSED_SYMBOLS>["symbols"];

/** Result of {@linkcode loadFusedLib}. */
export type FusedLoad =
  /** `threads`: the most the library can use (1 when built without OpenMP). */
  | { ok: true; lib: FusedLib; path: string; threads: number }
  | { ok: false; reason: string };

/** A `void` C function of these parameter types. */
function proc<const T extends Deno.NativeType[]>(...parameters: T) {
  return { parameters, result: "void" } as const;
}

const SOURCE = fileURLToPath(new URL("./fused.c", import.meta.url));
const FLAGS = [
  "-O3",
  "-march=native",
  "-fPIC",
  "-shared",
  "-fno-math-errno",
  "-fno-trapping-math",
];
const OPENMP = "-fopenmp";

let cached: FusedLoad | undefined;

/** Compiles `fused.c` into the cache unless an identical build is there; returns its path. */
function buildFusedLib(): string {
  const source = Deno.readTextFileSync(SOURCE);
  const cc = Deno.env.get("CC") || "cc";
  const version = run(cc, ["--version"]).split("\n")[0];
  const key = fnv1a([source, FLAGS.join(" "), OPENMP, version, cpuModel()].join("\0"));
  const dir = cacheDir();
  const path = join(dir, `fused-${key}.so`);
  try {
    Deno.statSync(path);
    return path;
  } catch {
    // not built yet
  }
  Deno.mkdirSync(dir, { recursive: true });
  const tmp = `${path}.${Deno.pid}.tmp`;
  try {
    run(cc, [...FLAGS, OPENMP, "-o", tmp, SOURCE, "-lm", "-ldl"]);
  } catch {
    run(cc, [...FLAGS, "-o", tmp, SOURCE, "-lm", "-ldl"]); // no OpenMP: one thread
  }
  Deno.renameSync(tmp, path); // atomic: concurrent builders each write their own tmp
  return path;
}

function run(cmd: string, args: string[]): string {
  let out: Deno.CommandOutput;
  try {
    out = new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).outputSync();
  } catch (e) {
    throw new Error(`no C compiler (${cmd}: ${firstLine(e)}); set CC or install gcc`);
  }
  if (!out.success) {
    const err = new TextDecoder().decode(out.stderr).trim().split("\n")[0];
    throw new Error(`${cmd} ${args.join(" ")} failed: ${err}`);
  }
  return new TextDecoder().decode(out.stdout);
}

/** `$SSR1_CACHE`, else `$XDG_CACHE_HOME/supersmall-r1`, else `~/.cache/supersmall-r1`. */
function cacheDir(): string {
  const env = (name: string) => Deno.env.get(name) || undefined;
  const own = env("SSR1_CACHE");
  if (own) return own;
  const xdg = env("XDG_CACHE_HOME");
  if (xdg) return join(xdg, "supersmall-r1");
  const home = env("HOME");
  return home ? join(home, ".cache", "supersmall-r1") : join("/tmp", "supersmall-r1");
}

function cpuModel(): string {
  try {
    const info = Deno.readTextFileSync("/proc/cpuinfo");
    return [/^model name.*$/m, /^flags.*$/m].map((re) => info.match(re)?.[0] ?? "").join("\n");
  } catch {
    return Deno.build.target;
  }
}

/** 64-bit FNV-1a of a string, as 16 hex digits. */
function fnv1a(text: string): string {
  let h = 0xcbf29ce484222325n;
  const prime = 0x100000001b3n, mask = (1n << 64n) - 1n;
  for (const byte of new TextEncoder().encode(text)) h = ((h ^ BigInt(byte)) * prime) & mask;
  return h.toString(16).padStart(16, "0");
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0];
}
