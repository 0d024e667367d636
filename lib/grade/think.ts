/**
 * Parsing the `<think>…</think>` completion format.
 *
 * @module
 */

/** A completion split at its think block. */
export interface ThinkParse {
  /** The text inside `<think>…</think>`, or `null` when there is no complete block. */
  think: string | null;
  /** Everything after `</think>` (the whole text when there is no complete block). */
  rest: string;
  /**
   * `true` when the completion is exactly: optional whitespace, `<think>`, text without any
   * other think tag, `</think>`, then the rest (no further think tags).
   */
  wellFormed: boolean;
}

const OPEN = "<think>";
const CLOSE = "</think>";

/**
 * Splits a completion into think text and the rest.
 *
 * @example
 * ```ts
 * parseThink("<think>7*8=56.</think>\\boxed{56}");
 * // { think: "7*8=56.", rest: "\\boxed{56}", wellFormed: true }
 * ```
 */
export function parseThink(text: string): ThinkParse {
  const open = text.indexOf(OPEN);
  const close = open < 0 ? -1 : text.indexOf(CLOSE, open + OPEN.length);
  if (open < 0 || close < 0) return { think: null, rest: text, wellFormed: false };
  const think = text.slice(open + OPEN.length, close);
  const rest = text.slice(close + CLOSE.length);
  const wellFormed = text.slice(0, open).trim() === "" &&
    !think.includes(OPEN) && !think.includes(CLOSE) &&
    !rest.includes(OPEN) && !rest.includes(CLOSE);
  return { think, rest, wellFormed };
}
