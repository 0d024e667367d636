/**
 * The grader: are two LaTeX answers the same mathematical answer, as MATH-500 intends?
 *
 * @module
 */
import type { Node, RelOp, Sign } from "./ast.ts";
import { resetBudget, tick } from "./budget.ts";
import { canonicalText, normalizeAnswer } from "./normalize.ts";
import { MAX_PARSE_LENGTH, parseAnswer } from "./parse.ts";
import { baseValue, polyEqual, toPoly, Unsupported } from "./algebra.ts";
import { numericEqual } from "./numeric.ts";

/** Answers longer than this (characters) are only compared as exact (trimmed) strings. */
export const MAX_ANSWER_LENGTH = MAX_PARSE_LENGTH;

/**
 * `true` when `a` and `b` are the same mathematical answer. Symmetric; never throws; bounded work
 * per call.
 *
 * Normalizes presentation (`\dfrac`, `\left`, `\text{}`, units, `^\circ`, `\%`, `\$`, thousands
 * separators, a leading `x =`), then compares exactly: rationals (fractions, decimals, mixed
 * numbers) with BigInt, radicals / π / i / polynomials in a canonical form, tuples and intervals
 * element-wise (brackets must match), sets and comma lists order-insensitively, matrices
 * entry-wise, `\pm` as two values, text case-insensitively. Expressions outside the exact algebra
 * (trig, logs, division by sums) are compared numerically at fixed points.
 *
 * @example
 * ```ts
 * isEquivalent("\\frac{1}{2}", "0.5"); // true
 * isEquivalent("2\\sqrt{3}", "\\sqrt{12}"); // true
 * isEquivalent("(1,2]", "(1,2)"); // false
 * ```
 */
export function isEquivalent(a: string, b: string): boolean {
  try {
    return equivalent(a, b);
  } catch {
    return false;
  }
}

/**
 * Grades a predicted answer against the gold answer; `null`/missing prediction is wrong.
 * Same as {@link isEquivalent} otherwise.
 */
export function gradeAnswer(predicted: string | null | undefined, gold: string): boolean {
  return typeof predicted === "string" && isEquivalent(predicted, gold);
}

function equivalent(a: string, b: string): boolean {
  if (typeof a !== "string" || typeof b !== "string") return false;
  if (a.length > MAX_ANSWER_LENGTH || b.length > MAX_ANSWER_LENGTH) {
    return a.trim() !== "" && a.trim() === b.trim();
  }
  const na = normalizeAnswer(a);
  const nb = normalizeAnswer(b);
  if (na === "" || nb === "") return false;
  if (na === nb) return true;
  if (canonicalText(na) === canonicalText(nb)) return true;
  let pa: Node, pb: Node;
  try {
    pa = parseAnswer(na);
    pb = parseAnswer(nb);
  } catch {
    return false;
  }
  resetBudget();
  return nodesEqual(pa, pb);
}

/** Structural/mathematical equality of two parsed answers. */
function nodesEqual(x: Node, y: Node): boolean {
  tick();
  const xs = collection(x);
  const ys = collection(y);
  if (xs !== null || ys !== null) {
    return multisetEqual(xs ?? [x], ys ?? [y]);
  }
  if (x.t === "rel" || y.t === "rel") return relEqual(x, y);
  if (x.t === "seq" || y.t === "seq") {
    if (x.t !== "seq" || y.t !== "seq") return false;
    return x.open === y.open && x.close === y.close && listEqual(x.items, y.items);
  }
  if (x.t === "union" || y.t === "union") {
    if (x.t !== "union" || y.t !== "union") return false;
    return multisetEqual(x.parts, y.parts);
  }
  if (x.t === "matrix" || y.t === "matrix") {
    if (x.t !== "matrix" || y.t !== "matrix") return false;
    if (x.rows.length !== y.rows.length) return false;
    return x.rows.every((r, i) => listEqual(r, y.rows[i]));
  }
  if (x.t === "basenum" && y.t === "basenum") {
    return x.base === y.base && baseValue(x.digits, x.base) === baseValue(y.digits, y.base);
  }
  if (x.t === "basenum" || y.t === "basenum") {
    // A number in a base only equals a plain number when the base is 10.
    const bn = x.t === "basenum" ? x : y as Extract<Node, { t: "basenum" }>;
    const other = x.t === "basenum" ? y : x;
    return bn.base === 10 && other.t === "num" && other.v.d === 1n &&
      other.v.n === baseValue(bn.digits, 10);
  }
  return scalarEqual(x, y);
}

/** The items of a list / set / ± expression, with ± expanded; `null` for a single value. */
function collection(x: Node): Node[] | null {
  if (x.t === "list" || x.t === "set") return x.items.flatMap(expandPM);
  if (hasPM(x)) return expandPM(x);
  return null;
}

function listEqual(xs: Node[], ys: Node[]): boolean {
  if (xs.length !== ys.length) return false;
  for (let i = 0; i < xs.length; i++) if (!nodesEqual(xs[i], ys[i])) return false;
  return true;
}

