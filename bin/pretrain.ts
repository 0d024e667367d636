/**
 * `deno task pretrain` — pretrain a base model on a MiniMath corpus recipe and write it to `--out`
 * (config.json, model.safetensors, tokenizer.json), with the training curve
 * (`pretrain_log.jsonl`) and the recipe (`pretrain.json`).
 *
 *   deno task pretrain [--corpus overthink|imperfect] [--config FILE] [--steps N] [--batch-size B]
 *                      [--lr LR] [--seed S] [--out DIR] [--backend NAME]
 *                      [--init DIR]   (continue from a checkpoint instead of a fresh init)
 *                      [--mix '{"clean":0.25,"wrong_final":0.15,"no_answer":0.2,"ramble":0.4}']
 *                      [--checkpoint-minutes M]   (a resume checkpoint in DIR/resume, default 5)
 *                      [--passes '{"concise":0.5}']  (override the recipe's re-check passes)
 *                      [--loss-norm pool|batch]   (default pool; batch: the bases made before it)
 *                      [--minimath v1|v2]   (the problem set; default v1, the first bases')
 *   deno task pretrain --out DIR --resume          (continue a stopped run where it was)
 *
 * A resumed run takes its recipe from `DIR/resume/state.json` and ends with the same weights as
 * a run never stopped.
 *
 * @module
 */
import { DEFAULT_BASE_DIR } from "../lib/model/bases.ts";
import { parseArgsOrFail } from "../lib/cli/parse_args.ts";
import { join } from "node:path";
import { initBackend } from "../lib/backend/mod.ts";
import { loadConfig } from "../lib/model/config.ts";
import { Qwen2Model } from "../lib/model/qwen2.ts";
import { CharTokenizer } from "../lib/model/tokenizer.ts";
import { loadCheckpoint, saveCheckpoint } from "../lib/model/checkpoint.ts";
import { corpusRecipe, parseMix, parsePasses } from "../lib/pretrain/corpus.ts";
import { parseMiniMathVersion } from "../lib/data/minimath.ts";
import { pretrain, type PretrainConfig, type PretrainOptions } from "../lib/pretrain/pretrain.ts";
import { loadResume, resumeDir, saveResume } from "../lib/pretrain/resume.ts";
import { charCodec } from "../lib/rl/policy.ts";
import { writeTextAtomicSync } from "../lib/io/atomic.ts";
import { ProgressLine } from "../lib/train/progress.ts";
import { fail } from "../lib/cli/fail.ts";

const RECIPE_FLAGS = [
  "corpus",
  "config",
  "steps",
  "batch-size",
  "lr",
  "seed",
  "init",
  "mix",
  "passes",
  "loss-norm",
  "minimath",
];

const { values } = parseArgsOrFail({
  args: Deno.args,
  options: {
    corpus: { type: "string" },
    steps: { type: "string" },
    "batch-size": { type: "string" },
    lr: { type: "string" },
    seed: { type: "string" },
    config: { type: "string" },
    out: { type: "string" },
    backend: { type: "string" },
    init: { type: "string" },
    mix: { type: "string" },
    passes: { type: "string" },
    "loss-norm": { type: "string" },
    minimath: { type: "string" },
    resume: { type: "boolean", default: false },
    "checkpoint-minutes": { type: "string", default: "5" },
    "checkpoint-steps": { type: "string" },
  },
});

