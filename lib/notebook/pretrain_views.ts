/**
 * Views of how the base model is made, for the base-model notebook: the recipe, the model, the
 * imperfect-solution corpus and the pretraining curve.
 *
 * @module
 */
import { join } from "node:path";
import pl from "nodejs-polars";
import type { TopLevelSpec } from "vega-lite";
import type { Problem } from "../data/problem.ts";
import { createRng } from "../data/rng.ts";
import { miniMathTrainStream } from "../data/minimath_split.ts";
import type { MiniMathVersion } from "../data/minimath.ts";
import { baseMiniMathVersion } from "../model/bases.ts";
import { loadConfig, type Qwen2Config } from "../model/config.ts";
import {
  type CorpusMix,
  DEFAULT_MIX,
  type PassSpec,
  type SolutionKind,
  writeSolution,
} from "../pretrain/corpus.ts";
import type { PretrainStep } from "../pretrain/pretrain.ts";
import { curveRows, learningCurveSpec, VEGA_LITE_SCHEMA } from "../report/charts.ts";
import { type BaseModel, parameterCount } from "./base_model.ts";
import { chart, markdown, type Viewable } from "./display.ts";
import { htmlTable, mathTextHtml, miniMathToTex, rawTextHtml } from "./math_html.ts";
import { notice } from "./missing.ts";
import { relativeToRoot } from "./paths.ts";

/** The pretraining log `pretrain_log.jsonl` of a checkpoint folder, or `null` when absent. */
export function readPretrainLog(dir: string): PretrainStep[] | null {
  let text: string;
  try {
    text = Deno.readTextFileSync(join(dir, "pretrain_log.jsonl"));
  } catch {
    return null;
  }
  return text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l));
}

/** The pretraining recipe `pretrain.json` of a checkpoint folder, or `null` when absent. */
export function readPretrainRecipe(dir: string): Record<string, unknown> | null {
  try {
    return JSON.parse(Deno.readTextFileSync(join(dir, "pretrain.json")));
  } catch {
    return null;
  }
}

/** A two-column `setting, value` table of a flat record (nested values as JSON). */
export function settingsTable(record: Record<string, unknown>): pl.DataFrame {
  const entries = Object.entries(record);
  return pl.DataFrame([
    pl.Series("setting", entries.map(([k]) => k), pl.Utf8),
    pl.Series(
      "value",
      entries.map(([, v]) => typeof v === "string" ? v : JSON.stringify(v)),
      pl.Utf8,
    ),
  ]);
}

/** The model's shape as a `setting, value` table, with its parameter count. */
export function modelTable(config: Qwen2Config, parameters: number): pl.DataFrame {
  return settingsTable({
    parameters: parameters.toLocaleString("en-US"),
    hidden_size: config.hidden_size,
    num_hidden_layers: config.num_hidden_layers,
    num_attention_heads: config.num_attention_heads,
    num_key_value_heads: config.num_key_value_heads,
    intermediate_size: config.intermediate_size,
    vocab_size: config.vocab_size,
    max_position_embeddings: config.max_position_embeddings,
    tie_word_embeddings: config.tie_word_embeddings,
  });
}

/** What each kind of corpus solution teaches the base model. */
export const SOLUTION_KIND_NOTES: Record<SolutionKind, string> = {
  clean: "think, then box the right answer — the behaviour RL should find",
  wrong_final: "the same steps, but a slip in the final result, boxed",
  no_answer: "think, then stop without a boxed answer",
  ramble: "re-check the steps over and over until the token budget runs out (truncated)",
};

/** The corpus mix: `kind, share_pct, teaches`. */
export function corpusMixTable(mix: CorpusMix): pl.DataFrame {
  const kinds = Object.keys(mix) as SolutionKind[];
  const total = kinds.reduce((s, k) => s + mix[k], 0);
  return pl.DataFrame([
    pl.Series("kind", kinds, pl.Utf8),
    pl.Series("share_pct", kinds.map((k) => Math.round(1000 * mix[k] / total) / 10), pl.Float64),
    pl.Series("teaches", kinds.map((k) => SOLUTION_KIND_NOTES[k]), pl.Utf8),
  ]);
}

/**
 * One training problem (level `level`, MiniMath `version`) written as each kind of corpus
 * solution in `mix` (weight > 0): the problem typeset, each completion verbatim (what the model is
 * trained to emit). With `passes` > 0, a `clean` solution with that many re-check passes too.
 */
export function corpusExamplesHtml(
  mix: CorpusMix,
  seed: number,
  level = 3,
  options: { version?: MiniMathVersion; passes?: number } = {},
): string {
  const gen = miniMathTrainStream(seed, {
    levels: [level as Problem["level"]],
    version: options.version,
  }).next().value!;
  const rng = createRng(seed);
  const kinds = (Object.keys(mix) as SolutionKind[]).filter((k) => mix[k] > 0);
  const problem = `<p><b>Problem</b> (level ${gen.problem.level}, ${gen.problem.subject}): ${
    mathTextHtml(miniMathToTex(gen.problem.problem))
  }</p>`;
  const rows = kinds.map((k) => [k, rawTextHtml(writeSolution(gen, k, rng))]);
  const n = options.passes ?? 0;
  if (n > 0) {
    rows.push([
      `clean, ${n} re-check passes`,
      rawTextHtml(writeSolution(gen, "clean", rng, undefined, n)),
    ]);
  }
  return problem + htmlTable(["Kind", "Completion (verbatim)"], rows);
}

