/**
 * The key/value cache of incremental decoding.
 *
 * Layout: per layer, keys and values `[B, num_key_value_heads, slots, head_dim]`
 * (RoPE already applied to the keys), one row per sequence; the first
 * {@linkcode KVCache.length} slots are the cached positions, shared by all rows
 * (left-padded rows have pad slots, masked out through {@linkcode KVCache.keyMask}).
 * Backends with the fused cached-attention kernel preallocate slots, fill them
 * in place and keep the keys transposed, `[B, nkv, head_dim, slots]` (see
 * `fused/cached_attention.ts`); elsewhere slots = length. Row bookkeeping (which slots are
 * real tokens, the next position id) lives in plain JS arrays, so a decode
 * step builds its attention bias and RoPE tables without extra tensor ops.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";

/** Per-layer K/V tensors plus per-row mask and position bookkeeping. */
export class KVCache {
  /** Keys per layer, `[B, nkv, slots, hd]` or `[B, nkv, hd, slots]` (empty before the first forward). */
  keys: tf.Tensor4D[] = [];
  /** Values per layer, `[B, nkv, slots, hd]`. */
  values: tf.Tensor4D[] = [];
  /** Per row, per cached slot: 1 = real token, 0 = padding. */
  keyMask: number[][] = [];
  /** Per row: the position id the next real token gets (= number of real tokens so far). */
  nextPos: number[] = [];
  /** Number of cached positions S (the first S slots). */
  length = 0;
  /** Slots to preallocate where slots are filled in place (e.g. prompt + new tokens). */
  reserve = 0;

  /** Number of rows (0 before the first forward). */
  get batchSize(): number {
    return this.nextPos.length;
  }

  /**
   * Replace layer `i`'s tensors (the cache takes ownership: they are kept out
   * of any enclosing `tf.tidy` and the previous ones are disposed).
   */
  setLayer(i: number, k: tf.Tensor4D, v: tf.Tensor4D): void {
    const oldK = this.keys[i], oldV = this.values[i];
    this.keys[i] = tf.keep(k);
    this.values[i] = tf.keep(v);
    if (oldK && oldK !== k) oldK.dispose();
    if (oldV && oldV !== v) oldV.dispose();
  }

  /**
   * Keep only `rows` (in that order), e.g. to drop finished sequences. Rows are
   * picked by a 0/1 selection matmul (exact), far faster than gather on wasm.
   */
  select(rows: readonly number[]): void {
    const B = this.batchSize;
    if (rows.length === B && rows.every((r, i) => r === i)) return;
    if (this.keys.length > 0) {
      const pick = new Float32Array(rows.length * B);
      rows.forEach((r, i) => (pick[i * B + r] = 1));
      tf.tidy(() => {
        const P = tf.tensor2d(pick, [rows.length, B]);
        const sel = (t: tf.Tensor4D) => {
          const [, h, s, d] = t.shape;
          return tf.reshape(tf.matMul(P, tf.reshape(t, [B, h * s * d])), [rows.length, h, s, d]);
        };
        for (let i = 0; i < this.keys.length; i++) {
          this.setLayer(i, sel(this.keys[i]) as tf.Tensor4D, sel(this.values[i]) as tf.Tensor4D);
        }
      });
    }
    this.keyMask = rows.map((r) => this.keyMask[r].slice()); // a row picked twice: two rows
    this.nextPos = rows.map((r) => this.nextPos[r]);
  }

  /** Free all tensors; the cache is empty afterwards. */
  dispose(): void {
    for (const t of this.keys) t.dispose();
    for (const t of this.values) t.dispose();
    this.keys = [];
    this.values = [];
    this.keyMask = [];
    this.nextPos = [];
    this.length = 0;
  }
}
