/**
 * `deno task forward --model DIR --ids 1,2,3` — loads a model folder and prints the logits of
 * the last position as one JSON array on stdout.
 *
 *   deno task forward --model DIR (--ids 1,2,3 | --text STR) [--backend NAME]
 *
 * `--text` encodes STR with the folder's tokenizer (no special tokens added). Bad input prints
 * one line on stderr and exits 1.
 *
 * @module
 */
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../lib/backend/mod.ts";
import { fail } from "../lib/cli/fail.ts";
import { join } from "node:path";
import { backendMemoryProblem, loadHfConfig, loadModel } from "../lib/hf/mod.ts";

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
  const backend = await initBackend({ backend: values.backend, quiet: true });
  const problem = backendMemoryProblem(
    loadHfConfig(join(values.model, "config.json")),
    backend.name,
  );
  if (problem) throw new Error(`${values.model}: ${problem}`);
  const loaded = loadModel(values.model);
  try {
    const V = loaded.config.vocab_size;
    const ids = values.ids !== undefined
      ? parseIds(values.ids, V)
      : loaded.codec.encode(values.text!);
    if (ids.length === 0) throw new Error("--text: encodes to no tokens");
    if (ids.length > loaded.config.max_position_embeddings) {
      throw new Error(
        `${ids.length} ids exceed max_position_embeddings ${loaded.config.max_position_embeddings}`,
      );
    }
    const logits = tf.tidy(() => {
      const x = tf.tensor2d(ids, [1, ids.length], "int32");
      return loaded.model.forward(x, { lastOnly: true });
    });
    const data = (await logits.data()) as Float32Array;
    logits.dispose();
    out(JSON.stringify(Array.from(data)));
    return data;
  } finally {
    loaded.model.dispose();
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
