/**
 * Reads the backend choice from command-line arguments.
 *
 * @module
 */

/**
 * Returns the value of `--backend NAME` or `--backend=NAME` in `args` (default `Deno.args`),
 * or undefined when absent.
 */
export function backendFromArgs(args: readonly string[] = Deno.args): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg.startsWith("--backend=")) return arg.slice("--backend=".length);
    if (arg === "--backend") {
      const value = args[i + 1];
      if (value === undefined || value.startsWith("--")) {
        throw new Error("--backend needs a value: tensorflow, native, wasm, cpu or auto");
      }
      return value;
    }
  }
  return undefined;
}
