import { assert, assertAlmostEquals, assertEquals } from "./_assert.ts";
import { CharTokenizer } from "../lib/model/tokenizer.ts";
import { charCodec } from "../lib/rl/policy.ts";
import { CORPUS_RECIPES } from "../lib/pretrain/corpus.ts";
import { pretrainBatches, type PretrainConfig } from "../lib/pretrain/pretrain.ts";

const recipe = CORPUS_RECIPES.overthink;
const config: PretrainConfig = {
  corpus: "overthink",
  seed: 3,
  steps: 8,
  batch_size: 6,
  lr: 1e-3,
  warmup_steps: 1,
  weight_decay: 0,
  max_grad_norm: 1,
  mix: recipe.mix,
  passes: recipe.passes,
};

const tokens = (b: { ids: number[]; start: number }[]) =>
  b.reduce((s, e) => s + e.ids.length - e.start, 0);

Deno.test("pretrainBatches: the 4 batches of a pool share its mean tokens per batch", () => {
  const codec = charCodec(CharTokenizer.default());
  const it = pretrainBatches(config, codec, 768);
  for (let pool = 0; pool < 3; pool++) {
    const four = [0, 1, 2, 3].map(() => it.next().value!);
    const total = four.reduce((s, b) => s + tokens(b.examples), 0);
    for (const b of four) {
      assertEquals(b.examples.length, config.batch_size);
      assertAlmostEquals(b.poolTokens, total / 4, 1e-9);
    }
    // Sorted by length, shortest batch first: per-batch normalization would weigh its tokens
    // more than the long batches' — the bias the pool normalizer removes.
    const sizes = four.map((b) => tokens(b.examples));
    assert(sizes[0] < sizes[3], `batches not sorted by length: ${sizes}`);
  }
});
