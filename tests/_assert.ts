/**
 * Minimal assertions (jsr:@std/assert is not reachable here): `assert`, `assertEquals` (deep,
 * via a structural comparison), `assertThrows`, `assertRejects`.
 *
 * @module
 */
import { deepStrictEqual } from "node:assert";

export function assert(cond: unknown, msg = "assertion failed"): asserts cond {
  if (!cond) throw new Error(msg);
}

export function assertEquals<T>(actual: T, expected: T, msg?: string): void {
  try {
    deepStrictEqual(actual, expected);
  } catch (e) {
    throw new Error(`${msg ? msg + ": " : ""}${e instanceof Error ? e.message : e}`);
  }
}

export function assertThrows(
  fn: () => unknown,
  // deno-lint-ignore no-explicit-any
  cls?: new (...args: any[]) => Error,
  includes?: string,
): Error {
  try {
    fn();
  } catch (e) {
    if (cls && !(e instanceof cls)) throw new Error(`expected ${cls.name}, got ${e}`);
    if (includes && !(e as Error).message.includes(includes)) {
      throw new Error(
        `expected message to include ${JSON.stringify(includes)}, got ${(e as Error).message}`,
      );
    }
    return e as Error;
  }
  throw new Error("expected a throw");
}

export async function assertRejects(
  fn: () => Promise<unknown>,
  // deno-lint-ignore no-explicit-any
  cls?: new (...args: any[]) => Error,
  includes?: string,
): Promise<Error> {
  try {
    await fn();
  } catch (e) {
    if (cls && !(e instanceof cls)) throw new Error(`expected ${cls.name}, got ${e}`);
    if (includes && !(e as Error).message.includes(includes)) {
      throw new Error(
        `expected message to include ${JSON.stringify(includes)}, got ${(e as Error).message}`,
      );
    }
    return e as Error;
  }
  throw new Error("expected a rejection");
}

/** `|actual − expected| ≤ tol` (relative to max(1, |expected|)). */
export function assertAlmostEquals(
  actual: number,
  expected: number,
  tol = 1e-7,
  msg?: string,
): void {
  const scale = Math.max(1, Math.abs(expected));
  if (!(Math.abs(actual - expected) <= tol * scale)) {
    throw new Error(`${msg ? msg + ": " : ""}expected ${expected} ± ${tol * scale}, got ${actual}`);
  }
}
