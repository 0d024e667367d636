/**
 * String-level normalization of LaTeX answers before parsing: removes presentation-only markup
 * (`\left`, `\!`, `\dfrac`, `\text{}`, units, `^\circ`, `\%`, `\$`, thousands separators, a leading
 * `x \in`, trailing punctuation). Linear time; regexes have no nested quantifiers.
 *
 * @module
 */

const UNICODE: Record<string, string> = {
  "\u2212": "-", // minus sign
  "\u2013": "-",
  "\u00d7": "\\times ",
  "\u22c5": "\\cdot ",
  "\u00b7": "\\cdot ",
  "\u00f7": "\\div ",
  "\u03c0": "\\pi ",
  "\u221a": "\\sqrt ",
  "\u221e": "\\infty ",
  "\u00b1": "\\pm ",
  "\u2213": "\\mp ",
  "\u2264": "\\le ",
  "\u2265": "\\ge ",
  "\u2260": "\\ne ",
  "\u222a": "\\cup ",
  "\u2229": "\\cap ",
  "\u2208": "\\in ",
  "\u00b0": "",
  "\u00a0": " ",
};
const UNICODE_RE = new RegExp(`[${Object.keys(UNICODE).join("")}]`, "g");

/** Commands whose braced argument is kept as plain text. */
const TEXT_COMMANDS = new Set([
  "text",
  "textbf",
  "textit",
  "textrm",
  "textsf",
  "texttt",
  "textnormal",
  "textup",
  "mbox",
  "hbox",
  "mathrm",
  "mathbf",
  "mathit",
  "mathsf",
  "mathtt",
  "mathnormal",
  "operatorname",
  "boldsymbol",
  "bm",
]);

/** Unit words dropped after a number (`5 cm`, `864 \mbox{ inches}^2`). Lower case. */
const UNITS = new Set(
  (
    "unit units sq square cubic cm mm km meter meters metre metres centimeter centimeters " +
    "millimeter millimeters kilometer kilometers in inch inches ft foot feet yd yard yards mi " +
    "mile miles mph kph degree degrees deg radian radians rad cent cents dollar dollars euro " +
    "euros second seconds sec secs minute minutes min mins hour hours hr hrs day days week weeks " +
    "month months year years gram grams kg kilogram kilograms mg lb lbs pound pounds oz ounce " +
    "ounces ton tons liter liters litre litres ml gallon gallons quart quarts pint pints cup cups " +
    "percent point points people persons students ways times numbers integers digits pages " +
    "calories miles marbles coins"
  ).split(" "),
);

/**
 * Normalizes an answer string: the result is what the parser reads. Never throws.
 *
 * @example
 * ```ts
 * normalizeAnswer("\\$32,\\!348"); // "32348"
 * normalizeAnswer("\\frac{270}7\\text{ degrees}"); // "\\frac{270}7"
 * ```
 */
export function normalizeAnswer(input: string): string {
  let s = input.trim();
  s = unwrapWhole(s);
  s = s.replace(UNICODE_RE, (c) => UNICODE[c] ?? c);
  s = s.replace(/\\\$/g, "").replace(/\$/g, "");
  // Thousands separators written explicitly: 1{,}000, 10,\!080, 1\,000.
  s = s.replace(/(\d)(?:\{,\}|,\\!|\\,)\s*(?=\d\d\d)/g, "$1");
  // Spacing commands (a row break `\\` is kept: its second backslash is not a command).
  s = s.replace(/\\\\|\\[!,;:> ]/g, (m) => (m === "\\\\" ? m : m === "\\!" ? "" : " "));
  s = s.replace(/\\q?quad(?![a-zA-Z])/g, " ").replace(/~/g, " ");
  s = s.replace(
    /\\(?:left|right|bigl|bigr|Bigl|Bigr|biggl|biggr|Biggl|Biggr|big|Big|bigg|Bigg)(?![a-zA-Z])\.?/g,
    "",
  );
  s = s.replace(/\\[dt]frac(?![a-zA-Z])/g, "\\frac").replace(/\\[dt]binom(?![a-zA-Z])/g, "\\binom");
  s = s.replace(/\\(?:displaystyle|textstyle|scriptstyle)(?![a-zA-Z])/g, "");
  // Degrees and percent.
  s = s.replace(
    /\^\s*\{\s*\\circ\s*\}|\^\s*\\circ(?![a-zA-Z])|\\circ(?![a-zA-Z])|\\degree(?![a-zA-Z])/g,
    "",
  );
  s = s.replace(/\\%|%/g, "");
  s = unwrapText(s, 0);
  s = s.replace(/\s+(?:and|or)\s+/g, ", ");
  // A leading "x \in" (answers given as a set membership).
  s = s.replace(/^\s*[a-zA-Z]\s*\\in(?![a-zA-Z])/, "");
  s = stripTrailingUnits(s);
  s = stripTrailingPunctuation(s);
  // Plain thousands separators when the whole answer is one such number: 58,500.
  if (/^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(s)) s = s.replace(/,/g, "");
  return s.replace(/\s+/g, " ").trim();
}

/**
 * A canonical text form for answers compared as plain text: lower case, spaces removed except
 * between two letters/digits, a lone choice letter unwrapped (`(C)` → `c`).
 */
