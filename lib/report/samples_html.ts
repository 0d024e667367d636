/**
 * A standalone HTML page of sample problems and model completions, with the
 * math typeset server-side by KaTeX (no JavaScript in the page).
 *
 * Text is treated as text: only `$…$` (pandoc rules), `$$…$$`, `\(…\)`, `\[…\]` spans and
 * `\boxed{…}` (outside those spans) are rendered as math; everything else is
 * HTML-escaped, so model output can never inject markup.
 *
 * @module
 */

import katex from "katex";
import { Buffer } from "node:buffer";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeTextAtomic } from "../io/atomic.ts";

/** One problem with one completion to show. */
export interface SampleEntry {
  /** Problem statement (may contain `$…$` math). */
  problem: string;
  /** Model completion (raw text, may contain `\boxed{…}`). */
  completion: string;
  /** Gold answer (rendered as math). */
  answer?: string;
  /** Answer extracted from the completion (rendered as math). */
  predicted?: string;
  /** Graded correct? */
  correct?: boolean;
  /** Reward received. */
  reward?: number;
  /** Difficulty level (1..5). */
  level?: number;
  /** Variant that produced the completion. */
  variant?: string;
  /** Seed of that run. */
  seed?: number;
  /** Training step of the checkpoint. */
  step?: number;
  /** Problem id. */
  id?: string;
}

/** Options for {@linkcode renderSamplesHtml}. */
export interface SamplesHtmlOptions {
  /** Page title (default `"Samples"`). */
  title?: string;
  /** Optional paragraph under the title (plain text, escaped). */
  description?: string;
  /**
   * KaTeX fonts: `"embed"` (default: woff2 fonts inlined as data URIs, ~0.4 MB,
   * fully self-contained), `"none"` (no @font-face: system fonts, smallest), or a
   * base URL to load `KaTeX_*.woff2` from.
   */
  fonts?: "embed" | "none" | { baseUrl: string };
}

/**
 * Render a standalone HTML page (KaTeX CSS inlined).
 *
 * ```ts
 * await writeTextAtomic("results/samples.html", await renderSamplesHtml(samples));
 * ```
 */
export async function renderSamplesHtml(
  samples: readonly SampleEntry[],
  options: SamplesHtmlOptions = {},
): Promise<string> {
  const title = options.title ?? "Samples";
  const css = await katexCss(options.fonts ?? "embed");
  const cards = samples.map((s, i) => renderCard(s, i)).join("\n");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${css}</style>
<style>${PAGE_CSS}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${options.description ? `<p class="desc">${escapeHtml(options.description)}</p>\n` : ""}${cards}
</body>
</html>
`;
}

/** Render the page and write it to `path` atomically (e.g. `results/samples.html`). */
export async function writeSamplesHtml(
  path: string,
  samples: readonly SampleEntry[],
  options: SamplesHtmlOptions = {},
): Promise<void> {
  await writeTextAtomic(path, await renderSamplesHtml(samples, options));
}

/** What KaTeX emits: HTML + MathML (default; needs the KaTeX CSS) or MathML only (no CSS needed). */
export type KatexOutput = "htmlAndMathml" | "mathml";

/**
 * Text with math → HTML: math spans typeset by KaTeX (errors shown inline,
 * never thrown), everything else escaped. Newlines are kept (the page styles
 * text blocks with `white-space: pre-wrap`). `output: "mathml"` gives markup
 * that browsers render natively, without the KaTeX stylesheet (notebook outputs).
 */
export function renderMathText(text: string, options: { output?: KatexOutput } = {}): string {
  let out = "";
  let plain = "";
  const flush = () => {
    out += escapeHtml(plain);
    plain = "";
  };
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    if (rest.startsWith("\\$")) {
      plain += "$";
      i += 2;
      continue;
    }
    const span = matchMath(text, i);
    if (span) {
      flush();
      out += renderTex(span.tex, span.display, options.output);
      i = span.end;
      continue;
    }
    plain += text[i];
    i++;
  }
  flush();
  return out;
}

/** Typeset one TeX string with KaTeX (safe options: no `trust`, bounded expansion). */
export function renderTex(
  tex: string,
  display = false,
  output: KatexOutput = "htmlAndMathml",
): string {
  return katex.renderToString(tex, {
    displayMode: display,
    throwOnError: false,
    trust: false,
    strict: "ignore",
    maxSize: 20,
    maxExpand: 200,
    output,
  });
}

/** Escape `& < > " '` for HTML text and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * The KaTeX stylesheet from the installed `katex` package, with fonts embedded
 * as data URIs, dropped, or pointed at `baseUrl`.
 */
export async function katexCss(fonts: SamplesHtmlOptions["fonts"] = "embed"): Promise<string> {
  const cssPath = resolveKatexCss();
  const css = await Deno.readTextFile(cssPath);
  if (fonts === "none") return css.replace(/@font-face\{[^}]*\}/g, "");
  const fontDir = join(dirname(cssPath), "fonts");
  const srcRe =
    /src:url\(fonts\/([\w-]+)\.woff2\) format\("woff2"\)(?:,url\([^)]*\) format\("[^"]*"\))*/g;
  if (typeof fonts === "object") {
    const base = fonts.baseUrl.replace(/\/?$/, "/");
    return css.replace(srcRe, (_m, name) => `src:url(${base}${name}.woff2) format("woff2")`);
  }
  const names = [...new Set([...css.matchAll(srcRe)].map((m) => m[1]))];
  const data = new Map<string, string>();
  await Promise.all(names.map(async (name) => {
    const bytes = await Deno.readFile(join(fontDir, `${name}.woff2`));
    data.set(name, Buffer.from(bytes).toString("base64"));
  }));
  return css.replace(
    srcRe,
    (_m, name) => `src:url(data:font/woff2;base64,${data.get(name)}) format("woff2")`,
  );
}

