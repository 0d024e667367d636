/**
 * The model library: Qwen2 config, model, char tokenizer, safetensors,
 * checkpoints, per-token log-probs and the KV-cached batched sampler.
 *
 * ```ts
 * import { CharTokenizer, generate, loadConfig, Qwen2Model } from "./lib/model/mod.ts";
 * const tok = CharTokenizer.default();
 * const model = Qwen2Model.init(loadConfig("data/bases/imperfect-0.8m/config.json"), 0);
 * const out = generate(model, [tok.encode("1+1=", { bos: true })], {
 *   maxNewTokens: 16, temperature: 0, eosId: tok.eosId, padId: tok.padId, seeds: [0],
 * });
 * ```
 *
 * @module
 */

export * from "./config.ts";
export * from "./tokenizer.ts";
export * from "./safetensors.ts";
export * from "./qwen2.ts";
export * from "./kv_cache.ts";
export * from "./logprobs.ts";
export * from "./sampler.ts";
export * from "./checkpoint.ts";
export * from "./rng.ts";
