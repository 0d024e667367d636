/**
 * `deno task pretrain` — pretrain the embedded base model on the imperfect-solution MiniMath
 * corpus and write it to `data/base/` (config.json, model.safetensors, tokenizer.json), with the
 * training curve (`pretrain_log.jsonl`) and the recipe (`pretrain.json`).
 *
 *   deno task pretrain [--steps N] [--batch-size B] [--lr LR] [--seed S] [--out DIR] [--backend NAME]
 *                      [--init DIR]   (continue from a checkpoint instead of a fresh init)
 *                      [--mix '{"clean":0.25,"wrong_final":0.15,"no_answer":0.2,"ramble":0.4}']
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { initBackend } from "../lib/backend/mod.ts";
import { loadConfig } from "../lib/model/config.ts";
import { Qwen2Model } from "../lib/model/qwen2.ts";
import { CharTokenizer } from "../lib/model/tokenizer.ts";
import { loadCheckpoint, saveCheckpoint } from "../lib/model/checkpoint.ts";
import { DEFAULT_MIX, parseMix } from "../lib/pretrain/corpus.ts";
import { pretrain, type PretrainConfig } from "../lib/pretrain/pretrain.ts";
import { charCodec } from "../lib/rl/policy.ts";
import { writeTextAtomicSync } from "../lib/io/atomic.ts";
import { ProgressLine } from "../lib/train/progress.ts";
import { fail } from "../lib/cli/fail.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    steps: { type: "string", default: "1500" },
    "batch-size": { type: "string", default: "48" },
    lr: { type: "string", default: "3e-3" },
    seed: { type: "string", default: "1" },
    config: { type: "string", default: "data/base/config.json" },
    out: { type: "string", default: "data/base" },
    backend: { type: "string" },
    init: { type: "string" },
    mix: { type: "string" },
  },
});

try {
  const backend = await initBackend({ backend: values.backend });
  const modelConfig = loadConfig(values.config!);
  const tokenizer = CharTokenizer.default();
  if (modelConfig.vocab_size !== tokenizer.vocabSize) {
    throw new Error(
      `${values.config}: field "vocab_size": ${modelConfig.vocab_size}, but the char tokenizer has ${tokenizer.vocabSize} ids`,
    );
  }
  const config: PretrainConfig = {
    seed: Number(values.seed),
    steps: Number(values.steps),
    batch_size: Number(values["batch-size"]),
    lr: Number(values.lr),
    warmup_steps: 50,
    weight_decay: 0.01,
    max_grad_norm: 1,
    mix: values.mix ? parseMix(values.mix) : DEFAULT_MIX,
  };
  const model = values.init
    ? loadCheckpoint(values.init).model
    : Qwen2Model.init(modelConfig, config.seed);
  Deno.mkdirSync(values.out!, { recursive: true });
  const bar = new ProgressLine({ total: config.steps, label: "pretrain" });
  const t0 = performance.now();
  // Continuing a checkpoint continues its curve: earlier steps first, later ones offset.
  const log: string[] = [];
  let offset = 0;
  if (values.init) {
    try {
      for (
        const line of Deno.readTextFileSync(join(values.init, "pretrain_log.jsonl")).split("\n")
      ) {
        if (line.trim()) {
          log.push(line);
          offset = JSON.parse(line).step;
        }
      }
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
  let tokens = 0;
  pretrain(model, charCodec(tokenizer), config, (m) => {
    tokens += m.tokens;
    log.push(JSON.stringify({ ...m, step: m.step + offset }));
    bar.update(m.step, { loss: m.loss, step_time: m.seconds });
    if (m.step % 100 === 0 && m.step < config.steps) {
      saveCheckpoint(values.out!, model, tokenizer); // a usable checkpoint while training goes on
      writeTextAtomicSync(join(values.out!, "pretrain_log.jsonl"), log.join("\n") + "\n");
    }
  });
  bar.finish();
  const seconds = (performance.now() - t0) / 1000;
  Deno.mkdirSync(values.out!, { recursive: true });
  saveCheckpoint(values.out!, model, tokenizer);
  writeTextAtomicSync(join(values.out!, "pretrain_log.jsonl"), log.join("\n") + "\n");
  writeTextAtomicSync(
    join(values.out!, "pretrain.json"),
    JSON.stringify(
      { ...config, init: values.init ?? null, backend: backend.name, seconds, tokens },
      null,
      2,
    ) + "\n",
  );
  console.log(
    `pretrain: ${config.steps} steps, ${tokens} tokens in ${seconds.toFixed(0)} s ` +
      `(${(tokens / seconds).toFixed(0)} tokens/s) → ${values.out}`,
  );
} catch (e) {
  fail(e);
}