function resolveKatexCss(): string {
  try {
    const url = import.meta.resolve("katex/dist/katex.min.css");
    if (url.startsWith("file:")) return fileURLToPath(url);
  } catch { /* fall through */ }
  return createRequire(import.meta.url).resolve("katex/dist/katex.min.css");
}

interface MathSpan {
  tex: string;
  display: boolean;
  end: number;
}

/** A math span starting at `i`, or undefined. */
function matchMath(text: string, i: number): MathSpan | undefined {
  const at = (s: string) => text.startsWith(s, i);
  const delimited = (open: string, close: string, display: boolean) => {
    const start = i + open.length;
    const end = findClose(text, start, close);
    if (end < 0) return undefined;
    const tex = text.slice(start, end);
    return tex.trim() === "" ? undefined : { tex, display, end: end + close.length };
  };
  if (at("$$")) return delimited("$$", "$$", true);
  if (at("$")) return inlineDollar(text, i);
  if (at("\\[")) return delimited("\\[", "\\]", true);
  if (at("\\(")) return delimited("\\(", "\\)", false);
  if (at("\\boxed{")) {
    const close = matchBrace(text, i + "\\boxed".length);
    if (close < 0) return undefined;
    return { tex: text.slice(i, close + 1), display: false, end: close + 1 };
  }
  return undefined;
}

/**
 * `$…$` with pandoc's rules, so prices like "$5 and $10" stay text: the opening
 * `$` is followed by a non-space, the closing `$` is preceded by a non-space and
 * not followed by a digit, and the span is on one line.
 */
function inlineDollar(text: string, i: number): MathSpan | undefined {
  const start = i + 1;
  if (start >= text.length || /\s/.test(text[start])) return undefined;
  for (let j = start; j < text.length; j++) {
    const c = text[j];
    if (c === "\n") return undefined;
    if (c === "\\") {
      j++;
      continue;
    }
    if (c === "$") {
      if (j === start || /\s/.test(text[j - 1]) || /\d/.test(text[j + 1] ?? "")) continue;
      return { tex: text.slice(start, j), display: false, end: j + 1 };
    }
  }
  return undefined;
}

/** Index of the next unescaped `close` at or after `from`, or −1. */
function findClose(text: string, from: number, close: string): number {
  for (let j = from; j <= text.length - close.length; j++) {
    if (text[j] === "\\" && close !== "\\]" && close !== "\\)") {
      j++; // skip escaped char (e.g. \$ inside math)
      continue;
    }
    if (text.startsWith(close, j)) return j;
  }
  return -1;
}

/** Index of the `}` matching the `{` at `open`, or −1. */
function matchBrace(text: string, open: number): number {
  let depth = 0;
  for (let j = open; j < text.length; j++) {
    const c = text[j];
    if (c === "\\") {
      j++;
      continue;
    }
    if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return j;
  }
  return -1;
}

function renderCard(s: SampleEntry, index: number): string {
  const meta: string[] = [];
  if (s.id !== undefined) meta.push(`#${escapeHtml(s.id)}`);
  else meta.push(`#${index + 1}`);
  if (s.variant !== undefined) meta.push(escapeHtml(s.variant));
  if (s.seed !== undefined) meta.push(`seed ${s.seed}`);
  if (s.step !== undefined) meta.push(`step ${s.step}`);
  if (s.level !== undefined) meta.push(`level ${s.level}`);
  if (s.reward !== undefined) meta.push(`reward ${Number(s.reward).toFixed(3)}`);
  const verdict = s.correct === undefined
    ? ""
    : s.correct
    ? `<span class="ok">✓ correct</span>`
    : `<span class="bad">✗ wrong</span>`;
  const answers: string[] = [];
  if (s.answer !== undefined) answers.push(`<div><b>Gold:</b> ${renderTex(s.answer)}</div>`);
  if (s.predicted !== undefined) {
    answers.push(`<div><b>Predicted:</b> ${renderTex(s.predicted)}</div>`);
  }
  return `<section class="card${s.correct === undefined ? "" : s.correct ? " correct" : " wrong"}">
<div class="meta">${meta.join(" · ")} ${verdict}</div>
<h2>Problem</h2>
<div class="text">${renderMathText(s.problem)}</div>
<h2>Completion</h2>
<div class="text completion">${renderMathText(s.completion)}</div>
${answers.length ? `<div class="answers">${answers.join("")}</div>` : ""}
</section>`;
}

const PAGE_CSS = `
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#222;background:#fafafa}
h1{font-size:1.6rem}
.desc{color:#555}
.card{background:#fff;border:1px solid #ddd;border-left:4px solid #bbb;border-radius:6px;padding:.8rem 1rem;margin:1rem 0}
.card.correct{border-left-color:#2a9d3a}
.card.wrong{border-left-color:#d33}
.meta{font-size:.85rem;color:#666}
.ok{color:#2a9d3a;font-weight:600}
.bad{color:#d33;font-weight:600}
h2{font-size:.8rem;text-transform:uppercase;letter-spacing:.05em;color:#888;margin:.8rem 0 .2rem}
.text{white-space:pre-wrap;overflow-wrap:anywhere;line-height:1.5}
.completion{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.9rem;background:#f5f5f5;padding:.5rem;border-radius:4px}
.completion .katex{font-size:1.1em}
.answers{display:flex;gap:2rem;margin-top:.6rem}
`;
