/**
 * Temporary-file helper for tests.
 *
 * @module
 */

/** Writes `text` to a fresh temp file, runs `fn` on its path, then removes the file. */
export async function withFile<T>(text: string, fn: (path: string) => Promise<T>): Promise<T> {
  const path = await Deno.makeTempFile({ suffix: ".jsonl" });
  try {
    await Deno.writeTextFile(path, text);
    return await fn(path);
  } finally {
    await Deno.remove(path);
  }
}
