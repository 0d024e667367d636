/**
 * Exact symbolic values for the grader: sums of terms `c · √r · i^k · π^a · x^b …` with a BigInt
 * rational `c`, a square-free integer radicand `r`, and integer exponents. Two answers built from
 * rationals, square roots of rationals, π, i and variables with + − × ÷(by a single term) and
 * integer powers have equal canonical forms exactly when they are equal. Anything else throws
 * {@link Unsupported} and the grader falls back to numeric comparison.
 *
 * @module
 */
import type { Node } from "./ast.ts";
import { tick } from "./budget.ts";
import * as Q from "./rational.ts";
import type { Rational } from "./rational.ts";

/** The value is outside the exact algebra (the caller falls back to numbers). */
export class Unsupported extends Error {
  constructor(what: string) {
    super(what);
    this.name = "Unsupported";
  }
}

interface Term {
  c: Rational;
  /** Square-free radicand ≥ 1. */
  r: bigint;
  /** Power of i: 0 or 1. */
  i: 0 | 1;
  /** Atoms (`pi`, `inf`, variables) to non-zero integer exponents, sorted by name. */
  atoms: [string, number][];
}

/** A canonical sum of terms keyed by everything but the coefficient. */
export type Poly = Map<string, Term>;

const MAX_TERMS = 128;
const MAX_PRODUCTS = 2048;

/** Converts an expression node to its exact canonical form, or throws {@link Unsupported}. */
export function toPoly(node: Node): Poly {
  tick();
  switch (node.t) {
    case "num":
      return constant(node.v);
    case "basenum":
      return constant(Q.rat(baseValue(node.digits, node.base)));
    case "var":
      return single({ c: Q.ONE, r: 1n, i: 0, atoms: [["v:" + node.name, 1]] });
    case "const":
      if (node.name === "i") return single({ c: Q.ONE, r: 1n, i: 1, atoms: [] });
      return single({ c: Q.ONE, r: 1n, i: 0, atoms: [[node.name, 1]] });
    case "add": {
      const acc: Poly = new Map();
      for (const { sign, node: n } of node.terms) {
        if (sign !== 1 && sign !== -1) throw new Unsupported("unexpanded ±");
        const p = toPoly(n);
        for (const [k, t] of p) addTermInto(acc, sign === 1 ? t : { ...t, c: Q.neg(t.c) }, k);
        if (acc.size > MAX_TERMS) throw new Unsupported("too many terms");
      }
      return acc;
    }
    case "neg":
      return negPoly(toPoly(node.a));
    case "mul":
      return mulPoly(toPoly(node.a), toPoly(node.b));
    case "div":
      return mulPoly(toPoly(node.a), invPoly(toPoly(node.b)));
    case "pow":
      return powPoly(toPoly(node.a), toPoly(node.b));
    case "root": {
      const n = asRational(toPoly(node.n));
      if (n === null || n.d !== 1n || n.n < 2n || n.n > 12n) throw new Unsupported("root index");
      return rootPoly(toPoly(node.a), Number(n.n));
    }
    case "fact": {
      const a = asRational(toPoly(node.a));
      if (a === null || a.d !== 1n || a.n < 0n || a.n > 300n) throw new Unsupported("factorial");
      let f = 1n;
      for (let k = 2n; k <= a.n; k++) f *= k;
      return constant(Q.rat(f));
    }
    case "func": {
      if (node.name === "abs") {
        const a = asRational(toPoly(node.args[0]));
        if (a === null) throw new Unsupported("abs");
        return constant(a.n < 0n ? Q.neg(a) : a);
      }
      if (node.name === "binom" && node.args.length === 2) {
        const n = asRational(toPoly(node.args[0]));
        const k = asRational(toPoly(node.args[1]));
        if (n === null || k === null || n.d !== 1n || k.d !== 1n || n.n > 2000n || n.n < 0n) {
          throw new Unsupported("binom");
        }
        if (k.n < 0n || k.n > n.n) return constant(Q.ZERO);
        let r = 1n;
        const kk = k.n < n.n - k.n ? k.n : n.n - k.n;
        for (let j = 0n; j < kk; j++) r = (r * (n.n - j)) / (j + 1n);
        return constant(Q.rat(r));
      }
      throw new Unsupported(`function ${node.name}`);
    }
    default:
      throw new Unsupported(node.t);
  }
}

/** `true` when two canonical forms are equal. */
export function polyEqual(a: Poly, b: Poly): boolean {
  if (a.size !== b.size) return false;
  for (const [k, t] of a) {
    const u = b.get(k);
    if (u === undefined || !Q.eq(t.c, u.c)) return false;
  }
  return true;
}

