/**
 * Numeric (complex floating-point) evaluation of answer expressions, the grader's fallback when
 * exact algebra does not apply (trig functions, logs, division by sums, nested radicals).
 * Variables are substituted by fixed pseudo-random values at several points.
 *
 * @module
 */
import type { Node } from "./ast.ts";
import { tick } from "./budget.ts";
import { baseValue, Unsupported } from "./algebra.ts";
import { toNumber } from "./rational.ts";
import { hashString, mulberry32 } from "../data/rng.ts";

/** A complex number `[re, im]`. */
export type Complex = [number, number];

/** Number of substitution points used by {@link numericEqual}. */
const POINTS = 3;
const REL_TOL = 1e-9;
const ABS_TOL = 1e-12;

/**
 * `true` when two expressions agree numerically at every substitution point (relative tolerance
 * 1e-9). Non-finite values never compare equal. Throws {@link Unsupported} for non-expressions.
 */
export function numericEqual(a: Node, b: Node): boolean {
  for (let p = 0; p < POINTS; p++) {
    const x = evalNode(a, p);
    const y = evalNode(b, p);
    if (!isFiniteC(x) || !isFiniteC(y)) return false;
    const scale = Math.max(Math.hypot(x[0], x[1]), Math.hypot(y[0], y[1]));
    if (Math.hypot(x[0] - y[0], x[1] - y[1]) > REL_TOL * scale + ABS_TOL) return false;
  }
  return true;
}

/** Evaluates an expression at substitution point `point` (variables get fixed values). */
export function evalNode(n: Node, point: number): Complex {
  tick();
  switch (n.t) {
    case "num":
      return [toNumber(n.v), 0];
    case "basenum":
      return [Number(baseValue(n.digits, n.base)), 0];
    case "var":
      return [varValue(n.name, point), 0];
    case "const":
      if (n.name === "pi") return [Math.PI, 0];
      if (n.name === "i") return [0, 1];
      return [Infinity, 0];
    case "add": {
      let re = 0;
      let im = 0;
      for (const { sign, node } of n.terms) {
        if (sign !== 1 && sign !== -1) throw new Unsupported("unexpanded ±");
        const v = evalNode(node, point);
        re += sign * v[0];
        im += sign * v[1];
      }
      return [re, im];
    }
    case "neg": {
      const v = evalNode(n.a, point);
      return [-v[0], -v[1]];
    }
    case "mul":
      return cmul(evalNode(n.a, point), evalNode(n.b, point));
    case "div":
      return cdiv(evalNode(n.a, point), evalNode(n.b, point));
    case "pow":
      return cpow(evalNode(n.a, point), evalNode(n.b, point));
    case "root": {
      const k = evalNode(n.n, point);
      const a = evalNode(n.a, point);
      if (k[1] !== 0 || k[0] === 0) return [NaN, NaN];
      // Odd roots of negative reals are real (∛−8 = −2), as in LaTeX usage.
      if (a[1] === 0 && a[0] < 0 && Number.isInteger(k[0]) && k[0] % 2 !== 0) {
        return [-Math.pow(-a[0], 1 / k[0]), 0];
      }
      return cpow(a, [1 / k[0], 0]);
    }
    case "fact": {
      const a = real(evalNode(n.a, point));
      if (!Number.isInteger(a) || a < 0 || a > 170) return [NaN, NaN];
      let f = 1;
      for (let k = 2; k <= a; k++) f *= k;
      return [f, 0];
    }
    case "func":
      return evalFunc(n.name, n.args.map((x) => evalNode(x, point)), n.base, point);
    default:
      throw new Unsupported(n.t);
  }
}

