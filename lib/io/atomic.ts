/**
 * Atomic file writes: write to a temporary file in the destination directory,
 * then rename it over the destination. A reader (or a crash) never observes a
 * half-written file; the destination holds either the old or the new content.
 *
 * Every writer in the project that produces a whole file (JSON summaries,
 * CSV/Markdown tables, SVG charts, HTML pages, checkpoints' manifests) should go
 * through these helpers. Append-only logs (metrics JSONL) are the exception.
 *
 * @module
 */

import { dirname } from "node:path";

/** Options for {@linkcode writeTextAtomic} and {@linkcode writeBytesAtomic}. */
export interface AtomicWriteOptions {
  /** Create missing parent directories first (default `true`). */
  mkdir?: boolean;
  /** `fsync` the temporary file before the rename (default `false`; slower, crash-durable). */
  fsync?: boolean;
}

/**
 * Write `text` (UTF-8) to `path` atomically (temp file in the same directory + rename).
 *
 * ```ts
 * await writeTextAtomic("results/summary.md", "# Results\n");
 * ```
 */
export async function writeTextAtomic(
  path: string,
  text: string,
  options: AtomicWriteOptions = {},
): Promise<void> {
  await writeBytesAtomic(path, new TextEncoder().encode(text), options);
}

/** Write `bytes` to `path` atomically (temp file in the same directory + rename). */
export async function writeBytesAtomic(
  path: string,
  bytes: Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const dir = dirname(path);
  if (options.mkdir ?? true) await Deno.mkdir(dir, { recursive: true });
  const tmp = tempPathFor(path);
  try {
    const file = await Deno.open(tmp, { write: true, createNew: true });
    try {
      let off = 0;
      while (off < bytes.length) off += await file.write(bytes.subarray(off));
      if (options.fsync) await file.syncData();
    } finally {
      file.close();
    }
    await Deno.rename(tmp, path);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw err;
  }
}

/** Synchronous variant of {@linkcode writeTextAtomic} (for exit handlers and other sync code). */
export function writeTextAtomicSync(
  path: string,
  text: string,
  options: AtomicWriteOptions = {},
): void {
  const bytes = new TextEncoder().encode(text);
  const dir = dirname(path);
  if (options.mkdir ?? true) Deno.mkdirSync(dir, { recursive: true });
  const tmp = tempPathFor(path);
  try {
    const file = Deno.openSync(tmp, { write: true, createNew: true });
    try {
      let off = 0;
      while (off < bytes.length) off += file.writeSync(bytes.subarray(off));
      if (options.fsync) file.syncDataSync();
    } finally {
      file.close();
    }
    Deno.renameSync(tmp, path);
  } catch (err) {
    try {
      Deno.removeSync(tmp);
    } catch { /* temp file may not exist */ }
    throw err;
  }
}

let counter = 0;

/** Unique temp path next to `path` (same directory, so the rename stays on one filesystem). */
function tempPathFor(path: string): string {
  const rand = Math.random().toString(36).slice(2, 8);
  return `${path}.${Deno.pid}.${++counter}.${rand}.tmp`;
}
