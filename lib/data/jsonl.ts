/**
 * Streaming JSONL reading with one-line, located errors (`FILE:LINE: field …: what is wrong`).
 *
 * @module
 */

/**
 * A bad JSONL line. `message` is exactly one line: `FILE:LINE: field NAME: what is wrong`
 * (or `FILE:LINE: invalid JSON: …` when the line does not parse). CLIs print `message` and exit 1.
 */
export class JsonlError extends Error {
  /** The file (as given by the caller). */
  readonly file: string;
  /** 1-based line number. */
  readonly line: number;
  /** The offending field, when there is one. */
  readonly field?: string;

  constructor(file: string, line: number, what: string, field?: string) {
    const where = `${file}:${line}: `;
    super(oneLine(field === undefined ? where + what : `${where}field ${field}: ${what}`));
    this.name = "JsonlError";
    this.file = file;
    this.line = line;
    this.field = field;
  }
}

/** One parsed JSONL line. */
export interface JsonlRecord {
  /** 1-based line number in the file. */
  line: number;
  /** The parsed JSON value. */
  value: unknown;
}

/**
 * Streams the JSON values of a JSONL file line by line (blank lines are skipped). Invalid JSON
 * throws a {@link JsonlError}. `file` is a path; `"-"` reads standard input.
 */
export async function* readJsonl(file: string): AsyncGenerator<JsonlRecord> {
  for await (const { line, text } of readLines(file)) {
    if (text.trim() === "") continue;
    yield { line, value: parseJsonLine(text, file, line) };
  }
}

/** Parses JSONL held in memory (same rules as {@link readJsonl}); `file` names it in errors. */
export function parseJsonl(text: string, file = "<string>"): JsonlRecord[] {
  const out: JsonlRecord[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i].endsWith("\r") ? lines[i].slice(0, -1) : lines[i];
    if (t.trim() === "") continue;
    out.push({ line: i + 1, value: parseJsonLine(t, file, i + 1) });
  }
  return out;
}

/** Serializes records as JSONL (one `JSON.stringify` per line, trailing newline). */
export function toJsonl(records: Iterable<unknown>): string {
  let s = "";
  for (const r of records) s += JSON.stringify(r) + "\n";
  return s;
}

/**
 * Streams the lines of a file (`"-"` = stdin) without loading it whole. Line numbers are 1-based;
 * `\r\n` endings are handled.
 */
export async function* readLines(file: string): AsyncGenerator<{ line: number; text: string }> {
  const readable = file === "-" ? Deno.stdin.readable : (await Deno.open(file)).readable;
  const decoder = new TextDecoder();
  let buf = "";
  let line = 0;
  for await (const chunk of readable) {
    buf += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = buf.indexOf("\n")) >= 0) {
      let text = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (text.endsWith("\r")) text = text.slice(0, -1);
      yield { line: ++line, text };
    }
  }
  buf += decoder.decode();
  if (buf.length > 0) {
    yield { line: ++line, text: buf.endsWith("\r") ? buf.slice(0, -1) : buf };
  }
}

function parseJsonLine(text: string, file: string, line: number): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new JsonlError(file, line, `invalid JSON: ${e instanceof Error ? e.message : e}`);
  }
}

function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, " ");
}
