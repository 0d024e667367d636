/**
 * SHA-256 content hashes (lowercase hex) of files, read in chunks so that a multi-gigabyte weight
 * file is never held in memory, and of text.
 *
 * @module
 */
import { createHash } from "node:crypto";

/** The sha256 of the file at `path`, streamed in 4 MiB chunks. */
export function sha256File(path: string): string {
  const hash = createHash("sha256");
  const file = Deno.openSync(path, { read: true });
  try {
    const buf = new Uint8Array(4 << 20);
    for (;;) {
      const n = file.readSync(buf);
      if (n === null) break;
      hash.update(buf.subarray(0, n));
    }
  } finally {
    file.close();
  }
  return hash.digest("hex");
}

/** The sha256 of `text` encoded as UTF-8. */
export function sha256Text(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}
