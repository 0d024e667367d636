/**
 * The base checkpoint for notebooks: loaded when it is there, or a clear notice of what is
 * missing and how to make it — notebooks never crash on a missing checkpoint.
 *
 * @module
 */
import { join } from "node:path";
import { loadCheckpoint } from "../model/checkpoint.ts";
import type { Qwen2Config } from "../model/config.ts";
import { parameterShapes } from "../model/qwen2.ts";
import { charCodec, type Policy } from "../rl/policy.ts";
import { baseModelDir, relativeToRoot } from "./paths.ts";

/** The files a complete checkpoint directory holds. */
export const CHECKPOINT_FILES = ["config.json", "model.safetensors", "tokenizer.json"] as const;

/** A loaded base model, or why there is none. */
export type BaseModel =
  | { ok: true; dir: string; policy: Policy; config: Qwen2Config; parameters: number }
  | { ok: false; dir: string; missing: string[]; message: string };

/**
 * Loads the base checkpoint (default {@link baseModelDir}: `data/bases/<name>`, or `$SSR1_BASE_DIR`).
 * When files are missing or invalid, returns `ok: false` with a Markdown `message` saying so and
 * how to make the checkpoint (`deno task pretrain`).
 */
export function loadBaseModel(dir: string = baseModelDir()): BaseModel {
  const missing = CHECKPOINT_FILES.filter((f) => !exists(join(dir, f)));
  const where = `\`${relativeToRoot(dir)}/\``;
  const howTo = "Make it with `deno task pretrain` (`--out data/bases/<name>`), then re-run this " +
    "notebook.";
  if (missing.length > 0) {
    return {
      ok: false,
      dir,
      missing,
      message: `**The base checkpoint is not there yet**: ${where} lacks ${
        missing.map((f) => `\`${f}\``).join(", ")
      }. ${howTo}`,
    };
  }
  try {
    const { model, tokenizer, config } = loadCheckpoint(dir);
    return {
      ok: true,
      dir,
      policy: { model, codec: charCodec(tokenizer) },
      config,
      parameters: parameterCount(config),
    };
  } catch (e) {
    return {
      ok: false,
      dir,
      missing: [],
      message: `**The base checkpoint in ${where} cannot be loaded**: ${
        (e as Error).message
      }. ${howTo}`,
    };
  }
}

/** Number of parameters of a config (tied embeddings counted once). */
export function parameterCount(config: Qwen2Config): number {
  let n = 0;
  for (const shape of parameterShapes(config).values()) n += shape.reduce((a, b) => a * b, 1);
  return n;
}

function exists(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}
