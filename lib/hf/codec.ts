/**
 * The prompt codec of a Hugging Face model: the problem, then the R1 instruction, as the user
 * message of the model's chat template with the generation prompt, tokenized like
 * `apply_chat_template(tokenize=True)` (no extra special tokens beyond what the template writes).
 *
 * @module
 */

import type { Problem } from "../data/problem.ts";
import type { PromptCodec } from "../rl/policy.ts";
import type { HfTokenizer } from "./tokenizer.ts";

/** The DeepSeek-R1 evaluation instruction appended to every problem. */
export const MATH_INSTRUCTION =
  "Please reason step by step, and put your final answer within \\boxed{}.";

/** The user message for `problem`: the statement, a newline, {@linkcode MATH_INSTRUCTION}. */
export function mathUserMessage(problem: Problem, instruction = MATH_INSTRUCTION): string {
  return `${problem.problem}\n${instruction}`;
}

/** Options of {@linkcode hfCodec}. */
export interface HfCodecOptions {
  /** Instruction after the problem (default {@linkcode MATH_INSTRUCTION}). */
  instruction?: string;
  /** Optional system message placed before the user message. */
  system?: string;
}

/**
 * A {@linkcode PromptCodec} over an {@linkcode HfTokenizer}: `encodePrompt` renders the chat
 * template (user message, `add_generation_prompt: true`); a folder without a chat template
 * gets the plain user message. `decode` keeps special tokens other than EOS/padding.
 */
export function hfCodec(tokenizer: HfTokenizer, opts: HfCodecOptions = {}): PromptCodec {
  const promptText = (p: Problem): string => {
    const user = mathUserMessage(p, opts.instruction);
    if (tokenizer.chatTemplate === null) return user;
    const messages = opts.system === undefined
      ? [{ role: "user", content: user }]
      : [{ role: "system", content: opts.system }, { role: "user", content: user }];
    return tokenizer.applyChatTemplate(messages, { addGenerationPrompt: true });
  };
  const drop = new Set([tokenizer.eosId, tokenizer.padId]);
  // R1-style templates open the think block in the generation prompt.
  const opened = /<think>\s*$/.exec(
    promptText({ problem: "", solution: "", answer: "", subject: "", level: 1, unique_id: "" }),
  );
  return {
    ...(opened ? { completionPrefix: opened[0] } : {}),
    encodePrompt: (p) => tokenizer.encode(promptText(p)),
    decode: (ids) => tokenizer.decode(ids.filter((id) => !drop.has(id))),
    encode: (text) => tokenizer.encode(text),
    eosId: tokenizer.eosId,
    padId: tokenizer.padId,
  };
}
