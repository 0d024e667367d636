/**
 * A policy: a Qwen2 model plus the codec that turns problems into prompt ids and completion ids
 * back into text. Trainers, evaluation and the ablation work on this pair, so a real Hugging Face
 * checkpoint with its own tokenizer and chat template plugs in where the tiny char model does.
 *
 * @module
 */
import type { Problem } from "../data/problem.ts";
import type { CharTokenizer } from "../model/tokenizer.ts";
import type { Qwen2Model } from "../model/qwen2.ts";

/** Turns a problem into prompt ids and completion ids into text. */
export interface PromptCodec {
  /** Prompt ids for a problem (what the model conditions on). */
  encodePrompt(problem: Problem): number[];
  /** Completion text of generated ids (EOS excluded). */
  decode(ids: number[]): string;
  /** Completion ids of a text (used by pretraining and tests). */
  encode(text: string): number[];
  /** End-of-sequence id. */
  eosId: number;
  /** Padding id. */
  padId: number;
  /**
   * Text the prompt already holds that belongs to the answer's format — e.g. `<think>\n` at the
   * end of DeepSeek-R1's chat template. Rewards and format checks see `completionPrefix +
   * completion`. Default: none.
   */
  completionPrefix?: string;
}

/** The text rewards and format checks judge: the codec's completion prefix, then the completion. */
export function judgedText(codec: PromptCodec, completion: string): string {
  return (codec.completionPrefix ?? "") + completion;
}

/** A model and its codec. */
export interface Policy {
  model: Qwen2Model;
  codec: PromptCodec;
}

/**
 * The prompt of the embedded char-level model: the problem, then a newline. The model answers
 * with `<think>…</think>\boxed{…}` and EOS, as its pretraining corpus taught it.
 */
export function charPromptText(problem: Problem): string {
  return `${problem.problem}\n`;
}

/** The codec of the embedded char-level default: BOS + {@linkcode charPromptText}. */
export function charCodec(tokenizer: CharTokenizer): PromptCodec {
  return {
    encodePrompt: (p) => [tokenizer.bosId, ...tokenizer.encode(charPromptText(p))],
    decode: (ids) => tokenizer.decode(ids),
    encode: (text) => tokenizer.encode(text),
    eosId: tokenizer.eosId,
    padId: tokenizer.padId,
  };
}