try {
  const out = values.out;
  if (!out) throw new Error("--out DIR is required (e.g. data/bases/<name>)");
  const backend = await initBackend({ backend: values.backend });
  const tokenizer = CharTokenizer.default();
  let config: PretrainConfig;
  let model: Qwen2Model;
  let init: string | null;
  let log: string[] = [];
  let seconds0 = 0;
  let resume: PretrainOptions["resume"];
  let offset = 0; // the step of the init checkpoint's curve this leg continues
  if (values.resume) {
    const given = RECIPE_FLAGS.filter((f) => (values as Record<string, unknown>)[f] !== undefined);
    if (given.length) {
      throw new Error(
        `--resume takes the recipe from ${join(resumeDir(out), "state.json")}; drop --${given[0]}`,
      );
    }
    const saved = loadResume(out);
    // A run saved before `loss_norm` existed normalized by its batch: it continues so.
    config = { ...saved.config, loss_norm: saved.config.loss_norm ?? "batch" };
    init = saved.init;
    log = saved.log;
    seconds0 = saved.seconds;
    offset = saved.offset;
    model = loadCheckpoint(resumeDir(out)).model;
    resume = { step: saved.step, optimizer: saved.optimizer };
    console.log(`pretrain: resuming ${out} at step ${saved.step} of ${config.steps}`);
  } else {
    const recipe = corpusRecipe(values.corpus ?? "imperfect");
    const configPath = values.config ?? `${DEFAULT_BASE_DIR}/config.json`;
    const modelConfig = loadConfig(configPath);
    if (modelConfig.vocab_size !== tokenizer.vocabSize) {
      throw new Error(
        `${configPath}: field "vocab_size": ${modelConfig.vocab_size}, but the char tokenizer has ${tokenizer.vocabSize} ids`,
      );
    }
    config = {
      corpus: values.corpus ?? "imperfect",
      seed: Number(values.seed ?? 1),
      steps: Number(values.steps ?? 1500),
      batch_size: Number(values["batch-size"] ?? 48),
      lr: Number(values.lr ?? 3e-3),
      warmup_steps: 50,
      weight_decay: 0.01,
      max_grad_norm: 1,
      mix: values.mix ? parseMix(values.mix) : recipe.mix,
      passes: values.passes ? parsePasses(values.passes, recipe.passes) : recipe.passes,
      loss_norm: lossNorm(values["loss-norm"]),
      minimath: parseMiniMathVersion(values.minimath ?? "v1", "--minimath"),
    };
    for (const k of ["seed", "steps", "batch_size", "lr"] as const) {
      if (!(Number.isFinite(config[k]) && config[k] > 0)) {
        throw new Error(`--${k.replace("_", "-")}: expected a positive number`);
      }
    }
    init = values.init ?? null;
    model = init ? loadCheckpoint(init).model : Qwen2Model.init(modelConfig, config.seed);
    // Continuing a checkpoint continues its curve: earlier steps first, later ones offset.
    if (init) log = readLog(init);
    if (log.length) offset = JSON.parse(log[log.length - 1]).step;
  }
  Deno.mkdirSync(out, { recursive: true });
  const bar = new ProgressLine({
    total: config.steps,
    label: "pretrain",
    startStep: resume?.step ?? 0,
  });
  const t0 = performance.now();
  let tokens = 0;
  const elapsed = () => seconds0 + (performance.now() - t0) / 1000;
  const everySteps = values["checkpoint-steps"] ? Number(values["checkpoint-steps"]) : undefined;
  pretrain(model, charCodec(tokenizer), config, {
    resume,
    onStep: (m) => {
      tokens += m.tokens;
      log.push(JSON.stringify({ ...m, step: m.step + offset }));
      bar.update(m.step, { loss: m.loss, step_time: m.seconds });
    },
    checkpoint: {
      everySeconds: everySteps ? undefined : Number(values["checkpoint-minutes"]) * 60,
      everySteps,
      save: (step, optimizer) =>
        saveResume(out, model, tokenizer, optimizer, {
          step,
          config,
          init,
          offset,
          seconds: elapsed(),
          log,
        }),
    },
  });
  bar.finish();
  const seconds = elapsed();
  saveCheckpoint(out, model, tokenizer);
  writeTextAtomicSync(join(out, "pretrain_log.jsonl"), log.join("\n") + "\n");
  writeTextAtomicSync(
    join(out, "pretrain.json"),
    JSON.stringify({ ...config, init, backend: backend.name, seconds }, null, 2) + "\n",
  );
  try {
    Deno.removeSync(resumeDir(out), { recursive: true }); // finished: nothing left to resume
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  console.log(
    `pretrain: ${config.steps} steps in ${
      seconds.toFixed(0)
    } s (${tokens} tokens this session) → ${out}`,
  );
} catch (e) {
  fail(e);
}

function readLog(dir: string): string[] {
  try {
    return Deno.readTextFileSync(join(dir, "pretrain_log.jsonl")).split("\n").filter((l) =>
      l.trim() !== ""
    );
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw e;
  }
}

/** `--loss-norm`: `pool` (default) or `batch` (see `PretrainConfig.loss_norm`). */
function lossNorm(v: string | undefined): "pool" | "batch" {
  if (v === undefined || v === "pool" || v === "batch") return v ?? "pool";
  throw new Error(`--loss-norm: expected pool or batch, got "${v}"`);
}
