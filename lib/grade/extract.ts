/**
 * Answer extraction from model completions: the last `\boxed{…}` (nested braces, `\fbox{…}`,
 * `\boxed 5`), with a fallback for "The answer is …". Linear time.
 *
 * @module
 */
import { matchBrace } from "./normalize.ts";

/**
 * The content of the last `\boxed{…}` / `\fbox{…}` in `text` (nested braces handled), or of a
 * brace-less `\boxed 5` (up to the next whitespace or `$`). `null` when there is none or the last
 * one is unclosed.
 *
 * @example
 * ```ts
 * extractBoxed("so \\boxed{\\frac{1}{2}}."); // "\\frac{1}{2}"
 * ```
 */
export function extractBoxed(text: string): string | null {
  const i = lastCommand(text);
  return i === null ? null : argumentAt(text, i.end);
}

/** All `\boxed{…}` / `\fbox{…}` contents in order of appearance (unclosed ones skipped). */
export function extractAllBoxed(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\\(?:boxed|fbox)(?![a-zA-Z])/g)) {
    const b = argumentAt(text, m.index + m[0].length);
    if (b !== null) out.push(b);
  }
  return out;
}

/** The argument of a `\boxed` command ending at `end`: `{…}` or a brace-less token. */
function argumentAt(text: string, end: number): string | null {
  let k = end;
  while (k < text.length && (text[k] === " " || text[k] === "\t")) k++;
  if (text[k] === "{") {
    const close = matchBrace(text, k);
    return close < 0 ? null : text.slice(k + 1, close).trim();
  }
  let e = k;
  while (e < text.length && !/[\s$]/.test(text[e])) e++;
  const s = text.slice(k, e).replace(/[.,;]+$/, "");
  return s === "" ? null : s;
}

/**
 * The final answer of a completion: the last boxed answer, else the text after the last
 * "answer is" / "answer:" (to the end of its line, `$` and a final period removed). `null` if none.
 */
export function extractAnswer(text: string): string | null {
  const boxed = extractBoxed(text);
  if (boxed !== null) return boxed;
  return extractAnswerIs(text);
}

/** The "The answer is …" fallback alone (see {@link extractAnswer}). */
export function extractAnswerIs(text: string): string | null {
  const lower = text.toLowerCase();
  let best = -1;
  let len = 0;
  for (const key of ["answer is", "answer:"]) {
    const i = lower.lastIndexOf(key);
    if (i > best) {
      best = i;
      len = key.length;
    }
  }
  if (best < 0) return null;
  let rest = text.slice(best + len);
  const nl = rest.indexOf("\n");
  if (nl >= 0) rest = rest.slice(0, nl);
  rest = rest.slice(0, 500);
  rest = rest.replace(/<\/?think>/g, " ").trim();
  rest = rest.replace(/^[:\s]+/, "").replace(/\$/g, "").trim();
  rest = rest.replace(/\.\s*$/, "").trim();
  return rest === "" ? null : rest;
}

function lastCommand(text: string): { start: number; end: number } | null {
  let best: { start: number; end: number } | null = null;
  for (const name of ["\\boxed", "\\fbox"]) {
    let from = text.length;
    while (from >= 0) {
      const i = text.lastIndexOf(name, from);
      if (i < 0) break;
      const end = i + name.length;
      const next = text[end];
      const isCommand = next === undefined || !/[a-zA-Z]/.test(next);
      if (isCommand) {
        if (best === null || i > best.start) best = { start: i, end };
        break;
      }
      from = i - 1;
    }
  }
  return best;
}
