/**
 * Finds a CBLAS library (OpenBLAS first) and exposes `cblas_sgemm` through `Deno.dlopen`.
 *
 * @module
 */

/** A loaded CBLAS library; `sgemm` works on row-major float32 matrices. */
export interface Blas {
  /** Path or soname that was opened. */
  readonly path: string;
  /** Threads the library uses now (OpenBLAS only), or null when unknown. */
  readonly threads: number | null;
  /** OpenBLAS build configuration string, or null for other CBLAS libraries. */
  readonly config: string | null;
  /** Sets the threads of later calls (OpenBLAS only; a no-op elsewhere). */
  setThreads(n: number): void;
  /**
   * `C = alpha * op(A) * op(B) + beta * C`, all row-major. `op(A)` is m×k, `op(B)` is k×n,
   * C is m×n; `a`, `b`, `c` are views whose first element is the matrix start.
   */
  sgemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: Float32Array,
    lda: number,
    b: Float32Array,
    ldb: number,
    beta: number,
    c: Float32Array,
    ldc: number,
  ): void;
}

/** Result of {@linkcode loadBlas}: the library, or why none could be opened. */
export type BlasLoad = { ok: true; blas: Blas } | { ok: false; reason: string };

const CBLAS_ROW_MAJOR = 101;
const CBLAS_NO_TRANS = 111;
const CBLAS_TRANS = 112;

const SYMBOLS = {
  cblas_sgemm: {
    parameters: [
      "i32", // order
      "i32", // transA
      "i32", // transB
      "i32", // m
      "i32", // n
      "i32", // k
      "f32", // alpha
      "buffer", // A
      "i32", // lda
      "buffer", // B
      "i32", // ldb
      "f32", // beta
      "buffer", // C
      "i32", // ldc
    ],
    result: "void",
  },
  openblas_get_num_threads: { parameters: [], result: "i32", optional: true },
  openblas_set_num_threads: { parameters: ["i32"], result: "void", optional: true },
  openblas_get_config: { parameters: [], result: "pointer", optional: true },
} as const;

let cached: BlasLoad | undefined;

/**
 * Opens the first CBLAS library from {@linkcode blasCandidates} that exports `cblas_sgemm`.
 * The result is cached for the process. Needs `--allow-ffi` (and `--allow-read`/`--allow-env`
 * for the directory scan and the `SSR1_BLAS` override).
 */
export function loadBlas(): BlasLoad {
  if (cached) return cached;
  const tried: string[] = [];
  for (const path of blasCandidates()) {
    try {
      cached = { ok: true, blas: openBlas(path) };
      return cached;
    } catch (e) {
      tried.push(`${path} (${firstLine(e)})`);
    }
  }
  cached = {
    ok: false,
    reason: `no CBLAS library with cblas_sgemm found; tried ${tried.join(", ")}. Install ` +
      `OpenBLAS (Debian: apt-get install libopenblas0-pthread) or set SSR1_BLAS=/path/lib.so`,
  };
  return cached;
}

/**
 * Library names and paths to try, best first: `$SSR1_BLAS`, the OpenBLAS sonames, versioned
 * `libopenblasp-r0.*.so` files in the usual library folders, then generic `libcblas`/`libblas`.
 */
export function blasCandidates(): string[] {
  const names: string[] = [];
  const override = readEnv("SSR1_BLAS");
  if (override) names.push(override);
  if (Deno.build.os === "darwin") {
    names.push(
      "libopenblas.0.dylib",
      "libopenblas.dylib",
      "/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
      "/usr/local/opt/openblas/lib/libopenblas.dylib",
    );
  } else {
    names.push("libopenblas.so.0", "libopenblas.so");
    names.push(...scanLibDirs(/^libopenblas.*\.so(\.\d+)*$/));
    names.push("libcblas.so.3", "libcblas.so", "libblas.so.3");
  }
  return [...new Set(names)];
}

function openBlas(path: string): Blas {
  const lib = Deno.dlopen(path, SYMBOLS);
  const { cblas_sgemm, openblas_get_num_threads, openblas_set_num_threads, openblas_get_config } =
    lib.symbols;
  if (!cblas_sgemm) throw new Error("cblas_sgemm missing");
  const configPtr = openblas_get_config ? openblas_get_config() : null;
  const config = configPtr ? Deno.UnsafePointerView.getCString(configPtr) : null;
  return {
    path,
    get threads() {
      return openblas_get_num_threads ? openblas_get_num_threads() : null;
    },
    config,
    setThreads(n) {
      openblas_set_num_threads?.(n);
    },
    sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) {
      cblas_sgemm(
        CBLAS_ROW_MAJOR,
        transA ? CBLAS_TRANS : CBLAS_NO_TRANS,
        transB ? CBLAS_TRANS : CBLAS_NO_TRANS,
        m,
        n,
        k,
        alpha,
        a,
        lda,
        b,
        ldb,
        beta,
        c,
        ldc,
      );
    },
  };
}

function scanLibDirs(pattern: RegExp): string[] {
  const dirs = [
    "/usr/lib/x86_64-linux-gnu/openblas-pthread",
    "/usr/lib/x86_64-linux-gnu",
    "/usr/lib/aarch64-linux-gnu/openblas-pthread",
    "/usr/lib/aarch64-linux-gnu",
    "/usr/lib64",
    "/usr/lib",
    "/usr/local/lib",
  ];
  const found: string[] = [];
  for (const dir of dirs) {
    try {
      for (const entry of Deno.readDirSync(dir)) {
        if (pattern.test(entry.name)) found.push(`${dir}/${entry.name}`);
      }
    } catch {
      // folder absent or unreadable: skip
    }
  }
  return found.sort();
}

function readEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined;
  }
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0];
}