/** The rational value of a constant form (no radicals, i, π or variables), else `null`. */
export function asRational(p: Poly): Rational | null {
  if (p.size === 0) return Q.ZERO;
  if (p.size !== 1) return null;
  const t = p.get(KEY_ONE);
  return t === undefined ? null : t.c;
}

/** Integer value of `digits` written in `base`; throws {@link Unsupported} on a bad digit. */
export function baseValue(digits: string, base: number): bigint {
  let v = 0n;
  const b = BigInt(base);
  for (const ch of digits) {
    const d = parseInt(ch, 36);
    if (Number.isNaN(d) || d >= base) throw new Unsupported("digit out of base");
    v = v * b + BigInt(d);
  }
  return v;
}

const KEY_ONE = keyOf({ c: Q.ONE, r: 1n, i: 0, atoms: [] });

function keyOf(t: Term): string {
  let k = `${t.r}|${t.i}`;
  for (const [name, e] of t.atoms) k += `|${name}^${e}`;
  return k;
}

function constant(c: Rational): Poly {
  return single({ c, r: 1n, i: 0, atoms: [] });
}

function single(t: Term): Poly {
  const p: Poly = new Map();
  if (t.c.n !== 0n) p.set(keyOf(t), t);
  return p;
}

/** Adds one term into `out` in place (dropping it if the coefficient cancels). */
function addTermInto(out: Poly, t: Term, key: string = keyOf(t)): void {
  tick();
  if (t.c.n === 0n) return;
  const u = out.get(key);
  if (u === undefined) out.set(key, t);
  else {
    const c = Q.add(u.c, t.c);
    if (c.n === 0n) out.delete(key);
    else out.set(key, { ...u, c });
  }
}

function negPoly(a: Poly): Poly {
  const out: Poly = new Map();
  for (const [k, t] of a) out.set(k, { ...t, c: Q.neg(t.c) });
  return out;
}

function mulTerm(x: Term, y: Term): Term {
  let c = Q.mul(x.c, y.c);
  const g = Q.gcd(x.r, y.r);
  const r = (x.r / g) * (y.r / g);
  if (g !== 1n) c = Q.mul(c, Q.rat(g));
  let i = x.i + y.i;
  if (i === 2) {
    c = Q.neg(c);
    i = 0;
  }
  return { c, r, i: i as 0 | 1, atoms: mergeAtoms(x.atoms, y.atoms, 1) };
}

function mergeAtoms(a: [string, number][], b: [string, number][], s: number): [string, number][] {
  if (b.length === 0) return a;
  const m = new Map(a);
  for (const [n, e] of b) {
    const v = (m.get(n) ?? 0) + s * e;
    if (v === 0) m.delete(n);
    else m.set(n, v);
    if (Math.abs(v) > 10_000) throw new Unsupported("exponent too large");
  }
  return [...m.entries()].sort((p, q) => (p[0] < q[0] ? -1 : p[0] > q[0] ? 1 : 0));
}

function mulPoly(a: Poly, b: Poly): Poly {
  if (a.size * b.size > MAX_PRODUCTS) throw new Unsupported("product too large");
  tick(a.size * b.size);
  const out: Poly = new Map();
  for (const x of a.values()) {
    for (const y of b.values()) addTermInto(out, mulTerm(x, y));
  }
  if (out.size > MAX_TERMS) throw new Unsupported("too many terms");
  return out;
}

function invPoly(a: Poly): Poly {
  if (a.size !== 1) throw new Unsupported("division by a sum");
  const t = [...a.values()][0];
  // 1/(c √r i π^a) = √r / (c r) · (−i) · π^−a
  let c = Q.div(Q.ONE, Q.mul(t.c, Q.rat(t.r)));
  if (t.i === 1) c = Q.neg(c);
  return single({ c, r: t.r, i: t.i, atoms: t.atoms.map(([n, e]) => [n, -e]) });
}

function powPoly(base: Poly, exp: Poly): Poly {
  const q = asRational(exp);
  if (q === null) throw new Unsupported("symbolic exponent");
  if (q.d === 1n) return powInt(base, q.n);
  if (q.d > 12n) throw new Unsupported("exponent denominator");
  // base^(n/d) = (root_d base)^n
  return powInt(rootPoly(base, Number(q.d)), q.n);
}