function multisetEqual(xs: Node[], ys: Node[]): boolean {
  if (xs.length !== ys.length) return false;
  const used = new Array<boolean>(ys.length).fill(false);
  outer: for (const x of xs) {
    for (let j = 0; j < ys.length; j++) {
      if (!used[j] && nodesEqual(x, ys[j])) {
        used[j] = true;
        continue outer;
      }
    }
    return false;
  }
  return true;
}

const FLIP: Record<RelOp, RelOp> = {
  "=": "=",
  "!=": "!=",
  "<": ">",
  ">": "<",
  "<=": ">=",
  ">=": "<=",
};

function relEqual(x: Node, y: Node): boolean {
  if (x.t !== "rel" || y.t !== "rel") {
    // "x = 5" answers "5": drop a lone variable on the left.
    const r = x.t === "rel" ? x : y as Extract<Node, { t: "rel" }>;
    const other = x.t === "rel" ? y : x;
    if (r.ops.length === 1 && r.ops[0] === "=" && r.sides[0].t === "var") {
      return nodesEqual(r.sides[1], other);
    }
    return false;
  }
  if (x.ops.length !== y.ops.length) return false;
  if (x.ops.length === 1 && x.ops[0] === "=" && y.ops[0] === "=") {
    const [l1, r1] = x.sides;
    const [l2, r2] = y.sides;
    if (nodesEqual(l1, l2) && nodesEqual(r1, r2)) return true;
    if (nodesEqual(l1, r2) && nodesEqual(r1, l2)) return true;
    // Same equation rearranged: l1 − r1 = ±(l2 − r2).
    const d1 = diff(l1, r1);
    return scalarEqual(d1, diff(l2, r2)) || scalarEqual(d1, diff(r2, l2));
  }
  const same = x.ops.every((o, i) => o === y.ops[i]) &&
    x.sides.every((s, i) => nodesEqual(s, y.sides[i]));
  if (same) return true;
  const n = y.sides.length;
  return x.ops.every((o, i) => o === FLIP[y.ops[y.ops.length - 1 - i]]) &&
    x.sides.every((s, i) => nodesEqual(s, y.sides[n - 1 - i]));
}

function diff(a: Node, b: Node): Node {
  return { t: "add", terms: [{ sign: 1, node: a }, { sign: -1, node: b }] };
}

const EXPRESSION = new Set([
  "num",
  "basenum",
  "var",
  "const",
  "add",
  "neg",
  "mul",
  "div",
  "pow",
  "root",
  "fact",
  "func",
]);

function scalarEqual(x: Node, y: Node): boolean {
  if (!isExpression(x) || !isExpression(y)) return false;
  let px, py;
  try {
    px = toPoly(x);
    py = toPoly(y);
  } catch (e) {
    if (!(e instanceof Unsupported)) throw e;
    return numericOk(x, y);
  }
  // Exact forms are canonical: different forms are different values.
  return polyEqual(px, py);
}

function numericOk(x: Node, y: Node): boolean {
  try {
    return numericEqual(x, y);
  } catch (e) {
    if (e instanceof Unsupported) return false;
    throw e;
  }
}

function isExpression(n: Node): boolean {
  if (!EXPRESSION.has(n.t)) return false;
  tick();
  switch (n.t) {
    case "add":
      return n.terms.every((t) => isExpression(t.node));
    case "neg":
      return isExpression(n.a);
    case "mul":
    case "div":
    case "pow":
      return isExpression(n.a) && isExpression(n.b);
    case "root":
      return isExpression(n.a) && isExpression(n.n);
    case "fact":
      return isExpression(n.a);
    case "func":
      return n.args.every(isExpression) && (n.base === undefined || isExpression(n.base));
    default:
      return true;
  }
}

function hasPM(n: Node): boolean {
  switch (n.t) {
    case "add":
      return n.terms.some((t) => t.sign === "pm" || t.sign === "mp" || hasPM(t.node));
    case "neg":
    case "fact":
      return hasPM(n.a);
    case "mul":
    case "div":
    case "pow":
      return hasPM(n.a) || hasPM(n.b);
    case "root":
      return hasPM(n.a);
    case "func":
      return n.args.some(hasPM);
    default:
      return false;
  }
}

/** `a \pm b` → [a + b, a − b] (all ± in one value move together; ∓ opposite). */
function expandPM(n: Node): Node[] {
  if (!hasPM(n)) return [n];
  return [withSign(n, 1), withSign(n, -1)];
}

function withSign(n: Node, s: 1 | -1): Node {
  const fix = (x: Sign): Sign => (x === "pm" ? s : x === "mp" ? (-s as 1 | -1) : x);
  switch (n.t) {
    case "add":
      return {
        t: "add",
        terms: n.terms.map((t) => ({ sign: fix(t.sign), node: withSign(t.node, s) })),
      };
    case "neg":
      return { t: "neg", a: withSign(n.a, s) };
    case "fact":
      return { t: "fact", a: withSign(n.a, s) };
    case "mul":
    case "div":
    case "pow":
      return { t: n.t, a: withSign(n.a, s), b: withSign(n.b, s) };
    case "root":
      return { t: "root", a: withSign(n.a, s), n: n.n };
    case "func":
      return { ...n, args: n.args.map((a) => withSign(a, s)) };
    default:
      return n;
  }
}
