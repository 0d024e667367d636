/**
 * A character-level tokenizer: one id per character of a fixed alphabet that
 * covers MATH-style LaTeX text, plus the special tokens `<pad>`, `<bos>`,
 * `<eos>` and `<unk>`. Saved as `tokenizer.json` beside the weights:
 *
 * ```json
 * { "type": "char", "version": 1, "tokens": ["<pad>", "<bos>", "<eos>", "<unk>", "\n", " ", "!", …],
 *   "pad_id": 0, "bos_id": 1, "eos_id": 2, "unk_id": 3 }
 * ```
 *
 * @module
 */

/** Names of the special tokens, written in `tokens` at their ids. */
const SPECIALS = ["<pad>", "<bos>", "<eos>", "<unk>"] as const;

/** Options of {@linkcode CharTokenizer.encode}. */
export interface EncodeOptions {
  /** Prepend `<bos>` (default `false`). */
  bos?: boolean;
  /** Append `<eos>` (default `false`). */
  eos?: boolean;
}

/** Options of {@linkcode CharTokenizer.decode}. */
export interface DecodeOptions {
  /**
   * Drop `<pad>`, `<bos>`, `<eos>` (default `true`); when `false` they are
   * rendered by name. `<unk>` always renders as U+FFFD.
   */
  skipSpecial?: boolean;
}

/** Character-level tokenizer over a fixed alphabet. */
export class CharTokenizer {
  /** Token strings by id (specials by name, others one character each). */
  readonly tokens: readonly string[];
  /** Number of ids. */
  readonly vocabSize: number;
  /** Padding id. */
  readonly padId: number;
  /** Beginning-of-sequence id. */
  readonly bosId: number;
  /** End-of-sequence id. */
  readonly eosId: number;
  /** Id of characters outside the alphabet. */
  readonly unkId: number;
  #ascii: Int32Array;
  #other: Map<string, number>;

  /** Build from an explicit token list (specials must be at the given ids). */
  constructor(
    tokens: readonly string[],
    ids: { padId: number; bosId: number; eosId: number; unkId: number },
  ) {
    this.tokens = [...tokens];
    this.vocabSize = tokens.length;
    this.padId = ids.padId;
    this.bosId = ids.bosId;
    this.eosId = ids.eosId;
    this.unkId = ids.unkId;
    this.#ascii = new Int32Array(128).fill(this.unkId);
    this.#other = new Map();
    const specialIds = new Set([this.padId, this.bosId, this.eosId, this.unkId]);
    tokens.forEach((t, id) => {
      if (specialIds.has(id)) return;
      const code = t.codePointAt(0)!;
      if (code < 128) this.#ascii[code] = id;
      else this.#other.set(t, id);
    });
  }

  /**
   * The default alphabet (100 ids): the 4 specials, `\n`, then printable ASCII
   * 32…126 (space, digits, letters, and all of `\{}^_<>/=+-*()[],.:;!?'"|$%&#@~` etc.).
   */
  static default(): CharTokenizer {
    const tokens: string[] = [...SPECIALS, "\n"];
    for (let c = 32; c < 127; c++) tokens.push(String.fromCharCode(c));
    return new CharTokenizer(tokens, { padId: 0, bosId: 1, eosId: 2, unkId: 3 });
  }

  /** Ids of the characters of `s` (unknown characters map to `unkId`). */
  encode(s: string, opts: EncodeOptions = {}): number[] {
    const out: number[] = [];
    if (opts.bos) out.push(this.bosId);
    for (let i = 0; i < s.length; i++) {
      const code = s.charCodeAt(i);
      if (code < 128) {
        out.push(this.#ascii[code]);
        continue;
      }
      // Non-ASCII: take the whole code point (surrogate pairs are one character).
      const cp = s.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      if (cp > 0xffff) i++;
      out.push(this.#other.get(ch) ?? this.unkId);
    }
    if (opts.eos) out.push(this.eosId);
    return out;
  }

  /** The text of `ids` (see {@linkcode DecodeOptions}). Throws on an out-of-range id. */
  decode(ids: readonly number[] | ArrayLike<number>, opts: DecodeOptions = {}): string {
    const skip = opts.skipSpecial ?? true;
    let s = "";
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (!(id >= 0 && id < this.vocabSize && Number.isInteger(id))) {
        throw new Error(`CharTokenizer.decode: id ${id} out of range [0, ${this.vocabSize})`);
      }
      if (id === this.unkId) s += "\uFFFD";
      else if (id === this.padId || id === this.bosId || id === this.eosId) {
        if (!skip) s += this.tokens[id];
      } else s += this.tokens[id];
    }
    return s;
  }

  /** The `tokenizer.json` object. */
  toJSON(): Record<string, unknown> {
    return {
      type: "char",
      version: 1,
      tokens: [...this.tokens],
      pad_id: this.padId,
      bos_id: this.bosId,
      eos_id: this.eosId,
      unk_id: this.unkId,
    };
  }

  /**
   * Parse a `tokenizer.json` object; throws a one-line error naming `file` and
   * the field on any schema violation.
   */
  static fromJSON(json: unknown, file: string): CharTokenizer {
    const fail = (field: string, why: string): never => {
      throw new Error(`${file}: field "${field}": ${why}`);
    };
    if (typeof json !== "object" || json === null || Array.isArray(json)) {
      throw new Error(`${file}: expected a JSON object`);
    }
    const obj = json as Record<string, unknown>;
    const known = ["type", "version", "tokens", "pad_id", "bos_id", "eos_id", "unk_id"];
    for (const key of Object.keys(obj)) if (!known.includes(key)) fail(key, "unknown key");
    for (const key of known) if (!(key in obj)) fail(key, "missing");
    if (obj.type !== "char") fail("type", `expected "char", got ${JSON.stringify(obj.type)}`);
    if (obj.version !== 1) fail("version", `expected 1, got ${JSON.stringify(obj.version)}`);
    const tokens = obj.tokens;
    if (!Array.isArray(tokens) || tokens.some((t) => typeof t !== "string")) {
      return fail("tokens", "expected an array of strings");
    }
    const ids: Record<string, number> = {};
    SPECIALS.forEach((name, k) => {
      const field = ["pad_id", "bos_id", "eos_id", "unk_id"][k];
      const id = obj[field];
      if (typeof id !== "number" || !Number.isInteger(id) || id < 0 || id >= tokens.length) {
        fail(field, `expected an id in [0, ${tokens.length}), got ${JSON.stringify(id)}`);
      }
      if (tokens[id as number] !== name) {
        fail(field, `tokens[${id}] is ${JSON.stringify(tokens[id as number])}, expected "${name}"`);
      }
      ids[field] = id as number;
    });
    const specialIds = new Set(Object.values(ids));
    const seen = new Set<string>();
    tokens.forEach((t: string, id: number) => {
      if (specialIds.has(id)) return;
      if ([...t].length !== 1) {
        fail("tokens", `tokens[${id}] ${JSON.stringify(t)} is not one character`);
      }
      if (seen.has(t)) fail("tokens", `tokens[${id}] ${JSON.stringify(t)} is duplicated`);
      seen.add(t);
    });
    return new CharTokenizer(tokens, {
      padId: ids.pad_id,
      bosId: ids.bos_id,
      eosId: ids.eos_id,
      unkId: ids.unk_id,
    });
  }
}
