/**
 * Streaming weight loading: every header is read and checked against the config first (names,
 * shapes, dtypes, index consistency) without touching tensor data; then the shards are read one
 * after the other, tensor by tensor at their file offsets, each decoded to float32 (F32, F16,
 * BF16), turned into a `tf.Variable` and dropped. Peak host memory is the model in float32 plus
 * one tensor in flight, never a whole shard.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import type { Qwen2Config } from "../model/config.ts";
import { parameterShapes, Qwen2Model } from "../model/qwen2.ts";
import {
  decodeToFloat32,
  halfToFloat,
  type SafetensorsDtype,
  SafetensorsReader,
  type TensorInfo,
} from "../model/safetensors.ts";
import { resolveWeightFiles } from "./weight_files.ts";

/** Options of {@linkcode loadQwen2Weights}. */
export interface LoadWeightsOptions {
  /** Called after each tensor with (tensors done, total, bytes read so far, total bytes). */
  onProgress?: (done: number, total: number, bytes: number, totalBytes: number) => void;
}

/** What the checkpoint held, for reports. */
export interface WeightsSummary {
  /** Safetensors files read. */
  shards: string[];
  /** Stored dtypes and how many tensors of each. */
  dtypes: Partial<Record<SafetensorsDtype, number>>;
  /** Bytes of tensor data read. */
  bytes: number;
  /** Tensors present in the files but not used (e.g. a tied `lm_head.weight`, `inv_freq`). */
  skipped: string[];
}

/** Buffers that some exporters store beside the parameters; they are recomputed, not loaded. */
const IGNORABLE = /\.rotary_emb\.inv_freq$/;

/**
 * Load the Qwen2 parameters of the model folder `dir` for `config` (see module doc). Every
 * problem (missing file or tensor, unexpected tensor, wrong shape, unsupported dtype, index
 * naming a tensor its shard lacks) throws a one-line `Error` naming the file and tensor.
 *
 * ```ts
 * const config = loadHfConfig("models/r1-1.5b/config.json");
 * const { model } = loadQwen2Weights("models/r1-1.5b", config);
 * ```
 */
export function loadQwen2Weights(
  dir: string,
  config: Qwen2Config,
  opts: LoadWeightsOptions = {},
): { model: Qwen2Model; summary: WeightsSummary } {
  const files = resolveWeightFiles(dir);
  const expected = parameterShapes(config);
  // Pass 1: headers only.
  const found = new Map<string, { path: string; info: TensorInfo }>();
  const skipped: string[] = [];
  for (const path of files.shards) {
    const reader = SafetensorsReader.open(path);
    try {
      for (const name of reader.names()) {
        const prev = found.get(name);
        if (prev) {
          throw new Error(`${path}: tensor "${name}": also stored in ${prev.path}`);
        }
        if (files.weightMap && files.weightMap.get(name) !== path) {
          throw new Error(
            `${path}: tensor "${name}": ${files.source} maps it to ${
              files.weightMap.get(name) ?? "no shard"
            }`,
          );
        }
        found.set(name, { path, info: reader.info(name) });
      }
    } finally {
      reader.close();
    }
  }
  if (files.weightMap) {
    for (const [name, shard] of files.weightMap) {
      if (!found.has(name)) {
        throw new Error(`${shard}: tensor "${name}": missing (listed in ${files.source})`);
      }
    }
  }
  for (const [name, { path }] of found) {
    if (expected.has(name)) continue;
    if (IGNORABLE.test(name) || (name === "lm_head.weight" && config.tie_word_embeddings)) {
      skipped.push(name);
      continue;
    }
    throw new Error(`${path}: tensor "${name}": unexpected for a Qwen2 model`);
  }
  let totalBytes = 0;
  const dtypes: Partial<Record<SafetensorsDtype, number>> = {};
  for (const [name, shape] of expected) {
    const hit = found.get(name);
    if (!hit) {
      const hint = name === "lm_head.weight" ? " (config.json has tie_word_embeddings false)" : "";
      throw new Error(`${files.source}: tensor "${name}": missing${hint}`);
    }
    const got = hit.info.shape;
    if (got.length !== shape.length || got.some((d, i) => d !== shape[i])) {
      throw new Error(
        `${hit.path}: tensor "${name}": shape [${got}], expected [${shape}] from config.json`,
      );
    }
    totalBytes += hit.info.dataOffsets[1] - hit.info.dataOffsets[0];
    dtypes[hit.info.dtype] = (dtypes[hit.info.dtype] ?? 0) + 1;
  }
  // Pass 2: shard by shard, tensor by tensor in file order.
  const params = new Map<string, tf.Variable>();
  let done = 0, bytes = 0;
  try {
    for (const path of files.shards) {
      const names = [...expected.keys()].filter((n) => found.get(n)!.path === path);
      names.sort((a, b) => found.get(a)!.info.dataOffsets[0] - found.get(b)!.info.dataOffsets[0]);
      if (names.length === 0) continue;
      const reader = SafetensorsReader.open(path);
      try {
        for (const name of names) {
          const info = found.get(name)!.info;
          const data = toFloat32(reader.readBytes(name), info.dtype);
          params.set(name, variableOf(data, info.shape));
          done++;
          bytes += info.dataOffsets[1] - info.dataOffsets[0];
          opts.onProgress?.(done, expected.size, bytes, totalBytes);
        }
      } finally {
        reader.close();
      }
    }
    const model = new Qwen2Model(config, params);
    return { model, summary: { shards: files.shards, dtypes, bytes, skipped } };
  } catch (err) {
    for (const v of params.values()) v.dispose();
    throw err;
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Float32 values of stored bytes (little-endian host fast paths, else the model library's
 * decoder): F32 is a view (no copy); BF16 shifts each 16-bit word into the high half of a
 * float32; F16 goes through a 65,536-entry table of exact values.
 */
export function toFloat32(bytes: Uint8Array, dtype: SafetensorsDtype): Float32Array {
  if (!LITTLE_ENDIAN) return decodeToFloat32(bytes, dtype);
  if (dtype === "F32") {
    if (bytes.byteOffset % 4 !== 0) return decodeToFloat32(bytes, dtype);
    return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  }
  const n = bytes.byteLength / 2;
  const words = bytes.byteOffset % 2 === 0
    ? new Uint16Array(bytes.buffer, bytes.byteOffset, n)
    : new Uint16Array(bytes.slice().buffer);
  const out = new Float32Array(n);
  if (dtype === "BF16") {
    const u32 = new Uint32Array(out.buffer);
    for (let i = 0; i < n; i++) u32[i] = words[i] << 16;
  } else {
    const table = halfTable();
    for (let i = 0; i < n; i++) out[i] = table[words[i]];
  }
  return out;
}

let HALF_TABLE: Float32Array | null = null;

/** Every IEEE half-precision bit pattern as float32 (exact). */
function halfTable(): Float32Array {
  if (!HALF_TABLE) {
    HALF_TABLE = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) HALF_TABLE[h] = halfToFloat(h);
  }
  return HALF_TABLE;
}

/** A trainable variable over `data` (the intermediate tensor is released). */
function variableOf(data: Float32Array, shape: number[]): tf.Variable {
  const t = tf.tensor(data, shape, "float32");
  const v = tf.variable(t, true);
  t.dispose();
  return v;
}
