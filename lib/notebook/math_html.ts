/**
 * KaTeX-typeset HTML for notebook outputs. Math is emitted as MathML only, which browsers render
 * natively: no stylesheet or fonts have to travel with the notebook, and sanitized (untrusted)
 * outputs still show it.
 *
 * @module
 */
import { escapeHtml, renderMathText, renderTex } from "../report/samples_html.ts";

/** One TeX string typeset by KaTeX (MathML). */
export function texHtml(tex: string, display = false): string {
  return renderTex(tex, display, "mathml");
}

/** Text with `$…$`, `\(…\)`, `\[…\]` and `\boxed{…}` math typeset by KaTeX; the rest escaped. */
export function mathTextHtml(text: string): string {
  return renderMathText(text, { output: "mathml" });
}

// A run of math: numbers, operators, parentheses, one-letter variables, \frac{a}{b}, \cdot.
const MATH_RUN =
  /(?:\\frac\{-?\d+\}\{\d+\}|\\cdot|\\sqrt\{\d+\}|[0-9+\-*/=()^,]|(?<![A-Za-z])[a-z](?![A-Za-z]))+/g;

/**
 * MiniMath text (bare LaTeX such as `4*(2+4)` or `\frac{8}{5}\cdot\frac{7}{10}`, no `$`) with
 * its math runs wrapped in `$…$` and `*` written `\cdot`, ready for {@link mathTextHtml}. A run
 * is math when it holds a digit or a `\frac`; commas and parentheses at its ends stay text.
 *
 * @example
 * ```ts
 * miniMathToTex("What is 4*(2+4)?"); // "What is $4\cdot (2+4)$?"
 * ```
 */
export function miniMathToTex(text: string): string {
  // `\boxed{…}` is typeset as it is; only the text between boxes is searched for math runs.
  return text.split(BOXED).map((part, i) => i % 2 === 1 ? part : mathRuns(part)).join("");
}

const BOXED = /(\\boxed\{(?:[^{}]|\{[^{}]*\})*\})/;

function mathRuns(text: string): string {
  return text.replace(MATH_RUN, (run) => {
    if (!/\d|\\frac|\\sqrt/.test(run)) return run;
    let lead = "";
    let trail = "";
    let core = run;
    // Leave unbalanced parentheses and commas at the ends as text.
    while (/^[,(]/.test(core) && !balanced(core)) [lead, core] = [lead + core[0], core.slice(1)];
    while (/[,)\-=]$/.test(core) && !balanced(core)) {
      [core, trail] = [core.slice(0, -1), core.at(-1) + trail];
    }
    while (/,$/.test(core)) [core, trail] = [core.slice(0, -1), "," + trail];
    if (!/\d|\\frac|\\sqrt/.test(core)) return run;
    return `${lead}$${core.replace(/\*/g, "\\cdot ")}$${trail}`;
  });
}

function balanced(s: string): boolean {
  let depth = 0;
  for (const c of s) {
    if (c === "(") depth++;
    else if (c === ")" && --depth < 0) return false;
  }
  return depth === 0;
}

/** Escaped text in a monospace block that keeps newlines (raw model output). */
export function rawTextHtml(text: string): string {
  return `<pre style="white-space:pre-wrap;overflow-wrap:anywhere;margin:0;font-size:0.85em">${
    escapeHtml(text)
  }</pre>`;
}

/** An HTML table from a header row and rows of ready HTML cells. */
export function htmlTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  caption?: string,
): string {
  const th = header.map((h) => `<th style="text-align:left">${escapeHtml(h)}</th>`).join("");
  const body = rows.map((r) =>
    `<tr>${r.map((c) => `<td style="text-align:left;vertical-align:top">${c}</td>`).join("")}</tr>`
  ).join("\n");
  const cap = caption ? `<caption style="text-align:left">${escapeHtml(caption)}</caption>` : "";
  return `<table>${cap}<thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

export { escapeHtml };
