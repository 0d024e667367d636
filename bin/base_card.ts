/**
 * `deno task base-card` — evaluates a base model folder on MiniMath-500 at the evaluation budget
 * and at a generous one, and writes its card: `README.md` (failure profile per budget and
 * level, recipe, curve, sample completions), `profile.json` (the measured figures) and
 * `pretrain_curve.svg`. The folder's `card.json` gives the description and the commands that
 * reproduce it.
 *
 *   deno task base-card --base DIR [--budget 160] [--generous 640] [--samples 2] [--seed 0]
 *                       [--limit N] [--backend NAME]
 *
 * @module
 */
import { parseArgsOrFail } from "../lib/cli/parse_args.ts";
import { basename, join } from "node:path";
import { initBackend } from "../lib/backend/mod.ts";
import { fail } from "../lib/cli/fail.ts";
import { miniMathHeldOut } from "../lib/data/minimath_split.ts";
import { baseMiniMathVersion } from "../lib/model/bases.ts";
import { evaluate } from "../lib/eval/evaluate.ts";
import { failureKind, failureProfile } from "../lib/eval/failure_profile.ts";
import { type BaseCard, baseCardMarkdown } from "../lib/eval/base_card.ts";
import { writeTextAtomic } from "../lib/io/atomic.ts";
import { ProgressLine } from "../lib/train/progress.ts";
import { loadCheckpoint } from "../lib/model/checkpoint.ts";
import { readPretrainLog, readPretrainRecipe } from "../lib/notebook/pretrain_views.ts";
import { pretrainCurveSpec } from "../lib/notebook/pretrain_views.ts";
import { writeSvg } from "../lib/report/svg.ts";
import { charCodec, type Policy } from "../lib/rl/policy.ts";
import { PASS_OPENERS } from "../lib/pretrain/corpus.ts";
import { pretrainLegs } from "../lib/pretrain/legs.ts";

const { values } = parseArgsOrFail({
  args: Deno.args,
  options: {
    base: { type: "string" },
    budget: { type: "string", default: "160" },
    generous: { type: "string", default: "640" },
    samples: { type: "string", default: "2" },
    seed: { type: "string", default: "0" },
    limit: { type: "string" },
    backend: { type: "string" },
  },
});

try {
  const dir = values.base;
  if (!dir) throw new Error("--base DIR is required");
  const cardPath = join(dir, "card.json");
  let meta: { description: string; commands: string[] };
  try {
    meta = JSON.parse(Deno.readTextFileSync(cardPath));
  } catch (e) {
    throw new Error(`${cardPath}: ${(e as Error).message}`);
  }
  if (typeof meta.description !== "string") {
    throw new Error(`${cardPath}: field "description": expected a string`);
  }
  if (!Array.isArray(meta.commands)) {
    throw new Error(`${cardPath}: field "commands": expected a list`);
  }
  const budgets = [Number(values.budget), Number(values.generous)];
  const samples = Number(values.samples);
  const seed = Number(values.seed);
  await initBackend({ backend: values.backend });
  const { model, tokenizer, config } = loadCheckpoint(dir);
  const policy: Policy = { model, codec: charCodec(tokenizer) };
  const problems = miniMathHeldOut(baseMiniMathVersion(dir)).slice(
    0,
    values.limit ? Number(values.limit) : undefined,
  );
  const longestPrompt = Math.max(...problems.map((p) => policy.codec.encodePrompt(p).length));
  for (const b of budgets) {
    if (!(b > 0) || b + longestPrompt > config.max_position_embeddings) {
      throw new Error(
        `budget ${b}: must be positive and fit the context (${config.max_position_embeddings} ` +
          `positions, the longest prompt takes ${longestPrompt})`,
      );
    }
  }
  const profiles = [];
  const cardSamples: BaseCard["samples"] = [];
  for (const budget of budgets) {
    const t0 = performance.now();
    let bar: ProgressLine | undefined;
    const report = evaluate(policy, problems, {
      samples,
      maxNewTokens: budget,
      seed,
      onProgress: (done, total) =>
        (bar ??= new ProgressLine({ total, label: `budget ${budget}` })).update(done),
    });
    bar?.finish();
    const rows = failureProfile(problems, report.results);
    const all = rows.at(-1)!;
    console.log(
      `budget ${budget}: pass@1 ${(100 * all.pass1).toFixed(1)} %, truncated ${
        (100 * all.truncation).toFixed(1)
      } % (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
    );
    profiles.push({ budget, rows, tokensPerSecond: report.tokensPerSecond });
    if (budget === budgets[0]) {
      // One of each kind of failure, and a success, at the evaluation budget.
      const pick = (pred: (r: (typeof report.results)[number]) => boolean, caption: string) => {
        const r = report.results.find(pred);
        if (r) {
          cardSamples.push({
            caption,
            problem: problems[r.problem].problem,
            completion: r.completion,
          });
        }
      };
      pick(
        (r) => failureKind(r) === "truncated" && PASS_OPENERS.some((o) => r.completion.includes(o)),
        "Truncated mid-verification",
      );
      pick((r) => r.correct, "Correct within the budget");
      pick((r) => failureKind(r) === "wrong", "Wrong answer");
      pick((r) => failureKind(r) === "unboxed", "No boxed answer");
    }
  }
  const log = readPretrainLog(dir) ?? [];
  const recipe = readPretrainRecipe(dir) ?? {};
  const legs = pretrainLegs(dir);
  const tail = log.slice(-Math.max(1, Math.round(log.length / 50)));
  const card = {
    name: basename(dir),
    description: meta.description,
    config,
    parameters: model.numParams(),
    recipe,
    commands: meta.commands,
    pretrain: {
      seconds: legs.length
        ? legs.reduce((s, l) => s + l.seconds, 0)
        : log.reduce((s, m) => s + m.seconds, 0),
      steps: log.length,
      legs: legs.map((l) => ({ dir: l.dir, steps: l.steps, minutes: Math.round(l.seconds / 60) })),
      finalLoss: tail.reduce((s, m) => s + m.loss, 0) / Math.max(1, tail.length),
    },
    evaluation: { problems: problems.length, samples, temperature: 0.6, topP: 0.95, seed },
    profiles,
    samples: cardSamples,
  };
  if (log.length) await writeSvg(join(dir, "pretrain_curve.svg"), pretrainCurveSpec(log));
  await writeTextAtomic(join(dir, "README.md"), baseCardMarkdown(card) + "\n");
  const { config: _c, recipe: _r, ...figures } = card;
  await writeTextAtomic(join(dir, "profile.json"), JSON.stringify(figures, null, 2) + "\n");
  console.log(`base-card: wrote ${join(dir, "README.md")}`);
  model.dispose();
} catch (e) {
  fail(e);
}
