/**
 * Fixtures of the Hugging Face loading tests: small random Qwen2 checkpoints written in the HF
 * layout (F32/F16/BF16 safetensors, single file or sharded with an index, tied or untied) and
 * a small byte-level BPE `tokenizer.json` in the HF schema with Qwen- and R1-style chat
 * templates. Weights are multiples of 1/256 below 1 in magnitude, exact in all three dtypes,
 * so the reference sees exactly what the loader decodes.
 *
 * @module
 */

import { join } from "node:path";
import { type Qwen2Config, Rng } from "../lib/model/mod.ts";
import { parameterShapes } from "../lib/model/qwen2.ts";

export type Dtype = "F32" | "F16" | "BF16";

/** hidden 16, 2 layers, 4 query heads sharing 2 KV heads (GQA), vocab 280 (> tokenizer's). */
export const HF_TINY: Qwen2Config = {
  hidden_size: 16,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  intermediate_size: 24,
  vocab_size: 280,
  max_position_embeddings: 64,
  rope_theta: 10000,
  rms_norm_eps: 1e-6,
  tie_word_embeddings: false,
};

/** Options of {@linkcode writeCheckpoint}. */
export interface CheckpointOptions {
  dtype?: Dtype;
  /** 1 = `model.safetensors`; more = shards + `model.safetensors.index.json`. */
  shards?: number;
  seed?: number;
  /** Leave these tensors out of the files. */
  omit?: string[];
  /** Store these shapes instead of the config's. */
  reshape?: Record<string, number[]>;
  /** Extra tensors to store, name → shape (e.g. a tied `lm_head.weight`, an unexpected name). */
  extra?: Record<string, number[]>;
  /** Override the dtype string written in the header of these tensors (e.g. "I8"). */
  dtypeOverride?: Record<string, string>;
  /** Extra `config.json` keys (as a real HF config has). */
  configExtra?: Record<string, unknown>;
}

/**
 * Write `config.json` and the weights of a random model for `config` into `dir`; returns the
 * stored values by HF name (what a correct loader must produce).
 */
export function writeCheckpoint(
  dir: string,
  config: Qwen2Config,
  opts: CheckpointOptions = {},
): Map<string, Float32Array> {
  const rng = new Rng(opts.seed ?? 1);
  const shapes = parameterShapes(config);
  for (const [name, shape] of Object.entries(opts.extra ?? {})) shapes.set(name, shape);
  const values = new Map<string, Float32Array>();
  const stored = new Map<string, { shape: number[]; data: Float32Array; dtype: string }>();
  for (const [name, shape0] of shapes) {
    const shape = opts.reshape?.[name] ?? shape0;
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      data[i] = name.endsWith("norm.weight")
        ? 1 + Math.round(12 * (2 * rng.next() - 1)) / 128
        : Math.round(160 * (2 * rng.next() - 1)) / 256 || 0; // no -0: F16 stores +0
    }
    values.set(name, data);
    if (opts.omit?.includes(name)) continue;
    stored.set(name, { shape, data, dtype: opts.dtypeOverride?.[name] ?? opts.dtype ?? "F32" });
  }
  const names = [...stored.keys()];
  const shards = opts.shards ?? 1;
  if (shards === 1) {
    Deno.writeFileSync(join(dir, "model.safetensors"), encodeSafetensors(names, stored));
  } else {
    const weightMap: Record<string, string> = {};
    for (let s = 0; s < shards; s++) {
      const file = `model-${String(s + 1).padStart(5, "0")}-of-${
        String(shards).padStart(5, "0")
      }.safetensors`;
      const part = names.filter((_, i) => i % shards === s);
      for (const n of part) weightMap[n] = file;
      Deno.writeFileSync(join(dir, file), encodeSafetensors(part, stored));
    }
    Deno.writeTextFileSync(
      join(dir, "model.safetensors.index.json"),
      JSON.stringify({ metadata: { total_size: 0 }, weight_map: weightMap }, null, 2),
    );
  }
  const cfg = {
    architectures: ["Qwen2ForCausalLM"],
    model_type: "qwen2",
    hidden_act: "silu",
    torch_dtype: opts.dtype === "BF16" ? "bfloat16" : opts.dtype === "F16" ? "float16" : "float32",
    bos_token_id: 266,
    eos_token_id: 267,
    attention_dropout: 0,
    initializer_range: 0.02,
    max_window_layers: 21,
    sliding_window: 4096,
    use_sliding_window: false,
    use_cache: true,
    use_mrope: false,
    transformers_version: "4.44.0",
    ...config,
    ...opts.configExtra,
  };
  Deno.writeTextFileSync(join(dir, "config.json"), JSON.stringify(cfg, null, 2));
  return values;
}

