/**
 * The legs of a pretrained checkpoint: a run started with `--init DIR` continues the checkpoint in
 * `DIR`, whose own `pretrain.json` may name an `init` in turn.
 *
 * @module
 */
import { join } from "node:path";

/** One pretraining leg: its folder, steps and wall seconds (from its `pretrain.json`). */
export interface PretrainLeg {
  dir: string;
  steps: number;
  seconds: number;
}

/**
 * The legs that made the checkpoint in `dir`, first leg first, following each `pretrain.json`'s
 * `init` (paths as written, relative to the working directory). Stops at a leg without
 * `pretrain.json` or with no `init`; a cycle is an error.
 */
export function pretrainLegs(dir: string): PretrainLeg[] {
  const legs: PretrainLeg[] = [];
  const seen = new Set<string>();
  let at: string | null = dir;
  while (at !== null) {
    if (seen.has(at)) throw new Error(`${join(at, "pretrain.json")}: field "init" makes a cycle`);
    seen.add(at);
    let recipe: { steps?: unknown; seconds?: unknown; init?: unknown };
    try {
      recipe = JSON.parse(Deno.readTextFileSync(join(at, "pretrain.json")));
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) break;
      throw new Error(`${join(at, "pretrain.json")}: ${(e as Error).message}`);
    }
    legs.unshift({
      dir: at,
      steps: Number(recipe.steps ?? 0),
      seconds: Number(recipe.seconds ?? 0),
    });
    at = typeof recipe.init === "string" ? recipe.init : null;
  }
  return legs;
}