function evalFunc(name: string, args: Complex[], base: Node | undefined, point: number): Complex {
  if (name === "abs") return [Math.hypot(args[0][0], args[0][1]), 0];
  const xs = args.map(real);
  const x = xs[0];
  switch (name) {
    case "sin":
      return [Math.sin(x), 0];
    case "cos":
      return [Math.cos(x), 0];
    case "tan":
      return [Math.tan(x), 0];
    case "cot":
      return [1 / Math.tan(x), 0];
    case "sec":
      return [1 / Math.cos(x), 0];
    case "csc":
      return [1 / Math.sin(x), 0];
    case "arcsin":
      return [Math.asin(x), 0];
    case "arccos":
      return [Math.acos(x), 0];
    case "arctan":
      return [Math.atan(x), 0];
    case "sinh":
      return [Math.sinh(x), 0];
    case "cosh":
      return [Math.cosh(x), 0];
    case "tanh":
      return [Math.tanh(x), 0];
    case "exp":
      return [Math.exp(x), 0];
    case "ln":
      return [Math.log(x), 0];
    case "lg":
      return [Math.log10(x), 0];
    case "log": {
      if (base === undefined) return [Math.log10(x), 0];
      return [Math.log(x) / Math.log(real(evalNode(base, point))), 0];
    }
    case "max":
      return [Math.max(...xs), 0];
    case "min":
      return [Math.min(...xs), 0];
    case "gcd":
    case "lcm": {
      if (!xs.every((v) => Number.isSafeInteger(v))) return [NaN, NaN];
      const g = xs.reduce((p, q) => igcd(p, q));
      if (name === "gcd") return [g, 0];
      return [xs.reduce((p, q) => (p === 0 || q === 0 ? 0 : Math.abs(p * q) / igcd(p, q))), 0];
    }
    case "binom": {
      const [nn, k] = xs;
      if (!Number.isInteger(nn) || !Number.isInteger(k) || k < 0 || k > nn || nn > 1000) {
        return [NaN, NaN];
      }
      let r = 1;
      for (let j = 0; j < Math.min(k, nn - k); j++) r = (r * (nn - j)) / (j + 1);
      return [Math.round(r), 0];
    }
  }
  throw new Unsupported(`function ${name}`);
}

/** Value ranges of the substitution points: moderate, small, large (catches both a "+1" lost
 * next to a huge power and a tiny term lost next to a constant). */
const RANGES: [number, number][] = [[0.6, 1.9], [0.1, 0.45], [1.5, 3.5]];

function varValue(name: string, point: number): number {
  if (name === "e") return Math.E;
  const [lo, hi] = RANGES[point % RANGES.length];
  return lo + (hi - lo) * mulberry32(hashString(name) ^ Math.imul(0x5bd1e995, point + 1))();
}

function real(z: Complex): number {
  return Math.abs(z[1]) <= 1e-12 * Math.max(1, Math.abs(z[0])) ? z[0] : NaN;
}

function isFiniteC(z: Complex): boolean {
  return Number.isFinite(z[0]) && Number.isFinite(z[1]);
}

function cmul(a: Complex, b: Complex): Complex {
  if (a[1] === 0 && b[1] === 0) return [a[0] * b[0], 0];
  return [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]];
}

function cdiv(a: Complex, b: Complex): Complex {
  if (a[1] === 0 && b[1] === 0) return [a[0] / b[0], 0];
  const d = b[0] * b[0] + b[1] * b[1];
  return [(a[0] * b[0] + a[1] * b[1]) / d, (a[1] * b[0] - a[0] * b[1]) / d];
}

function cpow(a: Complex, b: Complex): Complex {
  if (b[1] === 0 && Number.isInteger(b[0]) && Math.abs(b[0]) <= 64) {
    let r: Complex = [1, 0];
    let e = Math.abs(b[0]);
    let base = a;
    while (e > 0) {
      if (e & 1) r = cmul(r, base);
      e >>= 1;
      if (e > 0) base = cmul(base, base);
    }
    return b[0] < 0 ? cdiv([1, 0], r) : r;
  }
  if (a[1] === 0 && b[1] === 0 && a[0] >= 0) return [Math.pow(a[0], b[0]), 0];
  if (a[0] === 0 && a[1] === 0) return [0, 0];
  // Principal value: exp(b · log a).
  const logR = Math.log(Math.hypot(a[0], a[1]));
  const th = Math.atan2(a[1], a[0]);
  const re = b[0] * logR - b[1] * th;
  const im = b[0] * th + b[1] * logR;
  const m = Math.exp(re);
  return [m * Math.cos(im), m * Math.sin(im)];
}

function igcd(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b) [a, b] = [b, a % b];
  return a;
}
