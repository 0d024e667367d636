/**
 * Hugging Face model folders: `config.json`, `model.safetensors` or shards with
 * `model.safetensors.index.json` (F32/F16/BF16, streamed tensor by tensor), `tokenizer.json` +
 * `tokenizer_config.json` through `@huggingface/tokenizers`, and the chat template through
 * `@huggingface/jinja`. {@linkcode loadModel} returns a `Policy` that the trainers
 * and the evaluation take as they take the embedded char model.
 *
 * ```ts
 * import { loadModel } from "./lib/hf/mod.ts";
 * const policy = loadModel("models/DeepSeek-R1-Distill-Qwen-1.5B");
 * ```
 *
 * @module
 */

export * from "./load_model.ts";
export * from "./config.ts";
export * from "./weight_files.ts";
export * from "./load_weights.ts";
export * from "./tokenizer.ts";
export * from "./codec.ts";
export * from "./memory.ts";
