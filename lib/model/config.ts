/**
 * The Qwen2 model configuration: the subset of a Hugging Face `config.json`
 * that the model uses, with HF field names, strictly validated.
 *
 * @module
 */

/** Hyper-parameters of a Qwen2 decoder (HF `Qwen2Config` names). */
export interface Qwen2Config {
  /** Width of the residual stream, H. */
  hidden_size: number;
  /** Number of decoder layers. */
  num_hidden_layers: number;
  /** Number of query heads; `hidden_size / num_attention_heads` is the head size. */
  num_attention_heads: number;
  /** Number of key/value heads (GQA); divides `num_attention_heads`. */
  num_key_value_heads: number;
  /** Width of the SwiGLU MLP. */
  intermediate_size: number;
  /** Number of token ids, V. */
  vocab_size: number;
  /** Longest sequence (positions `0 … max_position_embeddings-1`). */
  max_position_embeddings: number;
  /** RoPE base frequency. */
  rope_theta: number;
  /** RMSNorm epsilon. */
  rms_norm_eps: number;
  /** Share `model.embed_tokens.weight` as the output projection (no `lm_head.weight`). */
  tie_word_embeddings: boolean;
}

/** The required fields, in the order they are written to `config.json`. */
const REQUIRED: readonly (keyof Qwen2Config)[] = [
  "hidden_size",
  "num_hidden_layers",
  "num_attention_heads",
  "num_key_value_heads",
  "intermediate_size",
  "vocab_size",
  "max_position_embeddings",
  "rope_theta",
  "rms_norm_eps",
  "tie_word_embeddings",
];

const INTEGER_FIELDS = new Set<string>([
  "hidden_size",
  "num_hidden_layers",
  "num_attention_heads",
  "num_key_value_heads",
  "intermediate_size",
  "vocab_size",
  "max_position_embeddings",
]);

/**
 * Keys found in real Qwen2 `config.json` files that do not change the math of
 * this implementation. They are accepted and ignored (a few are checked).
 */
const IGNORED = new Set<string>([
  "_name_or_path",
  "architectures",
  "attention_dropout",
  "bos_token_id",
  "eos_token_id",
  "pad_token_id",
  "hidden_act",
  "initializer_range",
  "max_window_layers",
  "model_type",
  "rope_scaling",
  "sliding_window",
  "torch_dtype",
  "transformers_version",
  "use_cache",
  "use_sliding_window",
  "use_mrope",
  "head_dim",
  "layer_types",
]);

/**
 * Validate a parsed `config.json`. Throws a one-line `Error` naming `file` and
 * the offending field on a missing, mistyped, inconsistent or unknown key.
 *
 * ```ts
 * const config = parseConfig(JSON.parse(text), "data/bases/imperfect-0.8m/config.json");
 * ```
 */
export function parseConfig(json: unknown, file: string): Qwen2Config {
  const fail = (field: string, why: string): never => {
    throw new Error(`${file}: field "${field}": ${why}`);
  };
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new Error(`${file}: expected a JSON object`);
  }
  const obj = json as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!IGNORED.has(key) && !(REQUIRED as readonly string[]).includes(key)) {
      fail(key, "unknown key");
    }
  }
  const out: Record<string, number | boolean> = {};
  for (const key of REQUIRED) {
    if (!(key in obj)) fail(key, "missing");
    const v = obj[key];
    if (key === "tie_word_embeddings") {
      if (typeof v !== "boolean") fail(key, `expected a boolean, got ${JSON.stringify(v)}`);
    } else if (INTEGER_FIELDS.has(key)) {
      if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) {
        fail(key, `expected a positive integer, got ${JSON.stringify(v)}`);
      }
    } else if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) {
      fail(key, `expected a positive number, got ${JSON.stringify(v)}`);
    }
    out[key] = v as number | boolean;
  }
  const c = out as unknown as Qwen2Config;
  if (c.hidden_size % c.num_attention_heads !== 0) {
    fail("num_attention_heads", `must divide hidden_size ${c.hidden_size}`);
  }
  if (c.num_attention_heads % c.num_key_value_heads !== 0) {
    fail("num_key_value_heads", `must divide num_attention_heads ${c.num_attention_heads}`);
  }
  const headDim = c.hidden_size / c.num_attention_heads;
  if (headDim % 2 !== 0) fail("num_attention_heads", `head size ${headDim} must be even (RoPE)`);
  if ("head_dim" in obj && obj.head_dim !== headDim) {
    fail("head_dim", `expected hidden_size / num_attention_heads = ${headDim}`);
  }
  if ("hidden_act" in obj && obj.hidden_act !== "silu") {
    fail("hidden_act", `only "silu" is supported, got ${JSON.stringify(obj.hidden_act)}`);
  }
  if ("rope_scaling" in obj && obj.rope_scaling !== null) fail("rope_scaling", "must be null");
  if ("use_sliding_window" in obj && obj.use_sliding_window === true) {
    fail("use_sliding_window", "sliding-window attention is not supported");
  }
  if ("use_mrope" in obj && obj.use_mrope === true) fail("use_mrope", "not supported");
  if ("model_type" in obj && obj.model_type !== "qwen2") {
    fail("model_type", `expected "qwen2", got ${JSON.stringify(obj.model_type)}`);
  }
  return c;
}

/** Read and validate a `config.json` (see {@linkcode parseConfig}). */
export function loadConfig(path: string): Qwen2Config {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (err) {
    throw new Error(`${path}: cannot read config: ${(err as Error).message.split("\n")[0]}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${path}: invalid JSON: ${(err as Error).message.split("\n")[0]}`);
  }
  return parseConfig(json, path);
}

/** Head size, `hidden_size / num_attention_heads`. */
export function headDim(config: Qwen2Config): number {
  return config.hidden_size / config.num_attention_heads;
}

/**
 * The object written as `config.json`: the required fields plus the HF
 * bookkeeping keys so that `transformers` can load the checkpoint.
 */
export function configToJSON(config: Qwen2Config): Record<string, unknown> {
  const out: Record<string, unknown> = {
    architectures: ["Qwen2ForCausalLM"],
    model_type: "qwen2",
    hidden_act: "silu",
    torch_dtype: "float32",
  };
  for (const key of REQUIRED) out[key] = config[key];
  out.rope_scaling = null;
  out.use_sliding_window = false;
  out.attention_dropout = 0;
  return out;
}
