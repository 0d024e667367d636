/**
 * A Hugging Face tokenizer (`tokenizer.json` + `tokenizer_config.json`) through
 * `@huggingface/tokenizers`, with its special tokens resolved to ids and its chat template
 * (`chat_template.jinja`, or `chat_template` in `tokenizer_config.json`) rendered by
 * `@huggingface/jinja`, the way `transformers`' `apply_chat_template` does.
 *
 * @module
 */

import { join } from "node:path";
import { Tokenizer } from "@huggingface/tokenizers";
import { Template } from "@huggingface/jinja";
import { firstLine } from "./config.ts";

/** One chat message. */
export interface ChatMessage {
  /** `system`, `user` or `assistant`. */
  role: string;
  /** The text. */
  content: string;
}

/** The special-token strings handed to chat templates (as `transformers` does). */
export interface SpecialTokens {
  bos_token?: string;
  eos_token?: string;
  pad_token?: string;
  unk_token?: string;
}

/** A loaded Hugging Face tokenizer; see module doc. */
export class HfTokenizer {
  /** `tokenizer.json` path (used in errors). */
  readonly path: string;
  /** Special-token strings from `tokenizer_config.json`. */
  readonly specialTokens: SpecialTokens;
  /** End-of-sequence id (`eos_token`, else `config.json`'s `eos_token_id`). */
  readonly eosId: number;
  /** Padding id (`pad_token`, else the EOS id). */
  readonly padId: number;
  /** Beginning-of-sequence id, if the tokenizer has one. */
  readonly bosId: number | null;
  /** One more than the largest id the tokenizer can produce. */
  readonly vocabSize: number;
  /** The chat template source, or `null` when the folder has none. */
  readonly chatTemplate: string | null;
  readonly #tok: Tokenizer;
  readonly #template: Template | null;

  private constructor(
    path: string,
    tok: Tokenizer,
    special: SpecialTokens,
    ids: { eos: number; pad: number; bos: number | null },
    chatTemplate: string | null,
    templatePath: string,
  ) {
    this.path = path;
    this.#tok = tok;
    this.specialTokens = special;
    this.eosId = ids.eos;
    this.padId = ids.pad;
    this.bosId = ids.bos;
    let max = -1;
    for (const id of tok.get_vocab(true).values()) if (id > max) max = id;
    this.vocabSize = max + 1;
    this.chatTemplate = chatTemplate;
    try {
      this.#template = chatTemplate === null ? null : new Template(chatTemplate);
    } catch (err) {
      throw new Error(`${templatePath}: chat template does not parse: ${firstLine(err)}`);
    }
  }