function powInt(base: Poly, e: bigint): Poly {
  if (e === 0n) return constant(Q.ONE);
  if (e < 0n) return powInt(invPoly(base), -e);
  if (base.size === 1) {
    const t = [...base.values()][0];
    if (e > 100_000n) throw new Unsupported("exponent too large");
    const n = Number(e);
    // (c √r i^k π^a)^n, computed termwise.
    let c = Q.powInt(t.c, n);
    let r = 1n;
    if (t.r !== 1n) {
      c = Q.mul(c, Q.powInt(Q.rat(t.r), Math.floor(n / 2)));
      if (n % 2 === 1) r = t.r;
    }
    let i: 0 | 1 = 0;
    if (t.i === 1) {
      const m = n % 4;
      if (m === 2 || m === 3) c = Q.neg(c);
      if (m === 1 || m === 3) i = 1;
    }
    return single({ c, r, i, atoms: t.atoms.map(([a, x]) => [a, x * n]) });
  }
  if (e > 64n) throw new Unsupported("power of a sum too large");
  let result = constant(Q.ONE);
  let b = base;
  let k = Number(e);
  while (k > 0) {
    if (k & 1) result = mulPoly(result, b);
    k >>= 1;
    if (k > 0) b = mulPoly(b, b);
  }
  return result;
}

function rootPoly(a: Poly, n: number): Poly {
  const c = asRational(a);
  if (c === null) {
    // Only roots of a single monomial with exponents divisible by n (e.g. √(π²)).
    if (a.size !== 1) throw new Unsupported("root of a sum");
    const t = [...a.values()][0];
    if (t.r !== 1n || t.i !== 0 || t.atoms.some(([, e]) => e % n !== 0)) {
      throw new Unsupported("root of a monomial");
    }
    if (t.atoms.some(([name]) => name.startsWith("v:"))) {
      throw new Unsupported("root of a variable");
    }
    const rc = rootPoly(constant(t.c), n);
    return mulPoly(
      rc,
      single({
        c: Q.ONE,
        r: 1n,
        i: 0,
        atoms: t.atoms.map(([x, e]): [string, number] => [x, e / n]),
      }),
    );
  }
  if (c.n === 0n) return new Map();
  if (n === 2) {
    // √(p/q) = √(p q) / q, then pull out squares; √(−x) = i √x.
    const negative = c.n < 0n;
    const m = (negative ? -c.n : c.n) * c.d;
    const { s, r } = splitSquare(m);
    return single({ c: Q.rat(s, c.d), r, i: negative ? 1 : 0, atoms: [] });
  }
  // Higher roots: only exact ones (∛8 = 2, ∛(−8) = −2).
  const negative = c.n < 0n;
  if (negative && n % 2 === 0) throw new Unsupported("even root of a negative");
  const rn = intRoot(negative ? -c.n : c.n, n);
  const rd = intRoot(c.d, n);
  if (rn === null || rd === null) throw new Unsupported("inexact root");
  return constant(Q.rat(negative ? -rn : rn, rd));
}

const PRIMES: number[] = (() => {
  const out: number[] = [];
  for (let p = 2; p < 2000; p++) {
    if (out.every((q) => q * q > p || p % q !== 0)) out.push(p);
  }
  return out;
})();

/** Writes m = s² · r with r square-free. Throws {@link Unsupported} if that cannot be certain. */
export function splitSquare(m: bigint): { s: bigint; r: bigint } {
  let s = 1n;
  let r = 1n;
  let rest = m;
  for (const pn of PRIMES) {
    const p = BigInt(pn);
    if (p * p > rest) break;
    tick();
    let e = 0;
    while (rest % p === 0n) {
      rest /= p;
      e++;
    }
    if (e >= 2) s *= p ** BigInt(e >> 1);
    if (e & 1) r *= p;
  }
  if (rest === 1n) return { s, r };
  const lim = 2000n;
  if (rest < lim * lim) return { s, r: r * rest };
  const q = isqrt(rest);
  if (q * q === rest) return { s: s * q, r };
  if (rest < lim * lim * lim) return { s, r: r * rest };
  throw new Unsupported("radicand too large to factor");
}

/** Integer square root (floor) of a non-negative BigInt. */
export function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Q.toNumber({ n, d: 1n }))));
  if (n >= 2n ** 52n) {
    for (let k = 0; k < 200; k++) {
      const y = (x + n / x) >> 1n;
      if (y >= x) break;
      x = y;
    }
  }
  while (x * x > n) x--;
  while ((x + 1n) * (x + 1n) <= n) x++;
  return x;
}

function intRoot(m: bigint, n: number): bigint | null {
  if (m < 2n) return m;
  const approx = Math.round(Math.pow(Q.toNumber({ n: m, d: 1n }), 1 / n));
  if (!Number.isFinite(approx)) return null;
  for (const cand of [approx - 1, approx, approx + 1]) {
    if (cand < 0) continue;
    const b = BigInt(cand);
    if (b ** BigInt(n) === m) return b;
  }
  return null;
}
