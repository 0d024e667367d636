/**
 * Flag parsing for the command-line entry points: `node:util`'s `parseArgs`, failing the way every
 * entry point fails (one line, exit 1) on an unknown flag or a missing value.
 *
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { fail } from "./fail.ts";

/** `parseArgs(config)`, or one line on stderr and exit 1 when the flags do not parse. */
export function parseArgsOrFail<T extends ParseArgsConfig>(
  config: T,
): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (e) {
    fail(e);
  }
}
