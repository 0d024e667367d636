import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { registerAllGradients } from "../lib/backend/gradients.ts";
import { parseProblems } from "../lib/data/load_problems.ts";
import { loadModel } from "../lib/hf/mod.ts";
import { combineRewards } from "../lib/reward/combine.ts";
import { DEFAULT_GRPO_CONFIG, GRPOTrainer } from "../lib/rl/grpo_trainer.ts";
import { assert, assertEquals } from "./_assert.ts";
import { HF_TINY, writeCheckpoint, writeTokenizer } from "./_hf_fixtures.ts";

await tf.setBackend("cpu");
registerAllGradients();

Deno.test("a loaded HF folder (BPE tokenizer + chat template) is a Policy the GRPO trainer trains", () => {
  const dir = Deno.makeTempDirSync({ prefix: "hf_trainer_test_" });
  try {
    writeCheckpoint(dir, { ...HF_TINY, max_position_embeddings: 128 }, {
      dtype: "BF16",
      shards: 2,
    });
    writeTokenizer(dir, "r1");
    const policy = loadModel(dir);
    const problems = parseProblems(
      ['{"problem":"1+1?","solution":"","answer":"2","subject":"A","level":1,"unique_id":"a"}']
        .join("\n"),
    );
    // A reward with signal on a random model: the completion's length in characters.
    const reward = combineRewards("chars", [
      { name: "chars", weight: 1, fn: (cs) => cs.map((c) => c.length) },
    ]);
    const trainer = new GRPOTrainer(
      policy,
      reward,
      { batchAt: () => problems, countsAt: () => null },
      {
        ...DEFAULT_GRPO_CONFIG,
        steps: 1,
        prompts_per_step: 1,
        num_generations: 4,
        max_completion_length: 6,
        warmup_steps: 0,
        learning_rate: 1e-2,
      },
    );
    const before = policy.model.params.get("lm_head.weight")!.dataSync().slice();
    const m = trainer.step(0);
    assertEquals(m.skipped, false);
    assert(Number.isFinite(m.loss) && m.grad_norm > 0, JSON.stringify(m));
    const after = policy.model.params.get("lm_head.weight")!.dataSync();
    assert(after.some((v, i) => v !== before[i]), "parameters moved");
    // The rollouts were decoded by the BPE codec (no EOS text in completions).
    assert(trainer.lastRollout!.completions.every((c) => !c.includes("<｜end▁of▁sentence｜>")));
    trainer.dispose();
    policy.model.dispose();
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
