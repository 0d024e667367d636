/**
 * Loading a model folder as a {@linkcode Policy}: `config.json`, the weights (single file or
 * shards, F32/F16/BF16, streamed) and the tokenizer — a Hugging Face `tokenizer.json` with its
 * chat template, or the project's own char tokenizer (`"type": "char"`, e.g. `data/bases/*`).
 *
 * @module
 */

import { join } from "node:path";
import type { Qwen2Config } from "../model/config.ts";
import { CharTokenizer } from "../model/tokenizer.ts";
import { charCodec, type Policy } from "../rl/policy.ts";
import { hfCodec, type HfCodecOptions } from "./codec.ts";
import { firstLine, parseHfConfig, readTextFile } from "./config.ts";
import { loadQwen2Weights, type LoadWeightsOptions, type WeightsSummary } from "./load_weights.ts";
import { HfTokenizer } from "./tokenizer.ts";

/** The tokenizer of a loaded folder. */
export type FolderTokenizer =
  | { kind: "hf"; tokenizer: HfTokenizer }
  | { kind: "char"; tokenizer: CharTokenizer };

/** A loaded model folder: a {@linkcode Policy} plus what it was made of. */
export interface LoadedModel extends Policy {
  /** The folder. */
  dir: string;
  /** The validated config. */
  config: Qwen2Config;
  /** The tokenizer. */
  tokenizer: FolderTokenizer;
  /** What the weight files held. */
  weights: WeightsSummary;
}

/** Options of {@linkcode loadModel}. */
export interface LoadModelOptions extends LoadWeightsOptions {
  /** Prompt options of Hugging Face tokenizers (ignored for the char tokenizer). */
  codec?: HfCodecOptions;
}

/**
 * Load the model folder `dir` (see module doc). The tokenizer is checked before any weight is
 * read; every problem throws a one-line `Error` naming the file and the field or tensor.
 *
 * ```ts
 * const policy = loadModel("models/DeepSeek-R1-Distill-Qwen-1.5B");
 * const ids = policy.codec.encodePrompt(problem);
 * ```
 */
export function loadModel(dir: string, opts: LoadModelOptions = {}): LoadedModel {
  let isDir = false;
  try {
    isDir = Deno.statSync(dir).isDirectory;
  } catch { /* reported below */ }
  if (!isDir) throw new Error(`${dir}: not a model folder (no such directory)`);
  const configPath = join(dir, "config.json");
  const raw = parseJsonFile(configPath);
  const config = parseHfConfig(raw, configPath);
  const tokenizer = loadFolderTokenizer(dir, eosTokenId(raw));
  const tokVocab = tokenizer.tokenizer.vocabSize;
  if (tokVocab > config.vocab_size) {
    throw new Error(
      `${
        join(dir, "tokenizer.json")
      }: ${tokVocab} token ids but ${configPath} has vocab_size ${config.vocab_size}`,
    );
  }
  const codec = tokenizer.kind === "char"
    ? charCodec(tokenizer.tokenizer)
    : hfCodec(tokenizer.tokenizer, opts.codec);
  const { model, summary } = loadQwen2Weights(dir, config, opts);
  return { dir, config, model, codec, tokenizer, weights: summary };
}

/** The tokenizer of `dir`: the char tokenizer when `tokenizer.json` says `"type": "char"`. */
export function loadFolderTokenizer(dir: string, fallbackEosId?: number): FolderTokenizer {
  const path = join(dir, "tokenizer.json");
  const json = parseJsonFile(path);
  if (json !== null && typeof json === "object" && (json as { type?: unknown }).type === "char") {
    return { kind: "char", tokenizer: CharTokenizer.fromJSON(json, path) };
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new Error(`${path}: expected a JSON object`);
  }
  return {
    kind: "hf",
    tokenizer: HfTokenizer.load(dir, fallbackEosId, json as Record<string, unknown>),
  };
}

function parseJsonFile(path: string): unknown {
  const text = readTextFile(path);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${path}: invalid JSON: ${firstLine(err)}`);
  }
}

/** `eos_token_id` of a raw `config.json` (a number, or the first of a list). */
function eosTokenId(raw: unknown): number | undefined {
  const v = (raw as { eos_token_id?: unknown }).eos_token_id;
  const id = Array.isArray(v) ? v[0] : v;
  return typeof id === "number" && Number.isInteger(id) && id >= 0 ? id : undefined;
}
