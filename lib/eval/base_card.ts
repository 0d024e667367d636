/**
 * The card of a base model (`data/bases/<name>/README.md`): what it is, how it was pretrained,
 * its pretraining curve, and its failure profile on MiniMath-500 at the evaluation budget and at
 * a generous one — the two numbers that say whether the base "knows the math" and how it fails
 * under the budget RL trains with.
 *
 * @module
 */
import type { Qwen2Config } from "../model/config.ts";
import type { FailureRow } from "./failure_profile.ts";
import { failureProfileMarkdown } from "./failure_profile.ts";

/** Everything a card shows. */
export interface BaseCard {
  /** The folder name under `data/bases/`. */
  name: string;
  /** One paragraph: what the base is for. */
  description: string;
  config: Qwen2Config;
  parameters: number;
  /** `pretrain.json` of the folder. */
  recipe: Record<string, unknown>;
  /** The shell commands that reproduce it. */
  commands: string[];
  /** Pretraining wall time in seconds and steps (from the curve). */
  pretrain: {
    seconds: number;
    steps: number;
    finalLoss: number;
    /** The legs, first first (`--init` chain), with their wall minutes. */
    legs?: { dir: string; steps: number; minutes: number }[];
  };
  /** Evaluation protocol. */
  evaluation: {
    problems: number;
    samples: number;
    temperature: number;
    topP: number;
    seed: number;
  };
  /** Failure profile per budget, the evaluation budget first. */
  profiles: { budget: number; rows: FailureRow[] }[];
  /** Sample completions worth reading, with a caption each. */
  samples: { caption: string; problem: string; completion: string }[];
}

/** The card as Markdown (the curve is linked as `pretrain_curve.svg` beside it). */
export function baseCardMarkdown(card: BaseCard): string {
  const c = card.config;
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  const headline = card.profiles.map((p) => {
    const all = p.rows.find((r) => r.level === "all")!;
    return `- budget **${p.budget}** tokens: pass@1 **${pct(all.pass1)}**, format ${
      pct(all.format)
    }, truncated ${pct(all.truncation)}; of the failures ${pct(all.truncated)} truncated, ${
      pct(all.unboxed)
    } unboxed, ${pct(all.wrong)} wrong.`;
  });
  return [
    `# Base model \`${card.name}\``,
    "",
    card.description,
    "",
    "| parameters | layers | hidden | heads (KV) | MLP | context | vocabulary |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    `| ${
      card.parameters.toLocaleString("en-US")
    } | ${c.num_hidden_layers} | ${c.hidden_size} | ${c.num_attention_heads} (${c.num_key_value_heads}) | ${c.intermediate_size} | ${c.max_position_embeddings} | ${c.vocab_size} chars |`,
    "",
    "## Failure profile",
    "",
    `MiniMath-500 (${card.evaluation.problems} problems × ${card.evaluation.samples} samples, ` +
    `temperature ${card.evaluation.temperature}, top-p ${card.evaluation.topP}, seed ${card.evaluation.seed}), ` +
    "measured by `deno task base-card`:",
    "",
    ...headline,
    "",
    ...card.profiles.flatMap((p) => [failureProfileMarkdown(p.rows, p.budget), ""]),
    "A failure is *truncated* when the budget ran out before an answer, *unboxed* when the " +
    "completion finished without a boxed answer, *wrong* when the boxed answer is not the gold one.",
    "",
    "## Pretraining",
    "",
    `${card.pretrain.steps} steps in ${(card.pretrain.seconds / 60).toFixed(0)} min ` +
    legsText(card.pretrain.legs) +
    `(final loss ${card.pretrain.finalLoss.toFixed(3)} nats/token); the recipe is ` +
    "`pretrain.json`, the curve `pretrain_log.jsonl`:",
    "",
    "```sh",
    ...card.commands,
    "```",
    "",
    "![Pretraining loss](pretrain_curve.svg)",
    "",
    "## Sample completions (evaluation budget)",
    "",
    ...card.samples.flatMap((s) => [
      `**${s.caption}** — ${s.problem}`,
      "",
      "```text",
      s.completion,
      "```",
      "",
    ]),
  ].join("\n");
}

/** ` (3 legs: 3000 steps in 19 min, …)` for a multi-leg checkpoint, else nothing. */
function legsText(legs: { dir: string; steps: number; minutes: number }[] | undefined): string {
  if (!legs || legs.length < 2) return "";
  return `on 2 cores (${legs.length} legs: ${
    legs.map((l) => `\`${l.dir}\` ${l.steps} steps, ${l.minutes} min`).join("; ")
  }) `;
}