  /**
   * Load `dir/tokenizer.json` and `dir/tokenizer_config.json` (optional), and the chat
   * template. `fallbackEosId` (e.g. `config.json`'s `eos_token_id`) is used when the
   * tokenizer config names no `eos_token`; `tokenizerJson` is `tokenizer.json` already parsed.
   * One-line errors name the file and field.
   */
  static load(
    dir: string,
    fallbackEosId?: number,
    tokenizerJson?: Record<string, unknown>,
  ): HfTokenizer {
    const tokPath = join(dir, "tokenizer.json");
    const cfgPath = join(dir, "tokenizer_config.json");
    const tokJson = tokenizerJson ?? readJsonObject(tokPath, true)!;
    const cfg = readJsonObject(cfgPath, false) ?? {};
    let tok: Tokenizer;
    try {
      tok = new Tokenizer(tokJson, cfg);
    } catch (err) {
      throw new Error(`${tokPath}: unsupported or invalid tokenizer: ${firstLine(err)}`);
    }
    const special: SpecialTokens = {};
    for (const key of ["bos_token", "eos_token", "pad_token", "unk_token"] as const) {
      const s = tokenString(cfg[key], cfgPath, key);
      if (s !== null) special[key] = s;
    }
    const idOf = (key: keyof SpecialTokens): number | null => {
      const s = special[key];
      if (s === undefined) return null;
      const id = tok.token_to_id(s);
      if (id === undefined) {
        throw new Error(`${cfgPath}: field "${key}": ${JSON.stringify(s)} is not in ${tokPath}`);
      }
      return id;
    };
    const eos = idOf("eos_token") ?? fallbackEosId ?? null;
    if (eos === null) {
      throw new Error(
        `${cfgPath}: field "eos_token": missing (and no eos_token_id in config.json)`,
      );
    }
    if (special.eos_token === undefined) {
      const s = tok.id_to_token(eos);
      if (s === undefined) throw new Error(`${tokPath}: eos_token_id ${eos} is not a token`);
      special.eos_token = s;
    }
    const pad = idOf("pad_token") ?? eos;
    const bos = idOf("bos_token");
    idOf("unk_token");
    // The template: chat_template.jinja (newer transformers) wins over tokenizer_config.json.
    const jinjaPath = join(dir, "chat_template.jinja");
    let template: string | null = null, templatePath = cfgPath;
    try {
      template = Deno.readTextFileSync(jinjaPath);
      templatePath = jinjaPath;
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) {
        throw new Error(`${jinjaPath}: unreadable: ${firstLine(err)}`);
      }
      template = chatTemplateOf(cfg.chat_template, cfgPath);
    }
    return new HfTokenizer(tokPath, tok, special, { eos, pad, bos }, template, templatePath);
  }

  /** Ids of `text`, without added special tokens (BOS/EOS come from the chat template). */
  encode(text: string): number[] {
    return this.#tok.encode(text, { add_special_tokens: false }).ids;
  }

  /**
   * Text of `ids`. Ids the tokenizer does not know (the padding rows of a model's larger
   * embedding table) are dropped; special tokens are kept unless `skipSpecial`.
   */
  decode(ids: readonly number[], opts: { skipSpecial?: boolean } = {}): string {
    const known = ids.filter((id) => this.#tok.id_to_token(id) !== undefined);
    if (known.length === 0) return "";
    return this.#tok.decode(known, { skip_special_tokens: opts.skipSpecial ?? false });
  }

  /** Id of a token string, or `undefined`. */
  tokenToId(token: string): number | undefined {
    return this.#tok.token_to_id(token);
  }

  /** Token string of an id, or `undefined`. */
  idToToken(id: number): string | undefined {
    return this.#tok.id_to_token(id);
  }

  /**
   * Render `messages` through the chat template (`add_generation_prompt` default true) with the
   * special-token strings in scope, as `apply_chat_template(tokenize=False)` does.
   */
  applyChatTemplate(messages: ChatMessage[], opts: { addGenerationPrompt?: boolean } = {}): string {
    if (!this.#template) throw new Error(`${this.path}: the model folder has no chat template`);
    return this.#template.render({
      messages,
      add_generation_prompt: opts.addGenerationPrompt ?? true,
      ...this.specialTokens,
    });
  }
}

/** A special token in `tokenizer_config.json`: a string, `{"content": …}` (AddedToken) or null. */
function tokenString(v: unknown, file: string, field: string): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === "string") return v;
  if (
    typeof v === "object" && !Array.isArray(v) &&
    typeof (v as { content?: unknown }).content === "string"
  ) {
    return (v as { content: string }).content;
  }
  throw new Error(`${file}: field "${field}": expected a string or {"content": string}`);
}

/** `chat_template`: a string, or a list of `{name, template}` (the `default` one is used). */
function chatTemplateOf(v: unknown, file: string): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === "string") return v;
  if (Array.isArray(v)) {
    const hit = v.find((t) => t && typeof t === "object" && t.name === "default");
    if (hit && typeof hit.template === "string") return hit.template;
  }
  throw new Error(
    `${file}: field "chat_template": expected a string or a list with a "default" template`,
  );
}

/** Parse a JSON object file; `null` when optional and absent. */
function readJsonObject(path: string, required: boolean): Record<string, unknown> | null {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) {
      throw new Error(`${path}: unreadable: ${firstLine(err)}`);
    }
    if (!required) return null;
    throw new Error(`${path}: missing file`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${path}: invalid JSON: ${firstLine(err)}`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new Error(`${path}: expected a JSON object`);
  }
  return json as Record<string, unknown>;
}
