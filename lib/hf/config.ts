/**
 * Reading the `config.json` of a Hugging Face Qwen2 model folder: the HF defaults of
 * `Qwen2Config` are filled in for optional fields, a few newer bookkeeping keys are mapped or
 * dropped, then {@linkcode parseConfig} of the model library validates the result.
 *
 * @module
 */

import { parseConfig, type Qwen2Config } from "../model/config.ts";

/** Defaults of `transformers.Qwen2Config` for fields that real `config.json` files may omit. */
const HF_DEFAULTS: Record<string, unknown> = {
  max_position_embeddings: 32768,
  rope_theta: 10000,
  rms_norm_eps: 1e-6,
  tie_word_embeddings: false,
};

/** Keys written by newer `transformers` releases that do not change the math. */
const DROPPED = new Set(["dtype", "output_attentions", "output_hidden_states", "return_dict"]);

/**
 * Validate a parsed HF `config.json` (see module doc). Throws a one-line `Error` naming `file`
 * and the field.
 *
 * ```ts
 * const config = parseHfConfig(JSON.parse(Deno.readTextFileSync("m/config.json")), "m/config.json");
 * ```
 */
export function parseHfConfig(json: unknown, file: string): Qwen2Config {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new Error(`${file}: expected a JSON object`);
  }
  const obj: Record<string, unknown> = { ...(json as Record<string, unknown>) };
  for (const key of DROPPED) delete obj[key];
  // transformers ≥ 5 nests the RoPE settings: {"rope_parameters": {"rope_type": "default", "rope_theta": …}}.
  if ("rope_parameters" in obj) {
    const rp = obj.rope_parameters;
    if (typeof rp !== "object" || rp === null || Array.isArray(rp)) {
      throw new Error(`${file}: field "rope_parameters": expected an object`);
    }
    const r = rp as Record<string, unknown>;
    if (r.rope_type !== undefined && r.rope_type !== "default") {
      throw new Error(
        `${file}: field "rope_parameters.rope_type": only "default" is supported, got ${
          JSON.stringify(r.rope_type)
        }`,
      );
    }
    if (r.rope_theta !== undefined && !("rope_theta" in obj)) obj.rope_theta = r.rope_theta;
    delete obj.rope_parameters;
  }
  for (const [key, value] of Object.entries(HF_DEFAULTS)) if (!(key in obj)) obj[key] = value;
  if (!("num_key_value_heads" in obj) || obj.num_key_value_heads === null) {
    obj.num_key_value_heads = obj.num_attention_heads;
  }
  return parseConfig(obj, file);
}

/** Read and validate `path` (see {@linkcode parseHfConfig}). */
export function loadHfConfig(path: string): Qwen2Config {
  const text = readTextFile(path);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${path}: invalid JSON: ${firstLine(err)}`);
  }
  return parseHfConfig(json, path);
}

/** The text of `path`; throws `PATH: missing file` or `PATH: unreadable: …` (one line). */
export function readTextFile(path: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) throw new Error(`${path}: missing file`);
    throw new Error(`${path}: unreadable: ${firstLine(err)}`);
  }
}

/** First line of an error's message. */
export function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split("\n")[0];
}
