/**
 * An exact checker of the arithmetic written in a worked solution: every whitespace-separated
 * equation made only of numbers, `+ - * /`, parentheses, `\frac{…}{…}` and `\cdot`
 * (`7*8=56.`, `35=4*8+3.`, `\frac{4}{8}+\frac{4}{8}=\frac{8}{8}=1.`) is evaluated with exact
 * rationals, each side against the first. Equations with unknowns or words (`x=12-3=9.`,
 * `gcd(5,15)=5.`) are not checked. Used to test that the pretraining corpus is correct arithmetic
 * except where a slip is meant.
 *
 * @module
 */
import { add, div, eq, mul, neg, rat, type Rational, sub } from "../grade/rational.ts";

/** What {@linkcode checkArithmetic} found: how many equations it checked and the wrong ones. */
export interface ArithmeticCheck {
  checked: number;
  wrong: string[];
}

/** Checks every numeric equation in `text`; see the module doc for what counts. */
export function checkArithmetic(text: string): ArithmeticCheck {
  const out: ArithmeticCheck = { checked: 0, wrong: [] };
  for (const raw of text.replace(/<\/?think>/g, " ").split(/\s+/)) {
    const eqn = raw.replace(/[.,]+$/, "").replace(/^\\boxed\{.*$/, "");
    if (!eqn.includes("=")) continue;
    const bare = eqn.replaceAll("\\frac", "").replaceAll("\\cdot", "");
    if (!/^[0-9+\-*/()={}]+$/.test(bare)) continue;
    const sides = eqn.split("=").map(evaluate);
    if (sides.some((s) => s === null)) continue;
    out.checked++;
    if (!sides.every((s) => eq(s!, sides[0]!))) out.wrong.push(eqn);
  }
  return out;
}

/** The exact value of an expression, or `null` when it does not parse (or divides by 0). */
export function evaluate(expr: string): Rational | null {
  let pos = 0;
  const peek = () => expr[pos];
  const eat = (s: string) => expr.startsWith(s, pos) ? (pos += s.length, true) : false;
  function sum(): Rational | null {
    let v = product();
    while (v && (peek() === "+" || peek() === "-")) {
      const op = expr[pos++];
      const r = product();
      if (!r) return null;
      v = op === "+" ? add(v, r) : sub(v, r);
    }
    return v;
  }
  function product(): Rational | null {
    let v = factor();
    for (;;) {
      if (!v) return null;
      const op = eat("\\cdot") ? "*" : peek() === "*" || peek() === "/" ? expr[pos++] : null;
      if (!op) return v;
      const r = factor();
      if (!r) return null;
      if (op === "/" && r.n === 0n) return null;
      v = op === "*" ? mul(v, r) : div(v, r);
    }
  }
  function factor(): Rational | null {
    if (eat("-")) {
      const f = factor();
      return f && neg(f);
    }
    if (eat("(")) {
      const v = sum();
      return v && eat(")") ? v : null;
    }
    if (eat("\\frac{")) {
      const n = sum();
      if (!n || !eat("}{")) return null;
      const d = sum();
      if (!d || !eat("}") || d.n === 0n) return null;
      return div(n, d);
    }
    const m = /^\d+/.exec(expr.slice(pos));
    if (!m) return null;
    pos += m[0].length;
    return rat(BigInt(m[0]));
  }
  const v = sum();
  return v && pos === expr.length ? v : null;
}
