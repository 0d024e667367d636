/**
 * Run identity: everything that produced a run of the ablation, recorded in the run's
 * `config.json` and compared field by field before a finished run is reused. It is built from the
 * whole resolved objects (the variant, the preset, the trainer's and the evaluation's settings), so
 * a field added to any of them is covered without touching this file, plus content hashes of the
 * base checkpoint and of the evaluation set. Only what cannot change a result is left out: the
 * variant's description, the preset's seed count, and where the base folder lives.
 *
 * @module
 */
import { join } from "node:path";
import type { Problem } from "../data/problem.ts";
import type { EvalOptions } from "../eval/evaluate.ts";
import { sha256File, sha256Text } from "../io/sha256.ts";
import type { GRPOConfig } from "../rl/grpo_trainer.ts";
import type { Preset, VariantSpec } from "./variants.ts";

/** Evaluation settings of a run: what `evaluate` is given, the progress callback aside. */
export type EvalSettings = Omit<EvalOptions, "onProgress">;

/** What produced a run; compared in this key order, so the first difference named is the first here. */
export interface RunIdentity {
  /** The variant spec without its description. */
  variant: Omit<VariantSpec, "description">;
  seed: number;
  /** The preset without its seed count. */
  preset: Omit<Preset, "seeds">;
  /** The trainer's resolved settings (`null`: the base, not trained). */
  train: GRPOConfig | null;
  /** The evaluation's resolved settings. */
  eval: EvalSettings;
  /** sha256 of each file of the base checkpoint that shapes the model (see {@link checkpointIdentity}). */
  base: Record<string, string>;
  /** The evaluation problems: how many, and the sha256 of their JSON. */
  eval_set: { n: number; sha256: string };
}

/** The resolved parts of a run, from which {@link runIdentity} builds its identity. */
export interface IdentityParts {
  variant: VariantSpec;
  seed: number;
  preset: Preset;
  train: GRPOConfig | null;
  eval: EvalSettings;
  baseDir: string;
  evalProblems: readonly Problem[];
}

/** The identity of a run from its resolved parts. */
export function runIdentity(parts: IdentityParts): RunIdentity {
  const { description: _description, ...variant } = parts.variant;
  const { seeds: _seeds, ...preset } = parts.preset;
  return {
    variant,
    seed: parts.seed,
    preset,
    train: parts.train,
    eval: parts.eval,
    base: checkpointIdentity(parts.baseDir),
    eval_set: evalSetIdentity(parts.evalProblems),
  };
}

/** Files of a checkpoint folder that shape the model: config, weights, tokenizer, chat template. */
const MODEL_FILE =
  /^(config\.json|.*\.safetensors|model\.safetensors\.index\.json|tokenizer.*\.json|chat_template\.jinja)$/;

const checkpointCache = new Map<string, { stamp: string; files: Record<string, string> }>();

/**
 * sha256 of each model file of the checkpoint folder `dir` (config, weights, shard index,
 * tokenizer, chat template), keyed by file name. Cached per folder while no file's size or mtime
 * changes. Throws a one-line error when `dir` holds no `config.json`.
 */
export function checkpointIdentity(dir: string): Record<string, string> {
  let names: string[];
  try {
    names = [...Deno.readDirSync(dir)].filter((e) => e.isFile && MODEL_FILE.test(e.name))
      .map((e) => e.name).sort();
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound ? "no such folder" : (e as Error).message;
    throw new Error(`${dir}: not a checkpoint folder (${why.split("\n")[0]})`);
  }
  if (!names.includes("config.json")) {
    throw new Error(`${join(dir, "config.json")}: missing file (not a checkpoint folder)`);
  }
  const stamp = names.map((n) => {
    const s = Deno.statSync(join(dir, n));
    return `${n}:${s.size}:${s.mtime?.getTime()}`;
  }).join("|");
  const cached = checkpointCache.get(dir);
  if (cached?.stamp === stamp) return { ...cached.files };
  const files = Object.fromEntries(names.map((n) => [n, sha256File(join(dir, n))]));
  checkpointCache.set(dir, { stamp, files });
  return { ...files };
}

/** The evaluation set's identity: its size and the sha256 of the problems' JSON. */
export function evalSetIdentity(problems: readonly Problem[]): { n: number; sha256: string } {
  return { n: problems.length, sha256: sha256Text(JSON.stringify(problems)) };
}