export function canonicalText(normalized: string): string {
  let s = normalized.toLowerCase();
  s = s.replace(/\s+/g, " ");
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === " ") {
      const prev = out[out.length - 1] ?? "";
      const next = s[i + 1] ?? "";
      if (isAlnum(prev) && isAlnum(next)) out += " ";
      continue;
    }
    out += c;
  }
  const m = /^\(([a-z])\)$/.exec(out) ?? /^([a-z])\)$/.exec(out);
  if (m) return m[1];
  return out;
}

/** Index of the `}` matching the `{` at `open`, or -1. */
export function matchBrace(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === "\\") {
      i++; // skip escaped char, e.g. \{ \}
      continue;
    }
    if (c === "{") depth++;
    else if (c === "}") {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** Removes wrappers around the whole answer: `\boxed{…}`, `\fbox{…}`, `$…$`, `\(…\)`, `\[…\]`. */
function unwrapWhole(s: string): string {
  for (let guard = 0; guard < 4; guard++) {
    const t = s.trim();
    let m: RegExpExecArray | null;
    if ((m = /^\\(?:boxed|fbox)\s*\{/.exec(t)) !== null) {
      const open = m[0].length - 1;
      if (matchBrace(t, open) === t.length - 1) {
        s = t.slice(open + 1, -1);
        continue;
      }
    }
    if (t.length >= 2 && t.startsWith("$") && t.endsWith("$") && !t.slice(1, -1).includes("$")) {
      s = t.slice(1, -1);
      continue;
    }
    if (
      t.length >= 4 && ((t.startsWith("\\(") && t.endsWith("\\)")) ||
        (t.startsWith("\\[") && t.endsWith("\\]")))
    ) {
      s = t.slice(2, -2);
      continue;
    }
    return t;
  }
  return s.trim();
}

/**
 * Replaces `\text{…}` and friends by their content. Content that is only words, next to
 * something numeric, is a unit and is dropped (with a following `^2`/`^3`); `and`/`or` become a
 * comma.
 */
function unwrapText(s: string, depth: number): string {
  if (depth > 8 || !s.includes("\\")) return s;
  let out = "";
  let i = 0;
  while (i < s.length) {
    if (s[i] !== "\\") {
      out += s[i++];
      continue;
    }
    let j = i + 1;
    while (j < s.length && isLetter(s[j])) j++;
    const name = s.slice(i + 1, j);
    if (!TEXT_COMMANDS.has(name)) {
      out += s.slice(i, Math.max(j, i + 2));
      i = Math.max(j, i + 2);
      continue;
    }
    let k = j;
    while (k < s.length && s[k] === " ") k++;
    if (s[k] !== "{") {
      i = j; // a text command without braces: drop the command name
      continue;
    }
    const close = matchBrace(s, k);
    if (close < 0) {
      i = j;
      continue;
    }
    const raw = s.slice(k + 1, close);
    const content = unwrapText(raw, depth + 1);
    const word = content.trim();
    let after = close + 1;
    const rest = out + s.slice(after);
    const isWords = /^[A-Za-z][A-Za-z .]*$/.test(word);
    const unitLike = isWords && /\d/.test(rest) &&
      (word.length > 1 || /^\s/.test(raw));
    if (unitLike) {
      const lw = word.toLowerCase();
      if (lw === "and" || lw === "or") out += ", ";
      else {
        const pw = /^\s*\^\s*(?:\{\s*[23]\s*\}|[23])/.exec(s.slice(after));
        if (pw) after += pw[0].length;
        out += " ";
      }
    } else {
      out += content;
    }
    i = after;
  }
  return out;
}

/** Drops unit words at the end (`5 inches`, `10 square feet`, `864 inches^2`) after a number. */
function stripTrailingUnits(s: string): string {
  for (let guard = 0; guard < 4; guard++) {
    let t = s.trimEnd();
    const pw = /\^\s*(?:\{\s*[23]\s*\}|[23])$/.exec(t);
    let end = t.length;
    if (pw) end -= pw[0].length;
    let start = end;
    while (start > 0 && isLetter(t[start - 1])) start--;
    if (start === end) return s;
    const word = t.slice(start, end).toLowerCase();
    const before = t[start - 1] ?? "";
    if (!UNITS.has(word) || !(before === " " || isDigit(before))) return s;
    t = t.slice(0, start).trimEnd();
    if (!/\d/.test(t)) return s;
    s = t;
  }
  return s;
}

function stripTrailingPunctuation(s: string): string {
  let t = s.trim();
  for (let guard = 0; guard < 4; guard++) {
    if (t.endsWith("\\.")) t = t.slice(0, -2).trimEnd();
    else if (/[.,;:]$/.test(t) && !t.endsWith("...")) t = t.slice(0, -1).trimEnd();
    else break;
  }
  return t;
}

function isLetter(c: string | undefined): boolean {
  return c !== undefined && ((c >= "a" && c <= "z") || (c >= "A" && c <= "Z"));
}
function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= "0" && c <= "9";
}
function isAlnum(c: string): boolean {
  return isLetter(c) || isDigit(c);
}