/** Safetensors bytes of `names` (in that order) with their dtypes. */
function encodeSafetensors(
  names: string[],
  tensors: Map<string, { shape: number[]; data: Float32Array; dtype: string }>,
): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: { format: "pt" } };
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const name of names) {
    const t = tensors.get(name)!;
    const bytes = encodeValues(t.data, t.dtype);
    header[name] = {
      dtype: t.dtype,
      shape: t.shape,
      data_offsets: [offset, offset + bytes.length],
    };
    chunks.push(bytes);
    offset += bytes.length;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  const h = new Uint8Array(padded).fill(0x20);
  h.set(json);
  json = h;
  const out = new Uint8Array(8 + padded + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  let pos = 8 + padded;
  for (const c of chunks) {
    out.set(c, pos);
    pos += c.length;
  }
  return out;
}

function encodeValues(data: Float32Array, dtype: string): Uint8Array {
  const f32 = new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  if (dtype === "F32") return f32;
  if (dtype === "I8") return new Uint8Array(data.length); // 1 byte per element
  const u32 = new Uint32Array(f32.buffer);
  const out = new Uint8Array(2 * data.length);
  for (let i = 0; i < data.length; i++) {
    const h = dtype === "BF16" ? u32[i] >>> 16 : toHalf(data[i]);
    out[2 * i] = h & 0xff;
    out[2 * i + 1] = h >>> 8;
  }
  return out;
}

/** IEEE half bits of a normal (or zero) value exactly representable in half precision. */
function toHalf(v: number): number {
  if (v === 0) return 0;
  const sign = v < 0 ? 0x8000 : 0;
  const a = Math.abs(v);
  let e = Math.floor(Math.log2(a));
  let m = Math.round((a / 2 ** e - 1) * 1024);
  if (m === 1024) {
    m = 0;
    e++;
  }
  return sign | ((e + 15) << 10) | m;
}

// ---------------------------------------------------------------------------------------------
// Tokenizer

/** GPT-2's byte → printable character table (used by ByteLevel pre-tokenizers and decoders). */
export function byteChars(): string[] {
  const bs: number[] = [];
  for (let i = 33; i <= 126; i++) bs.push(i);
  for (let i = 161; i <= 172; i++) bs.push(i);
  for (let i = 174; i <= 255; i++) bs.push(i);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n++);
    }
  }
  const out = new Array<string>(256);
  bs.forEach((b, i) => (out[b] = String.fromCodePoint(cs[i])));
  return out;
}

/** Merges of the test BPE, by rank; the merged tokens get ids 256, 257, … */
export const MERGES: [string, string][] = [
  ["h", "e"],
  ["Ġ", "t"],
  ["Ġt", "he"],
  ["o", "x"],
  ["b", "ox"],
  ["\\", "box"],
  ["e", "d"],
  ["\\box", "ed"],
];

/** Added tokens, ids 264…: Qwen's, then DeepSeek-R1's. */
export const ADDED: { content: string; special: boolean }[] = [
  { content: "<|endoftext|>", special: true }, // 264
  { content: "<|im_start|>", special: true }, // 265
  { content: "<｜begin▁of▁sentence｜>", special: true }, // 266
  { content: "<｜end▁of▁sentence｜>", special: true }, // 267
  { content: "<|im_end|>", special: true }, // 268
  { content: "<｜User｜>", special: false }, // 269
  { content: "<｜Assistant｜>", special: false }, // 270
  { content: "<think>", special: false }, // 271
  { content: "</think>", special: false }, // 272
];

/** Id of an added token of the test tokenizer. */
export function addedId(content: string): number {
  const i = ADDED.findIndex((t) => t.content === content);
  if (i < 0) throw new Error(`no added token ${content}`);
  return 256 + MERGES.length + i;
}

/** The pre-tokenizer split pattern of Qwen2 tokenizers. */
const QWEN_SPLIT =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

/** A Qwen2-style byte-level BPE `tokenizer.json` object. */
export function tokenizerJson(): Record<string, unknown> {
  const chars = byteChars();
  const vocab: Record<string, number> = {};
  chars.forEach((c, b) => (vocab[c] = b));
  MERGES.forEach(([a, b], i) => (vocab[a + b] = 256 + i));
  const byteLevel = {
    type: "ByteLevel",
    add_prefix_space: false,
    trim_offsets: false,
    use_regex: false,
  };
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: ADDED.map((t) => ({
      id: addedId(t.content),
      content: t.content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: t.special,
    })),
    normalizer: { type: "NFC" },
    pre_tokenizer: {
      type: "Sequence",
      pretokenizers: [
        { type: "Split", pattern: { Regex: QWEN_SPLIT }, behavior: "Isolated", invert: false },
        byteLevel,
      ],
    },
    post_processor: byteLevel,
    decoder: byteLevel,
    model: {
      type: "BPE",
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: "",
      end_of_word_suffix: "",
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges: MERGES.map(([a, b]) => `${a} ${b}`),
    },
  };
}

