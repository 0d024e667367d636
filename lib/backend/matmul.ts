/**
 * Batched matrix multiplication on flat float32 arrays with `cblas_sgemm`, following the shape
 * rules of the tfjs `BatchMatMul` kernel.
 *
 * @module
 */

import type { Blas } from "./blas.ts";

/** Geometry of one `BatchMatMul`: `out[i] = op(a[i % batchA]) · op(b[i % batchB])`. */
export interface MatMulPlan {
  /** Output shape: broadcast outer dims, then `[m, n]`. */
  outShape: number[];
  /** Number of output matrices. */
  batch: number;
  batchA: number;
  batchB: number;
  m: number;
  n: number;
  k: number;
  transposeA: boolean;
  transposeB: boolean;
}

/**
 * Computes the geometry of `matMul(a, b, transposeA, transposeB)` for tensors of rank ≥ 2.
 * Outer (batch) dims broadcast like tfjs: the flattened batch of each side is indexed modulo
 * its size. With `flatBatch` (rank-3 inputs of `_FusedMatMul`, whose batch dims tfjs has already
 * flattened) the output batch is the larger of the two, which the smaller must divide.
 */
export function planMatMul(
  aShape: readonly number[],
  bShape: readonly number[],
  transposeA: boolean,
  transposeB: boolean,
  flatBatch = false,
): MatMulPlan {
  const ra = aShape.length, rb = bShape.length;
  if (ra < 2 || rb < 2) {
    throw new Error(`matMul needs rank >= 2, got shapes [${aShape}] and [${bShape}]`);
  }
  const m = transposeA ? aShape[ra - 1] : aShape[ra - 2];
  const kA = transposeA ? aShape[ra - 2] : aShape[ra - 1];
  const kB = transposeB ? bShape[rb - 1] : bShape[rb - 2];
  const n = transposeB ? bShape[rb - 2] : bShape[rb - 1];
  if (kA !== kB) {
    throw new Error(
      `Error in matMul: inner shapes (${kA}) and (${kB}) of Tensors with shapes ${aShape} and ` +
        `${bShape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`,
    );
  }
  const outerA = aShape.slice(0, -2), outerB = bShape.slice(0, -2);
  const batchA = product(outerA), batchB = product(outerB);
  const outer = flatBatch ? [Math.max(batchA, batchB)] : broadcastShapes(outerA, outerB);
  const batch = product(outer);
  const ok = batch === 0 ||
    (batch === Math.max(batchA, batchB) && batch % batchA === 0 && batch % batchB === 0);
  if (!ok) {
    throw new Error(
      `matMul batch broadcast of [${aShape}] and [${bShape}] is not supported ` +
        `(one side must have batch 1, or both the same batch)`,
    );
  }
  return { outShape: [...outer, m, n], batch, batchA, batchB, m, n, k: kA, transposeA, transposeB };
}

/**
 * Fills `out` (length `batch·m·n`) with the product described by `plan`. `a` and `b` hold the
 * row-major operands as stored (before transposition). Runs one `sgemm` per output matrix, or a
 * single one when `b` is shared and `a` is not transposed (the batch folds into `m`).
 */
export function sgemmBatched(
  blas: Blas,
  plan: MatMulPlan,
  a: Float32Array,
  b: Float32Array,
  out: Float32Array,
): void {
  const { batch, batchA, batchB, m, n, k, transposeA, transposeB } = plan;
  if (batch * m * n === 0) return;
  if (k === 0) {
    out.fill(0);
    return;
  }
  const lda = transposeA ? m : k;
  const ldb = transposeB ? k : n;
  if (batchB === 1 && !transposeA) {
    blas.sgemm(false, transposeB, batch * m, n, k, 1, a, lda, b, ldb, 0, out, n);
    return;
  }
  const sizeA = m * k, sizeB = k * n, sizeC = m * n;
  for (let i = 0; i < batch; i++) {
    const ia = (i % batchA) * sizeA, ib = (i % batchB) * sizeB, ic = i * sizeC;
    blas.sgemm(
      transposeA,
      transposeB,
      m,
      n,
      k,
      1,
      a.subarray(ia, ia + sizeA),
      lda,
      b.subarray(ib, ib + sizeB),
      ldb,
      0,
      out.subarray(ic, ic + sizeC),
      n,
    );
  }
}

function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = new Array(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1, db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`Operands could not be broadcast together with shapes ${a} and ${b}.`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

function product(shape: readonly number[]): number {
  let p = 1;
  for (const d of shape) p *= d;
  return p;
}
