/**
 * Chooses the tfjs backend once per process from the ladder tensorflow → native → wasm → cpu.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import { backendFromArgs } from "./args.ts";
import type { Attempt } from "./attempt.ts";
import { initCpu } from "./cpu.ts";
import { registerAllGradients } from "./gradients.ts";
import { initNative } from "./native.ts";
import { initTensorflow } from "./tensorflow.ts";
import { initWasm } from "./wasm.ts";

/** The backends, best first. */
export const BACKEND_LADDER = ["tensorflow", "native", "wasm", "cpu"] as const;

/** A backend of the ladder. */
export type BackendName = typeof BACKEND_LADDER[number];

/** The active backend and why it was chosen. */
export interface BackendInfo {
  /** tfjs backend name, equal to `tf.getBackend()`. */
  name: BackendName;
  /** What runs where, and why better backends were skipped. */
  reason: string;
}

/** Options of {@linkcode initBackend}. */
export interface InitBackendOptions {
  /** A ladder name or `auto`; default: `--backend` in `Deno.args`, then `$SSR1_BACKEND`. */
  backend?: string;
  /** Do not print the one-line report (to stderr). */
  quiet?: boolean;
}

/**
 * Starts the requested backend (failing with the reason when it is unavailable), or else the
 * best available one, and prints one line saying which and why. Also registers tfjs-core's
 * gradients (see `registerAllGradients`). Idempotent: later calls return
 * the active backend unless they explicitly request a different one, which is then started.
 */
export function initBackend(opts: InitBackendOptions = {}): Promise<BackendInfo> {
  const next = queue.then(() => select(opts));
  queue = next.catch(() => {});
  return next;
}

let queue: Promise<unknown> = Promise.resolve();
let active: BackendInfo | undefined;

const STARTERS: Record<BackendName, () => Promise<Attempt>> = {
  tensorflow: initTensorflow,
  native: initNative,
  wasm: initWasm,
  cpu: initCpu,
};

async function select(opts: InitBackendOptions): Promise<BackendInfo> {
  registerAllGradients();
  const requested = normalise(opts.backend ?? backendFromArgs() ?? readEnv("SSR1_BACKEND"));
  if (active && (requested === "auto" || requested === active.name)) {
    if (tf.getBackend() !== active.name) await tf.setBackend(active.name);
    return active;
  }
  let info: BackendInfo;
  if (requested === "auto") {
    const skipped: string[] = [];
    let found: BackendInfo | undefined;
    for (const name of BACKEND_LADDER) {
      const attempt = await STARTERS[name]();
      if (attempt.ok) {
        const why = skipped.length ? `; skipped ${skipped.join("; ")}` : "";
        found = { name, reason: `${attempt.reason} (best available${why})` };
        break;
      }
      skipped.push(`${name}: ${shortReason(attempt.reason)}`);
    }
    if (!found) throw new Error(`no tfjs backend could start: ${skipped.join("; ")}`);
    info = found;
  } else {
    const attempt = await STARTERS[requested]();
    if (!attempt.ok) {
      if (active) await tf.setBackend(active.name); // a failed start may have switched backends
      throw new Error(`backend "${requested}" was requested but is unavailable: ${attempt.reason}`);
    }
    info = { name: requested, reason: `${attempt.reason} (requested)` };
  }
  active = info;
  if (!opts.quiet) console.error(`backend: ${info.name} — ${info.reason}`);
  return info;
}

function normalise(name: string | undefined): BackendName | "auto" {
  const value = (name ?? "auto").trim().toLowerCase();
  if (value === "" || value === "auto") return "auto";
  if ((BACKEND_LADDER as readonly string[]).includes(value)) return value as BackendName;
  throw new Error(`unknown backend "${name}": choose one of ${BACKEND_LADDER.join(", ")}, auto`);
}

function shortReason(reason: string): string {
  return reason.split(". ")[0];
}

function readEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined;
  }
}
