/**
 * Per-step training metrics as JSON Lines: one JSON object per optimizer step,
 * appended and flushed as the run goes, readable while the run is still
 * writing (or after it crashed mid-line).
 *
 * Non-finite numbers, which JSON cannot represent, are written as the strings
 * `"NaN"`, `"Infinity"`, `"-Infinity"` and read back as numbers.
 *
 * @module
 */

/** A metric value. */
export type MetricValue = number | string | boolean | null;

/** One line of the metrics file. `step` is the 1-based optimizer step. */
export interface MetricsRecord {
  step: number;
  [key: string]: MetricValue | undefined;
}

/** Options for {@linkcode MetricsWriter.open}. */
export interface MetricsWriterOptions {
  /** Start a fresh file instead of appending (default `false`: append, e.g. on resume). */
  truncate?: boolean;
  /** `fdatasync` after every line (default `false`; the OS page cache is enough unless the machine dies). */
  fsync?: boolean;
}

/**
 * Append-only metrics JSONL writer. Each {@linkcode MetricsWriter.append} is a
 * single `write` of one complete line, so a crash leaves at most one torn
 * last line; {@linkcode MetricsWriter.open} repairs such a tail before appending.
 *
 * ```ts
 * const w = MetricsWriter.open("results/runs/zero/metrics.jsonl");
 * w.append({ step: 1, reward: 0.25, kl: 0.001 });
 * w.close();
 * ```
 */
export class MetricsWriter {
  readonly path: string;
  #file: Deno.FsFile;
  #fsync: boolean;

  private constructor(path: string, file: Deno.FsFile, fsync: boolean) {
    this.path = path;
    this.#file = file;
    this.#fsync = fsync;
  }

  /** Open (create) `path` for appending, repairing a torn last line first. */
  static open(path: string, options: MetricsWriterOptions = {}): MetricsWriter {
    if (!options.truncate) repairTornTail(path);
    const file = Deno.openSync(path, {
      create: true,
      write: true,
      append: !options.truncate,
      truncate: !!options.truncate,
    });
    return new MetricsWriter(path, file, !!options.fsync);
  }

  /** Append one record as a line and flush it to the OS. */
  append(record: MetricsRecord): void {
    const bytes = new TextEncoder().encode(encodeMetricsLine(record) + "\n");
    let off = 0;
    while (off < bytes.length) off += this.#file.writeSync(bytes.subarray(off));
    if (this.#fsync) this.#file.syncDataSync();
  }

  /** Close the file. */
  close(): void {
    this.#file.close();
  }
}

/** Encode one record as a JSON line (no trailing newline); non-finite numbers become strings. */
export function encodeMetricsLine(record: MetricsRecord): string {
  return JSON.stringify(
    record,
    (_k, v) => typeof v === "number" && !Number.isFinite(v) ? String(v) : v,
  );
}

/** Result of {@linkcode parseMetricsJsonl}. */
export interface ParsedMetrics {
  records: MetricsRecord[];
  /** True if an incomplete last line was dropped. */
  tornTail: boolean;
}

/**
 * Parse JSONL text. Blank lines are ignored; an unparsable LAST line (a write
 * torn by a crash, or still in progress) is dropped and reported; an
 * unparsable line elsewhere throws with its line number.
 */
export function parseMetricsJsonl(text: string): ParsedMetrics {
  const lines = text.split("\n");
  let last = lines.length - 1;
  while (last >= 0 && lines[last].trim() === "") last--;
  const records: MetricsRecord[] = [];
  let tornTail = false;
  for (let i = 0; i <= last; i++) {
    const line = lines[i];
    if (line.trim() === "") continue;
    try {
      records.push(JSON.parse(line, reviveNonFinite));
    } catch (err) {
      if (i === last) {
        tornTail = true;
        break;
      }
      throw new SyntaxError(`metrics JSONL line ${i + 1}: ${(err as Error).message}`);
    }
  }
  return { records, tornTail };
}

/** Read a metrics JSONL file, tolerating a torn last line. A missing file reads as `[]`. */
export async function readMetricsJsonl(path: string): Promise<MetricsRecord[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
  return parseMetricsJsonl(text).records;
}

/**
 * If `path` ends without a newline: truncate the torn last line away, or, if it
 * happens to be complete JSON, just terminate it. Returns what was done.
 */
export function repairTornTail(path: string): "ok" | "truncated" | "terminated" {
  let bytes: Uint8Array;
  try {
    bytes = Deno.readFileSync(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return "ok";
    throw err;
  }
  if (bytes.length === 0 || bytes[bytes.length - 1] === 0x0a) return "ok";
  const cut = bytes.lastIndexOf(0x0a) + 1;
  const tail = new TextDecoder().decode(bytes.subarray(cut));
  try {
    JSON.parse(tail);
    Deno.writeFileSync(path, new Uint8Array([0x0a]), { append: true });
    return "terminated";
  } catch {
    Deno.truncateSync(path, cut);
    return "truncated";
  }
}

function reviveNonFinite(_k: string, v: unknown): unknown {
  if (v === "NaN") return NaN;
  if (v === "Infinity") return Infinity;
  if (v === "-Infinity") return -Infinity;
  return v;
}
