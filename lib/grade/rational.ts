/**
 * Exact rational numbers over BigInt, used by the grader to compare numbers exactly.
 *
 * @module
 */

/** A rational number `n/d` in lowest terms with `d > 0`. */
export interface Rational {
  readonly n: bigint;
  readonly d: bigint;
}

/** Largest magnitude (in bits) the grader lets a numerator or denominator grow to. */
export const MAX_BITS = 4096;

/** Thrown when exact arithmetic would exceed the work budget; callers fall back. */
export class BudgetError extends Error {
  constructor(what: string) {
    super(`budget exceeded: ${what}`);
    this.name = "BudgetError";
  }
}

export const ZERO: Rational = { n: 0n, d: 1n };
export const ONE: Rational = { n: 1n, d: 1n };

/** The rational `n/d` in lowest terms. Throws `RangeError` when `d` is 0. */
export function rat(n: bigint | number, d: bigint | number = 1n): Rational {
  let nn = BigInt(n);
  let dd = BigInt(d);
  if (dd === 0n) throw new RangeError("division by zero");
  if (dd < 0n) {
    nn = -nn;
    dd = -dd;
  }
  const g = gcd(nn < 0n ? -nn : nn, dd);
  if (g > 1n) {
    nn /= g;
    dd /= g;
  }
  checkSize(nn);
  checkSize(dd);
  return { n: nn, d: dd };
}

/** Greatest common divisor of two non-negative BigInts. */
export function gcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  if (b < 0n) b = -b;
  while (b !== 0n) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

export function add(a: Rational, b: Rational): Rational {
  return a.d === b.d ? rat(a.n + b.n, a.d) : rat(a.n * b.d + b.n * a.d, a.d * b.d);
}
export function sub(a: Rational, b: Rational): Rational {
  return add(a, neg(b));
}
export function mul(a: Rational, b: Rational): Rational {
  return rat(a.n * b.n, a.d * b.d);
}
export function div(a: Rational, b: Rational): Rational {
  if (b.n === 0n) throw new RangeError("division by zero");
  return rat(a.n * b.d, a.d * b.n);
}
export function neg(a: Rational): Rational {
  return { n: -a.n, d: a.d };
}
export function eq(a: Rational, b: Rational): boolean {
  return a.n === b.n && a.d === b.d;
}
export function isZero(a: Rational): boolean {
  return a.n === 0n;
}
export function isInteger(a: Rational): boolean {
  return a.d === 1n;
}
/** Compares two rationals: negative, zero or positive. */
export function cmp(a: Rational, b: Rational): number {
  const x = a.n * b.d - b.n * a.d;
  return x < 0n ? -1 : x > 0n ? 1 : 0;
}

/** `a^e` for an integer exponent (bounded: the result must stay under {@link MAX_BITS}). */
export function powInt(a: Rational, e: number): Rational {
  if (!Number.isInteger(e)) throw new RangeError("non-integer exponent");
  if (e < 0) {
    if (a.n === 0n) throw new RangeError("division by zero");
    return powInt(rat(a.d, a.n), -e);
  }
  const bits = Math.max(bitLength(a.n), bitLength(a.d));
  if (bits > 1 && bits * e > MAX_BITS) throw new BudgetError("power too large");
  if (bits <= 1 && e > 1e6) {
    // |a| is 0 or 1 (or 1/1); the result is cheap to state.
    const sign = a.n < 0n && e % 2 === 1 ? -1n : 1n;
    return a.n === 0n ? ZERO : rat(sign * (a.n < 0n ? -a.n : a.n), a.d);
  }
  return { n: a.n ** BigInt(e), d: a.d ** BigInt(e) };
}

/**
 * Parses a plain decimal literal (`12`, `-3.5`, `.25`, `7.`) exactly. Returns `null` for anything
 * else. Digits are capped at 400.
 */
export function parseDecimal(s: string): Rational | null {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(s);
  if (m === null) return null;
  const [, sign, int, frac = ""] = m;
  if (int === "" && frac === "") return null;
  if (int.length + frac.length > 400) throw new BudgetError("too many digits");
  const n = BigInt((int || "0") + frac) * (sign === "-" ? -1n : 1n);
  return rat(n, 10n ** BigInt(frac.length));
}

/** A float approximation (may lose precision for huge values). */
export function toNumber(a: Rational): number {
  const bn = bitLength(a.n);
  const bd = bitLength(a.d);
  if (bn < 1000 && bd < 1000) return Number(a.n) / Number(a.d);
  // Scale both down to keep the ratio representable.
  const shift = BigInt(Math.max(0, Math.max(bn, bd) - 900));
  const n = Number(a.n >> shift);
  const d = Number(a.d >> shift);
  return d === 0 ? (a.n < 0n ? -Infinity : Infinity) : n / d;
}

/** `n/d` as a string, e.g. `-3/4`, `5`. */
export function toString(a: Rational): string {
  return a.d === 1n ? a.n.toString() : `${a.n}/${a.d}`;
}

/** Number of bits of |x|. */
export function bitLength(x: bigint): number {
  if (x < 0n) x = -x;
  if (x < 0x20000000000000n) return x === 0n ? 0 : Math.floor(Math.log2(Number(x))) + 1;
  return x.toString(16).length * 4;
}

function checkSize(x: bigint): void {
  if (x > 0xffffffffffffffffn || x < -0xffffffffffffffffn) {
    if (bitLength(x) > MAX_BITS) throw new BudgetError("number too large");
  }
}
