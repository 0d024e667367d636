/**
 * The one way command-line entry points fail: one line on stderr, exit code 1.
 *
 * @module
 */

/** Print `error`'s message as one line on stderr and exit with code 1. */
export function fail(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`error: ${message.split("\n")[0]}`);
  if (Deno.env.get("SSR1_DEBUG") && error instanceof Error) console.error(error.stack);
  Deno.exit(1);
}
