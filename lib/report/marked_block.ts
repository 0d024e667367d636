/**
 * Generated blocks inside hand-written files: the text between `<!-- NAME:start -->` and
 * `<!-- NAME:end -->` is replaced, everything else is kept as it is.
 *
 * @module
 */

/**
 * `text` with the block `name` replaced by `body`; throws a one-line error naming `file` when
 * the markers are missing or out of order.
 */
export function replaceMarkedBlock(
  text: string,
  name: string,
  body: string,
  file = "<text>",
): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < 0 || j < i) {
    throw new Error(`${file}: no "${start}" … "${end}" block to fill`);
  }
  return `${text.slice(0, i + start.length)}\n${body}\n${text.slice(j)}`;
}
