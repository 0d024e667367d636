/**
 * The optional `tensorflow` backend (libtensorflow through `@tensorflow/tfjs-node-gpu` or
 * `@tensorflow/tfjs-node`). Those packages are not dependencies of this project: they are used
 * only when already installed in `node_modules`, and never fetched on the fly.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import { createRequire } from "node:module";
import type { Attempt } from "./attempt.ts";

/** Packages providing the `tensorflow` backend, best first. */
export const TENSORFLOW_PACKAGES = ["@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"];

/** Loads the first installed tfjs-node package and makes its `tensorflow` backend active. */
export async function initTensorflow(): Promise<Attempt> {
  const require = createRequire(import.meta.url);
  const problems: string[] = [];
  for (const pkg of TENSORFLOW_PACKAGES) {
    try {
      require.resolve(pkg);
    } catch {
      problems.push(`${pkg} not installed`);
      continue;
    }
    try {
      require(pkg); // registers the "tensorflow" backend with the global tfjs engine
      if (await tf.setBackend("tensorflow")) {
        return { ok: true, reason: `libtensorflow via ${pkg}` };
      }
      problems.push(`${pkg} failed to initialise`);
    } catch (e) {
      problems.push(`${pkg} failed to load: ${(e as Error).message.split("\n")[0]}`);
    }
  }
  return {
    ok: false,
    reason: `${problems.join("; ")}. These optional packages need a native addon: add one to ` +
      `deno.json imports and install it with its scripts allowed (e.g. \`deno install ` +
      `--allow-scripts=npm:@tensorflow/tfjs-node\`), or pick --backend native|wasm|cpu`,
  };
}