/** A ChatML template in the style of Qwen2.5's (system/user/assistant, generation prompt). */
export const QWEN_TEMPLATE =
  "{%- for message in messages %}{{- '<|im_start|>' + message.role + '\\n' + message.content + " +
  "'<|im_end|>' + '\\n' }}{%- endfor %}{%- if add_generation_prompt %}" +
  "{{- '<|im_start|>assistant\\n' }}{%- endif %}";

/** DeepSeek-R1-Distill's chat template (as published in its `tokenizer_config.json`). */
export const R1_TEMPLATE = String
  .raw`{% if not add_generation_prompt is defined %}{% set add_generation_prompt = false %}{% endif %}{% set ns = namespace(is_first=false, is_tool=false, is_output_first=true, system_prompt='') %}{%- for message in messages %}{%- if message['role'] == 'system' %}{% set ns.system_prompt = message['content'] %}{%- endif %}{%- endfor %}{{bos_token}}{{ns.system_prompt}}{%- for message in messages %}{%- if message['role'] == 'user' %}{%- set ns.is_tool = false -%}{{'<｜User｜>' + message['content']}}{%- endif %}{%- if message['role'] == 'assistant' and message['content'] is none %}{%- set ns.is_tool = false -%}{%- for tool in message['tool_calls']%}{%- if not ns.is_first %}{{'<｜Assistant｜><｜tool▁calls▁begin｜><｜tool▁call▁begin｜>' + tool['type'] + '<｜tool▁sep｜>' + tool['function']['name'] + '\n' + '` +
  "```json" + String.raw`' + '\n' + tool['function']['arguments'] + '\n' + '` + "```" +
  String
    .raw`' + '<｜tool▁call▁end｜>'}}{%- set ns.is_first = true -%}{%- else %}{{'\n' + '<｜tool▁call▁begin｜>' + tool['type'] + '<｜tool▁sep｜>' + tool['function']['name'] + '\n' + '` +
  "```json" + String.raw`' + '\n' + tool['function']['arguments'] + '\n' + '` + "```" +
  String
    .raw`' + '<｜tool▁call▁end｜>'}}{{'<｜tool▁calls▁end｜><｜end▁of▁sentence｜>'}}{%- endif %}{%- endfor %}{%- endif %}{%- if message['role'] == 'assistant' and message['content'] is not none %}{%- if ns.is_tool %}{{'<｜tool▁outputs▁end｜>' + message['content'] + '<｜end▁of▁sentence｜>'}}{%- set ns.is_tool = false -%}{%- else %}{% set content = message['content'] %}{% if '</think>' in content %}{% set content = content.split('</think>')[-1] %}{% endif %}{{'<｜Assistant｜>' + content + '<｜end▁of▁sentence｜>'}}{%- endif %}{%- endif %}{%- if message['role'] == 'tool' %}{%- set ns.is_tool = true -%}{%- if ns.is_output_first %}{{'<｜tool▁outputs▁begin｜><｜tool▁output▁begin｜>' + message['content'] + '<｜tool▁output▁end｜>'}}{%- set ns.is_output_first = false %}{%- else %}{{'\n<｜tool▁output▁begin｜>' + message['content'] + '<｜tool▁output▁end｜>'}}{%- endif %}{%- endif %}{%- endfor -%}{% if ns.is_tool %}{{'<｜tool▁outputs▁end｜>'}}{% endif %}{% if add_generation_prompt and not ns.is_tool %}{{'<｜Assistant｜><think>\n'}}{% endif %}`;

/** Write `tokenizer.json` and a `tokenizer_config.json` of the given style into `dir`. */
export function writeTokenizer(dir: string, style: "qwen" | "r1" | "none" = "r1"): void {
  Deno.writeTextFileSync(join(dir, "tokenizer.json"), JSON.stringify(tokenizerJson()));
  const added = (content: string) => ({
    __type: "AddedToken",
    content,
    lstrip: false,
    normalized: true,
    rstrip: false,
    single_word: false,
  });
  const cfg: Record<string, unknown> = style === "qwen"
    ? {
      bos_token: null,
      eos_token: "<|im_end|>",
      pad_token: "<|endoftext|>",
      chat_template: QWEN_TEMPLATE,
    }
    : {
      add_bos_token: true,
      add_eos_token: false,
      bos_token: added("<｜begin▁of▁sentence｜>"),
      eos_token: added("<｜end▁of▁sentence｜>"),
      pad_token: added("<｜end▁of▁sentence｜>"),
      unk_token: null,
      legacy: true,
      sp_model_kwargs: {},
      tokenizer_class: "LlamaTokenizerFast",
      chat_template: style === "r1" ? R1_TEMPLATE : undefined,
    };
  cfg.clean_up_tokenization_spaces = false;
  cfg.model_max_length = 16384;
  Deno.writeTextFileSync(join(dir, "tokenizer_config.json"), JSON.stringify(cfg, null, 2));
}
