/**
 * `deno task forward --model DIR --ids 1,2,3` — loads a model folder and prints the logits of
 * the last position as one JSON array on stdout.
 *
 *   deno task forward --model DIR (--ids 1,2,3 | --text STR) [--backend NAME]
 *
 * `--ids` needs only `config.json` and the weights; `--text` encodes STR with the folder's tokenizer
 * (no special tokens added), so it needs `tokenizer.json` and says so when it is missing. Bad input
 * prints one line on stderr and exits 1.
 *
 * @module
 */
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../lib/backend/mod.ts";
import { fail } from "../lib/cli/fail.ts";
import { join } from "node:path";
import { backendMemoryProblem, loadHfConfig, loadModel, loadQwen2Weights } from "../lib/hf/mod.ts";
import type { Qwen2Model } from "../lib/model/qwen2.ts";

const USAGE = "usage: deno task forward --model DIR (--ids 1,2,3 | --text STR) [--backend NAME]";

/** Runs the forward CLI on `args`; returns the logits (also written to `out`). Throws on bad input. */
export async function runForward(
  args: string[],
  out: (line: string) => void = (l) => console.log(l),
): Promise<Float32Array> {
  const { values } = parseArgs({
    args,
    options: {
      model: { type: "string" },
      ids: { type: "string" },
      text: { type: "string" },
      backend: { type: "string" },
    },
  });
  if (!values.model) throw new Error(`--model is required. ${USAGE}`);
  if ((values.ids === undefined) === (values.text === undefined)) {
    throw new Error(`give exactly one of --ids and --text. ${USAGE}`);
  }
  const config = loadHfConfig(join(values.model, "config.json"));
  const ids = values.ids !== undefined ? parseIds(values.ids, config.vocab_size) : null;
  if (ids === null) {
    const tokenizer = join(values.model, "tokenizer.json");
    if (!isFile(tokenizer)) {
      throw new Error(
        `${tokenizer}: missing file (--text needs the folder's tokenizer; --ids works without one)`,
      );
    }
  }
  const backend = await initBackend({ backend: values.backend, quiet: true });
  const problem = backendMemoryProblem(config, backend.name);
  if (problem) throw new Error(`${values.model}: ${problem}`);
  // --ids: config and weights only; --text: the whole folder, tokenizer included.
  let model: Qwen2Model;
  let input: number[];
  if (ids !== null) {
    model = loadQwen2Weights(values.model, config).model;
    input = ids;
  } else {
    const loaded = loadModel(values.model);
    model = loaded.model;
    input = loaded.codec.encode(values.text!);
  }
  try {
    if (input.length === 0) throw new Error("--text: encodes to no tokens");
    if (input.length > config.max_position_embeddings) {
      throw new Error(
        `${input.length} ids exceed max_position_embeddings ${config.max_position_embeddings}`,
      );
    }
    const logits = tf.tidy(() => {
      const x = tf.tensor2d(input, [1, input.length], "int32");
      return model.forward(x, { lastOnly: true });
    });
    const data = (await logits.data()) as Float32Array;
    logits.dispose();
    out(JSON.stringify(Array.from(data)));
    return data;
  } finally {
    model.dispose();
  }
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/** `1,2,3` → ids, each an integer in `[0, vocab)`. */
export function parseIds(text: string, vocab: number): number[] {
  const parts = text.split(",").map((s) => s.trim());
  if (parts.length === 0 || parts.some((s) => s === "")) {
    throw new Error(`--ids: expected comma-separated integers, got ${JSON.stringify(text)}`);
  }
  return parts.map((s, i) => {
    const id = Number(s);
    if (!/^\d+$/.test(s) || !(id < vocab)) {
      throw new Error(`--ids: item ${i + 1} ${JSON.stringify(s)} is not an id in [0, ${vocab})`);
    }
    return id;
  });
}

if (import.meta.main) {
  try {
    await runForward(Deno.args);
  } catch (err) {
    fail(err);
  }
}
