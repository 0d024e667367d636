import { backendMemoryProblem, memoryEstimate, paramCount } from "../lib/hf/mod.ts";
import { parameterShapes, type Qwen2Config } from "../lib/model/mod.ts";
import { assert, assertEquals } from "./_assert.ts";
import { HF_TINY } from "./_hf_fixtures.ts";

/** DeepSeek-R1-Distill-Qwen-1.5B's config.json (the Qwen2.5-Math-1.5B architecture, untied). */
const R1_1_5B: Qwen2Config = {
  hidden_size: 1536,
  num_hidden_layers: 28,
  num_attention_heads: 12,
  num_key_value_heads: 2,
  intermediate_size: 8960,
  vocab_size: 151936,
  max_position_embeddings: 131072,
  rope_theta: 10000,
  rms_norm_eps: 1e-6,
  tie_word_embeddings: false,
};

Deno.test("paramCount: the closed form equals the sum over parameterShapes", () => {
  for (
    const c of [
      HF_TINY,
      { ...HF_TINY, tie_word_embeddings: true, num_key_value_heads: 1 },
      R1_1_5B,
      { ...R1_1_5B, tie_word_embeddings: true },
    ]
  ) {
    let n = 0;
    for (const shape of parameterShapes(c).values()) n += shape.reduce((a, b) => a * b, 1);
    assertEquals(paramCount(c).total, n);
  }
});

Deno.test("memoryEstimate: DeepSeek-R1-Distill-Qwen-1.5B figures", () => {
  const p = paramCount(R1_1_5B);
  assertEquals(p.total, 1_777_088_000); // 1.54 B (Qwen2.5-1.5B, tied) + a 233 M untied lm_head
  assertEquals(paramCount({ ...R1_1_5B, tie_word_embeddings: true }).total, 1_543_714_304);
  const m = memoryEstimate(R1_1_5B);
  assertEquals(m.weights, 7_108_352_000);
  assertEquals(m.bf16File, 3_554_176_000);
  assertEquals(m.adamw, 2 * m.weights);
  assertEquals(m.kvCachePerToken, 57_344); // 2 · 28 layers · 2 KV heads · 128 · 4 bytes
  assertEquals(m.logitsPerPosition, 607_744);
});

Deno.test("backendMemoryProblem: a 1.5B model does not fit the 4 GiB wasm heap; tiny ones do", () => {
  const why = backendMemoryProblem(R1_1_5B, "native");
  assert(why !== null && why.includes("14.2 GB") && why.includes("--backend tensorflow"), `${why}`);
  assert(!why.includes("\n"));
  assertEquals(backendMemoryProblem(R1_1_5B, "wasm") !== null, true);
  assertEquals(backendMemoryProblem(R1_1_5B, "tensorflow"), null);
  assertEquals(backendMemoryProblem(R1_1_5B, "cpu"), null);
  assertEquals(backendMemoryProblem(HF_TINY, "native"), null);
});
