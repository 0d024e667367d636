/**
 * Missing inputs (no base checkpoint yet, no MATH-500 file, no ablation results): notebooks say
 * so clearly, and how to make them, instead of crashing.
 *
 * @module
 */
import { type Displayable, markdown } from "./display.ts";

/** Something a notebook needs that is not there, with a Markdown explanation. */
export interface Missing {
  ok: false;
  /** What is missing and how to make it (Markdown). */
  message: string;
}

const shown = new Set<string>();

/**
 * A Markdown notice (a block quote with a warning sign) for a missing input. The same message
 * shown again (later cells of the same notebook) shortens to a pointer to the first one.
 */
export function notice(message: string): Displayable {
  if (shown.has(message)) return markdown("> ⚠️ _Not available — see the notice above._");
  shown.add(message);
  return markdown(`> ⚠️ ${message.replace(/\n/g, "\n> ")}`);
}

/** Forgets which notices were shown (tests). */
export function resetNotices(): void {
  shown.clear();
}

/** `true` when `x` is a {@link Missing}. */
export function isMissing(x: unknown): x is Missing {
  return typeof x === "object" && x !== null && (x as { ok?: unknown }).ok === false &&
    typeof (x as { message?: unknown }).message === "string";
}
