/**
 * `deno task grade FILE [--summary]` — grades answer pairs.
 *
 * FILE is JSONL (`-` = stdin), one `{"answer": string | null, "gold": string}` per line. Prints
 * one `{"equal": true|false}` per input line, in order (`null` answer = no answer = false).
 * A bad line prints one line `FILE:LINE: field …: what is wrong` to stderr and exits 1, before
 * any output. `--summary` also prints `{"n", "equal", "seconds", "per_second"}` to stderr.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { describe } from "../lib/data/problem.ts";
import { JsonlError, readJsonl } from "../lib/data/jsonl.ts";
import { gradeAnswer } from "../lib/grade/equivalent.ts";

/** I/O used by {@link runGrade} (swappable in tests). */
export interface GradeIO {
  out(line: string): void;
  err(line: string): void;
}

const USAGE =
  "usage: deno task grade FILE [--summary]   (FILE: JSONL of {answer, gold}; - = stdin)";

/** Runs the grade CLI; returns the exit code. */
export async function runGrade(args: string[], io: GradeIO = stdio()): Promise<number> {
  let file: string;
  let summary: boolean;
  try {
    const { values, positionals } = parseArgs({
      args,
      options: { summary: { type: "boolean", default: false }, help: { type: "boolean" } },
      allowPositionals: true,
    });
    if (values.help) {
      io.out(USAGE);
      return 0;
    }
    if (positionals.length !== 1) throw new Error("expected exactly one FILE");
    file = positionals[0];
    summary = values.summary ?? false;
  } catch (e) {
    io.err(`grade: ${e instanceof Error ? e.message : e}. ${USAGE}`);
    return 2;
  }

  const pairs: { answer: string | null; gold: string }[] = [];
  try {
    for await (const { line, value } of readJsonl(file)) pairs.push(toPair(value, file, line));
  } catch (e) {
    io.err(e instanceof JsonlError ? e.message : `${file}: ${e instanceof Error ? e.message : e}`);
    return 1;
  }

  const t0 = performance.now();
  let equal = 0;
  const lines: string[] = [];
  for (const p of pairs) {
    const ok = gradeAnswer(p.answer, p.gold);
    if (ok) equal++;
    lines.push(ok ? '{"equal":true}' : '{"equal":false}');
  }
  const seconds = (performance.now() - t0) / 1000;
  if (lines.length > 0) io.out(lines.join("\n"));
  if (summary) {
    io.err(JSON.stringify({
      n: pairs.length,
      equal,
      seconds: Number(seconds.toFixed(4)),
      per_second: seconds > 0 ? Math.round(pairs.length / seconds) : null,
    }));
  }
  return 0;
}

function toPair(
  value: unknown,
  file: string,
  line: number,
): { answer: string | null; gold: string } {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new JsonlError(file, line, `expected a JSON object, got ${describe(value)}`);
  }
  const v = value as Record<string, unknown>;
  if (!("answer" in v)) throw new JsonlError(file, line, "missing", "answer");
  if (v.answer !== null && typeof v.answer !== "string") {
    throw new JsonlError(
      file,
      line,
      `expected a string or null, got ${describe(v.answer)}`,
      "answer",
    );
  }
  if (!("gold" in v)) throw new JsonlError(file, line, "missing", "gold");
  if (typeof v.gold !== "string") {
    throw new JsonlError(file, line, `expected a string, got ${describe(v.gold)}`, "gold");
  }
  return { answer: v.answer as string | null, gold: v.gold };
}

function stdio(): GradeIO {
  const enc = new TextEncoder();
  return {
    out: (line) => void Deno.stdout.writeSync(enc.encode(line + "\n")),
    err: (line) => void Deno.stderr.writeSync(enc.encode(line + "\n")),
  };
}

if (import.meta.main) Deno.exit(await runGrade(Deno.args));