/**
 * The corpus a checkpoint was pretrained on, from its `pretrain.json`: the mix, the re-check
 * passes and the MiniMath version (the first base's defaults where a field is absent).
 */
export function baseCorpus(
  dir: string,
): { corpus: string; mix: CorpusMix; passes: PassSpec | null; minimath: MiniMathVersion } {
  const recipe = readPretrainRecipe(dir) ?? {};
  return {
    corpus: typeof recipe.corpus === "string" ? recipe.corpus : "imperfect",
    mix: (recipe.mix as CorpusMix | undefined) ?? DEFAULT_MIX,
    passes: (recipe.passes as PassSpec | null | undefined) ?? null,
    minimath: baseMiniMathVersion(dir),
  };
}

/**
 * The pretraining loss vs step: a trailing moving average over about 2 % of the run, thinned to
 * at most `maxPoints` points (the last step always kept) so long runs stay light in a notebook.
 */
export function pretrainCurveSpec(log: readonly PretrainStep[], maxPoints = 300): TopLevelSpec {
  const window = Math.max(1, Math.round(log.length / 50));
  const every = Math.max(1, Math.ceil(log.length / maxPoints));
  let sum = 0;
  const smoothed = log.map((m, i) => {
    sum += m.loss;
    if (i >= window) sum -= log[i - window].loss;
    return { step: m.step, loss: sum / Math.min(i + 1, window) };
  }).filter((_, i) => i % every === 0 || i === log.length - 1);
  return learningCurveSpec(curveRows("base", 1, smoothed), {
    metric: "loss",
    title: "Pretraining loss (completion tokens)",
    yTitle: "Cross-entropy (nats / token)",
  });
}

/** Pretraining totals: steps, tokens, wall time, throughput, first and last loss. */
export function pretrainTotalsTable(log: readonly PretrainStep[]): pl.DataFrame {
  const tokens = log.reduce((s, m) => s + m.tokens, 0);
  const seconds = log.reduce((s, m) => s + m.seconds, 0);
  const tail = log.slice(-Math.max(1, Math.round(log.length / 50)));
  return pl.DataFrame([
    pl.Series("steps", [log.length], pl.Int64),
    pl.Series("tokens", [tokens], pl.Int64),
    pl.Series("minutes", [Math.round(seconds / 6) / 10], pl.Float64),
    pl.Series("tokens_per_s", [Math.round(tokens / Math.max(seconds, 1e-9))], pl.Int64),
    pl.Series("first_loss", [round3(log[0]?.loss)], pl.Float64),
    pl.Series(
      "final_loss",
      [round3(tail.reduce((s, m) => s + m.loss, 0) / tail.length)],
      pl.Float64,
    ),
  ]);
}

function round3(x: number | undefined): number | null {
  return typeof x === "number" && Number.isFinite(x) ? Math.round(x * 1000) / 1000 : null;
}

/**
 * The model's shape; without a loadable checkpoint, the notice of what is missing and the shape
 * from `config.json` alone when it is there.
 */
export function modelView(base: BaseModel): Viewable[] {
  if (base.ok) return [modelTable(base.config, base.parameters)];
  const out: Viewable[] = [notice(base.message)];
  try {
    const config = loadConfig(join(base.dir, "config.json"));
    out.push(
      markdown("The architecture, from `config.json`:"),
      modelTable(config, parameterCount(config)),
    );
  } catch {
    // no usable config.json either: the notice says it all
  }
  return out;
}

/** The corpus mix as bars: the share of each kind of solution. */
export function corpusMixSpec(mix: CorpusMix): TopLevelSpec {
  const kinds = Object.keys(mix) as SolutionKind[];
  const total = kinds.reduce((s, k) => s + mix[k], 0);
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: "The pretraining corpus: kinds of solution",
    width: 320,
    height: 140,
    data: { values: kinds.map((kind) => ({ kind, share: mix[kind] / total })) },
    mark: { type: "bar" },
    encoding: {
      y: { field: "kind", type: "nominal", title: null, sort: kinds },
      x: {
        field: "share",
        type: "quantitative",
        title: "Share of examples",
        axis: { format: ".0%" },
      },
      color: {
        field: "kind",
        type: "nominal",
        legend: null,
        scale: { domain: kinds, range: ["#59a14f", "#e15759", "#edc948", "#9c9c9c"] },
      },
      tooltip: [{ field: "kind" }, { field: "share", format: ".0%" }],
    },
  } as TopLevelSpec;
}

/**
 * The pretraining record of a checkpoint folder: its recipe, totals and loss curve; a notice
 * for whatever is missing.
 */
export function pretrainViews(dir: string): Viewable[] {
  const where = `\`${relativeToRoot(dir)}/\``;
  const recipe = readPretrainRecipe(dir);
  const log = readPretrainLog(dir);
  const out: Viewable[] = [];
  if (recipe) out.push(markdown("The recipe (`pretrain.json`):"), settingsTable(recipe));
  else {
    out.push(notice(
      `**No \`pretrain.json\` in ${where}**: the recipe is written when \`deno task pretrain\` ` +
        "finishes.",
    ));
  }
  if (log && log.length > 0) {
    out.push(pretrainTotalsTable(log), chart(pretrainCurveSpec(log)));
  } else {
    out.push(notice(
      `**No \`pretrain_log.jsonl\` in ${where}**: the curve appears once \`deno task pretrain\` ` +
        "has run (it logs every step).",
    ));
  }
  return out;
}
