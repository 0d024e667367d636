/**
 * Checkpoint directories in Hugging Face layout: `config.json`,
 * `model.safetensors` (F32, HF tensor names) and `tokenizer.json`
 * (see {@linkcode CharTokenizer}). Every file is written through a temporary
 * file and a rename; loading validates everything and fails with one-line
 * errors naming the file and the tensor or field.
 *
 * @module
 */

import { join } from "node:path";
import { configToJSON, loadConfig, type Qwen2Config } from "./config.ts";
import { parameterShapes, Qwen2Model } from "./qwen2.ts";
import {
  type NamedTensor,
  SafetensorsReader,
  writeFileAtomicSync,
  writeSafetensors,
} from "./safetensors.ts";
import { CharTokenizer } from "./tokenizer.ts";

/** What {@linkcode loadCheckpoint} returns. */
export interface Checkpoint {
  /** The model, parameters as variables. */
  model: Qwen2Model;
  /** The tokenizer from `tokenizer.json`. */
  tokenizer: CharTokenizer;
  /** The validated `config.json`. */
  config: Qwen2Config;
}

/**
 * Write `dir/config.json`, `dir/model.safetensors`, `dir/tokenizer.json`
 * (creating `dir`), each atomically.
 */
export function saveCheckpoint(
  dir: string,
  model: Qwen2Model,
  tokenizer: CharTokenizer,
  metadata: Record<string, string> = {},
): void {
  if (tokenizer.vocabSize !== model.config.vocab_size) {
    throw new Error(
      `saveCheckpoint: tokenizer has ${tokenizer.vocabSize} ids, config.vocab_size is ${model.config.vocab_size}`,
    );
  }
  Deno.mkdirSync(dir, { recursive: true });
  const tensors = new Map<string, NamedTensor>();
  for (const [name, v] of model.params) {
    tensors.set(name, { shape: [...v.shape], data: v.dataSync() as Float32Array });
  }
  writeSafetensors(join(dir, "model.safetensors"), tensors, { format: "pt", ...metadata });
  const enc = new TextEncoder();
  writeFileAtomicSync(
    join(dir, "config.json"),
    enc.encode(JSON.stringify(configToJSON(model.config), null, 2) + "\n"),
  );
  writeFileAtomicSync(
    join(dir, "tokenizer.json"),
    enc.encode(JSON.stringify(tokenizer.toJSON()) + "\n"),
  );
}

/** Load and validate a checkpoint directory written by {@linkcode saveCheckpoint} (or HF, F32/F16/BF16). */
export function loadCheckpoint(dir: string): Checkpoint {
  const configPath = join(dir, "config.json");
  const tokPath = join(dir, "tokenizer.json");
  const weightsPath = join(dir, "model.safetensors");
  for (const p of [configPath, weightsPath, tokPath]) {
    try {
      Deno.statSync(p);
    } catch {
      throw new Error(`${p}: missing file`);
    }
  }
  const config = loadConfig(configPath);
  const tokenizer = loadTokenizer(tokPath);
  if (tokenizer.vocabSize !== config.vocab_size) {
    throw new Error(
      `${tokPath}: field "tokens": ${tokenizer.vocabSize} ids but ${configPath} has vocab_size ${config.vocab_size}`,
    );
  }
  const expected = parameterShapes(config);
  const reader = SafetensorsReader.open(weightsPath);
  const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
  try {
    for (const name of reader.names()) {
      // HF checkpoints with tied embeddings sometimes still carry lm_head.weight: ignore it.
      if (name === "lm_head.weight" && config.tie_word_embeddings) continue;
      if (!expected.has(name)) throw new Error(`${weightsPath}: tensor "${name}": unexpected`);
    }
    for (const [name, shape] of expected) {
      if (!reader.has(name)) throw new Error(`${weightsPath}: tensor "${name}": missing`);
      const info = reader.info(name);
      if (info.shape.length !== shape.length || info.shape.some((d, i) => d !== shape[i])) {
        throw new Error(
          `${weightsPath}: tensor "${name}": shape [${info.shape}], expected [${shape}] from ${configPath}`,
        );
      }
      tensors.set(name, reader.read(name));
    }
  } finally {
    reader.close();
  }
  return { model: Qwen2Model.fromTensors(config, tensors), tokenizer, config };
}

/** Read and validate a `tokenizer.json`. */
export function loadTokenizer(path: string): CharTokenizer {
  let json: unknown;
  try {
    json = JSON.parse(Deno.readTextFileSync(path));
  } catch (err) {
    throw new Error(`${path}: cannot read tokenizer: ${(err as Error).message.split("\n")[0]}`);
  }
  return CharTokenizer.fromJSON(json, path);
}
