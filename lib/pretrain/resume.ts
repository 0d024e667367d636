/**
 * Resumable pretraining: a checkpoint folder `<out>/resume/` holding everything a stopped run
 * needs to continue exactly where it was — the weights, the AdamW state (step count and both
 * moments), the recipe and the curve so far. It is written as a whole into a temporary folder
 * and renamed into place, so a run killed while saving keeps the previous checkpoint.
 *
 * @module
 */
import { join } from "node:path";
import type { Qwen2Model } from "../model/qwen2.ts";
import { type NamedTensor, SafetensorsReader, writeSafetensors } from "../model/safetensors.ts";
import { saveCheckpoint } from "../model/checkpoint.ts";
import type { CharTokenizer } from "../model/tokenizer.ts";
import type { AdamW, AdamWState } from "../train/adamw.ts";
import { writeTextAtomicSync } from "../io/atomic.ts";
import type { PretrainConfig } from "./pretrain.ts";

/** The folder of a run's resume checkpoint. */
export function resumeDir(out: string): string {
  return join(out, "resume");
}

/** What a resume checkpoint holds besides the weights. */
export interface ResumeState {
  /** Steps done. */
  step: number;
  /** The run's recipe (a resumed run keeps it). */
  config: PretrainConfig;
  /** The checkpoint the run started from (`null`: a fresh init). */
  init: string | null;
  /** The last step of the init checkpoint's curve (this run's steps are logged after it). */
  offset: number;
  /** Seconds of training so far. */
  seconds: number;
  /** The curve so far, one JSON line per step (earlier legs included). */
  log: string[];
}

/**
 * Saves a resume checkpoint of `model` and `optimizer` after `state.step` steps into
 * `<out>/resume/`, replacing the previous one only once the new one is complete.
 */
export function saveResume(
  out: string,
  model: Qwen2Model,
  tokenizer: CharTokenizer,
  optimizer: AdamW,
  state: ResumeState,
): void {
  const dir = resumeDir(out);
  const tmp = `${dir}.${Deno.pid}.tmp`;
  try {
    Deno.removeSync(tmp, { recursive: true });
  } catch { /* no leftover from an earlier kill */ }
  saveCheckpoint(tmp, model, tokenizer);
  const opt = optimizer.state();
  const tensors = new Map<string, NamedTensor>(opt.moments);
  writeSafetensors(join(tmp, "optimizer.safetensors"), tensors, { t: String(opt.t) });
  writeTextAtomicSync(join(tmp, "pretrain_log.jsonl"), state.log.join("\n") + "\n");
  const { log: _log, ...rest } = state;
  writeTextAtomicSync(join(tmp, "state.json"), JSON.stringify(rest, null, 2) + "\n");
  const old = `${dir}.${Deno.pid}.old`;
  let hadOld = false;
  try {
    Deno.renameSync(dir, old);
    hadOld = true;
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  Deno.renameSync(tmp, dir);
  if (hadOld) Deno.removeSync(old, { recursive: true });
}

/**
 * Reads the resume checkpoint of `<out>/resume/`: its state and the optimizer state (the
 * weights load with `loadCheckpoint(resumeDir(out))`). One-line errors name the file.
 */
export function loadResume(out: string): ResumeState & { optimizer: AdamWState } {
  const dir = resumeDir(out);
  const statePath = join(dir, "state.json");
  let state: Omit<ResumeState, "log">;
  try {
    state = JSON.parse(Deno.readTextFileSync(statePath));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new Error(`${statePath}: missing file (no resume checkpoint in ${out})`);
    }
    throw new Error(`${statePath}: ${(e as Error).message}`);
  }
  if (!Number.isInteger(state.step) || state.step < 0) {
    throw new Error(`${statePath}: field "step": expected a step count`);
  }
  if (typeof state.config !== "object" || state.config === null) {
    throw new Error(`${statePath}: field "config": expected the pretraining recipe`);
  }
  const logPath = join(dir, "pretrain_log.jsonl");
  const log = Deno.readTextFileSync(logPath).split("\n").filter((l) => l.trim() !== "");
  const optPath = join(dir, "optimizer.safetensors");
  const reader = SafetensorsReader.open(optPath);
  try {
    const t = Number(reader.metadata?.t);
    if (!Number.isInteger(t)) throw new Error(`${optPath}: metadata "t": expected a step count`);
    const moments = new Map<string, { shape: number[]; data: Float32Array }>();
    for (const name of reader.names()) {
      const x = reader.read(name);
      moments.set(name, { shape: [...x.shape], data: x.data as Float32Array });
    }
    return { ...state, log, optimizer: { t, moments } };
  } finally {
    reader.close();
  }
}
