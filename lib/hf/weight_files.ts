/**
 * Where the weights of a Hugging Face model folder are: one `model.safetensors`, or shards
 * listed by `model.safetensors.index.json` (`{"metadata": {…}, "weight_map": {tensor: shard}}`).
 *
 * @module
 */

import { join } from "node:path";
import { firstLine } from "./config.ts";

/** The weight files of a model folder. */
export interface WeightFiles {
  /** The file that names the weights in errors: the index, or the single file. */
  source: string;
  /** Safetensors files to read, in order (one, or the shards in index order). */
  shards: string[];
  /** Tensor name → shard path, from the index (`null` for a single file). */
  weightMap: Map<string, string> | null;
}

/** Name of the single-file weights. */
export const SINGLE_FILE = "model.safetensors";
/** Name of the shard index. */
export const INDEX_FILE = "model.safetensors.index.json";

/**
 * Find the weights of `dir`: the index when present (each shard it names must exist), else the
 * single file. One-line errors name the file and field.
 */
export function resolveWeightFiles(dir: string): WeightFiles {
  const indexPath = join(dir, INDEX_FILE);
  if (exists(indexPath)) return readIndex(dir, indexPath);
  const single = join(dir, SINGLE_FILE);
  if (exists(single)) return { source: single, shards: [single], weightMap: null };
  throw new Error(`${single}: missing file (and no ${INDEX_FILE} in ${dir})`);
}

function readIndex(dir: string, indexPath: string): WeightFiles {
  let json: unknown;
  try {
    json = JSON.parse(Deno.readTextFileSync(indexPath));
  } catch (err) {
    throw new Error(`${indexPath}: invalid JSON: ${firstLine(err)}`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new Error(`${indexPath}: expected a JSON object`);
  }
  const wm = (json as Record<string, unknown>).weight_map;
  if (typeof wm !== "object" || wm === null || Array.isArray(wm)) {
    throw new Error(`${indexPath}: field "weight_map": expected an object of tensor → shard file`);
  }
  const weightMap = new Map<string, string>();
  const shards: string[] = [];
  for (const [tensor, shard] of Object.entries(wm as Record<string, unknown>)) {
    if (typeof shard !== "string" || shard === "" || shard.includes("/") || shard.includes("\\")) {
      throw new Error(
        `${indexPath}: field "weight_map.${tensor}": expected a file name, got ${
          JSON.stringify(shard)
        }`,
      );
    }
    const path = join(dir, shard);
    if (!shards.includes(path)) {
      if (!exists(path)) {
        throw new Error(`${path}: missing file (shard of "${tensor}" in ${indexPath})`);
      }
      shards.push(path);
    }
    weightMap.set(tensor, path);
  }
  if (shards.length === 0) throw new Error(`${indexPath}: field "weight_map": empty`);
  return { source: indexPath, shards, weightMap };
}

function exists(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}
