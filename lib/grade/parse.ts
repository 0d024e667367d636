/**
 * Tokenizer and recursive-descent parser for normalized LaTeX answers: numbers, mixed numbers,
 * `\frac12` shorthand, radicals, π, i, variables, functions, implicit multiplication, `\pm`,
 * tuples / intervals (`(a,b]`), sets `\{…\}`, comma lists, unions `\cup`, matrices, equations and
 * inequalities, numbers in a base (`52_8`). Bounded: input length and nesting depth are capped.
 *
 * @module
 */
import type { Node, RelOp, Sign } from "./ast.ts";
import { parseDecimal } from "./rational.ts";

/** Thrown when an answer does not parse (the grader then compares it as text). */
export class ParseError extends Error {
  constructor(msg: string) {
    super(msg);
    this.name = "ParseError";
  }
}

/** Maximum input length the parser accepts. */
export const MAX_PARSE_LENGTH = 1000;
const MAX_DEPTH = 60;

type Tok =
  | { k: "num"; v: string }
  | { k: "id"; v: string }
  | { k: "word"; v: string }
  | { k: "cmd"; v: string }
  | { k: "op"; v: string };

const FUNCTIONS = new Set([
  "sin",
  "cos",
  "tan",
  "cot",
  "sec",
  "csc",
  "arcsin",
  "arccos",
  "arctan",
  "sinh",
  "cosh",
  "tanh",
  "log",
  "ln",
  "lg",
  "exp",
  "max",
  "min",
  "gcd",
  "lcm",
]);
const GREEK = new Set(
  ("alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu " +
    "xi rho varrho sigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Sigma " +
    "Upsilon Phi Psi Omega").split(" "),
);
const REL_CMDS: Record<string, RelOp> = {
  le: "<=",
  leq: "<=",
  leqslant: "<=",
  ge: ">=",
  geq: ">=",
  geqslant: ">=",
  lt: "<",
  gt: ">",
  ne: "!=",
  neq: "!=",
};

/** Splits a normalized answer into tokens. */
export function tokenize(s: string): Tok[] {
  if (s.length > MAX_PARSE_LENGTH) throw new ParseError("too long");
  const toks: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i++;
    } else if (isDigit(c) || (c === "." && isDigit(s[i + 1]))) {
      let j = i;
      while (j < s.length && isDigit(s[j])) j++;
      if (s[j] === "." && isDigit(s[j + 1])) {
        j++;
        while (j < s.length && isDigit(s[j])) j++;
      }
      toks.push({ k: "num", v: s.slice(i, j) });
      i = j;
    } else if (isLetter(c)) {
      let j = i;
      while (j < s.length && isLetter(s[j])) j++;
      const run = s.slice(i, j);
      if (run.length === 1) toks.push({ k: "id", v: run });
      else if (FUNCTIONS.has(run) || run === "pi" || run === "sqrt") {
        toks.push({ k: "cmd", v: run });
      } else if (run === "inf" || run === "infty" || run === "infinity") {
        toks.push({ k: "cmd", v: "infty" });
      } else if (run.length === 2) {
        toks.push({ k: "id", v: run[0] }, { k: "id", v: run[1] });
      } else toks.push({ k: "word", v: run });
      i = j;
    } else if (c === "\\") {
      const n = s[i + 1];
      if (isLetter(n)) {
        let j = i + 1;
        while (j < s.length && isLetter(s[j])) j++;
        toks.push({ k: "cmd", v: s.slice(i + 1, j) });
        i = j;
      } else if (n === "{" || n === "}") {
        toks.push({ k: "op", v: "\\" + n });
        i += 2;
      } else if (n === "\\") {
        toks.push({ k: "op", v: "\\\\" });
        i += 2;
      } else if (n === "|") {
        toks.push({ k: "op", v: "|" });
        i += 2;
      } else {
        i += n === undefined ? 1 : 2; // spacing like \, \; — ignore
      }
    } else {
      toks.push({ k: "op", v: c });
      i++;
    }
  }
  return toks;
}

/**
 * Parses a normalized answer into a {@link Node}. Throws {@link ParseError} when it does not
 * parse completely.
 */
export function parseAnswer(s: string): Node {
  const p = new Parser(tokenize(s));
  const node = p.parseTop();
  if (!p.atEnd()) throw new ParseError(`unexpected token at ${p.pos}`);
  return node;
}

class Parser {
  pos = 0;
  depth = 0;
  constructor(readonly toks: Tok[]) {}

  atEnd(): boolean {
    return this.pos >= this.toks.length;
  }
  peek(o = 0): Tok | undefined {
    return this.toks[this.pos + o];
  }
  isOp(v: string, o = 0): boolean {
    const t = this.toks[this.pos + o];
    return t !== undefined && t.k === "op" && t.v === v;
  }
  isCmd(v: string, o = 0): boolean {
    const t = this.toks[this.pos + o];
    return t !== undefined && t.k === "cmd" && t.v === v;
  }
  next(): Tok {
    const t = this.toks[this.pos++];
    if (t === undefined) throw new ParseError("unexpected end");
    return t;
  }
  expectOp(v: string): void {
    if (!this.isOp(v)) throw new ParseError(`expected ${v}`);
    this.pos++;
  }
  enter(): void {
    if (++this.depth > MAX_DEPTH) throw new ParseError("too deep");
  }
  leave(): void {
    this.depth--;
  }

  parseTop(): Node {
    if (this.atEnd()) throw new ParseError("empty");
    const items = this.parseList();
    return items.length === 1 ? items[0] : { t: "list", items };
  }

  /** item (, item)* — also `;` as a separator. */
  parseList(): Node[] {
    const items = [this.parseItem()];
    while (this.isOp(",") || this.isOp(";")) {
      this.pos++;
      items.push(this.parseItem());
      if (items.length > 200) throw new ParseError("too many items");
    }
    return items;
  }

  parseItem(): Node {
    const first = this.parseRel();
    if (!this.isCmd("cup")) return first;
    const parts = [first];
    while (this.isCmd("cup")) {
      this.pos++;
      parts.push(this.parseRel());
    }
    return { t: "union", parts };
  }

  relOp(): RelOp | null {
    const t = this.peek();
    if (t === undefined) return null;
    if (t.k === "cmd" && t.v in REL_CMDS) {
      this.pos++;
      return REL_CMDS[t.v];
    }
    if (t.k !== "op") return null;
    if (t.v === "=") {
      this.pos++;
      return "=";
    }
    if (t.v === "<" || t.v === ">") {
      this.pos++;
      if (this.isOp("=")) {
        this.pos++;
        return t.v === "<" ? "<=" : ">=";
      }
      return t.v;
    }
    if (t.v === "!" && this.isOp("=", 1)) {
      this.pos += 2;
      return "!=";
    }
    return null;
  }

  parseRel(): Node {
    const first = this.parseSum();
    let op = this.relOp();
    if (op === null) return first;
    const sides = [first];
    const ops: RelOp[] = [];
    while (op !== null) {
      ops.push(op);
      sides.push(this.parseSum());
      if (ops.length > 4) throw new ParseError("relation chain too long");
      op = this.relOp();
    }
    return { t: "rel", ops, sides };
  }

  signAhead(): Sign | null {
    if (this.isOp("+")) return 1;
    if (this.isOp("-")) return -1;
    if (this.isCmd("pm")) return "pm";
    if (this.isCmd("mp")) return "mp";
    return null;
  }

  parseSum(): Node {
    this.enter();
    const terms: { sign: Sign; node: Node }[] = [];
    let sign: Sign = 1;
    const lead = this.signAhead();
    if (lead !== null) {
      this.pos++;
      sign = lead;
    }
    terms.push({ sign, node: this.parseTerm() });
    for (let s = this.signAhead(); s !== null; s = this.signAhead()) {
      this.pos++;
      terms.push({ sign: s, node: this.parseTerm() });
      if (terms.length > 200) throw new ParseError("too many terms");
    }
    this.leave();
    if (terms.length === 1 && terms[0].sign === 1) return terms[0].node;
    if (terms.length === 1 && terms[0].sign === -1) return { t: "neg", a: terms[0].node };
    return { t: "add", terms };
  }

  startsImplicit(): boolean {
    const t = this.peek();
    if (t === undefined) return false;
    if (t.k === "id") return true;
    if (t.k === "op") return t.v === "(" || t.v === "{";
    if (t.k === "cmd") {
      return t.v === "frac" || t.v === "sqrt" || t.v === "pi" || t.v === "infty" ||
        t.v === "binom" || GREEK.has(t.v) || FUNCTIONS.has(t.v);
    }
    return false;
  }

  parseTerm(): Node {
    let node = this.parseUnary();
    for (let n = 0;; n++) {
      if (n > 200) throw new ParseError("too many factors");
      if (this.isOp("*") || this.isCmd("cdot") || this.isCmd("times") || this.isCmd("ast")) {
        this.pos++;
        node = { t: "mul", a: node, b: this.parseUnary() };
      } else if (this.isOp("/") || this.isCmd("div")) {
        this.pos++;
        node = { t: "div", a: node, b: this.parseUnary() };
      } else if (this.startsImplicit()) {
        node = { t: "mul", a: node, b: this.parsePower() };
      } else {
        return node;
      }
    }
  }

  parseUnary(): Node {
    if (this.isOp("-")) {
      this.pos++;
      this.enter();
      const a = this.parseUnary();
      this.leave();
      return { t: "neg", a };
    }
    if (this.isOp("+")) {
      this.pos++;
      return this.parseUnary();
    }
    return this.parsePower();
  }

  parsePower(): Node {
    let node = this.parsePostfix();
    while (this.isOp("^")) {
      this.pos++;
      node = { t: "pow", a: node, b: this.parseArg(true) };
    }
    return node;
  }

  parsePostfix(): Node {
    let node = this.parsePrimary();
    while (this.isOp("!") && !this.isOp("=", 1)) {
      this.pos++;
      node = { t: "fact", a: node };
    }
    return node;
  }

  /**
   * A single-token or braced argument, as for `\frac`, `\sqrt`, `^`. A multi-digit number gives
   * one digit (`\frac12`) unless `wholeNumber` (exponents: `2^10` is read as 2^{10}, as meant).
   */
  parseArg(wholeNumber = false): Node {
    const t = this.peek();
    if (t === undefined) throw new ParseError("missing argument");
    if (t.k === "op" && t.v === "{") {
      this.pos++;
      this.enter();
      const items = this.parseList();
      this.leave();
      this.expectOp("}");
      if (items.length !== 1) throw new ParseError("list in argument");
      return items[0];
    }
    if (t.k === "num") {
      if (!wholeNumber && t.v.length > 1 && !t.v.includes(".")) {
        // \frac12: one digit is the argument, the rest stays for later.
        this.toks[this.pos] = { k: "num", v: t.v.slice(1) };
        return num(t.v[0]);
      }
      this.pos++;
      return num(t.v);
    }
    if (t.k === "id") {
      this.pos++;
      return t.v === "i" ? { t: "const", name: "i" } : { t: "var", name: t.v };
    }
    if (t.k === "op" && t.v === "-") {
      this.pos++;
      this.enter();
      const a = this.parseArg();
      this.leave();
      return { t: "neg", a };
    }
    if (t.k === "cmd") return this.parsePrimary();
    throw new ParseError("bad argument");
  }

  parsePrimary(): Node {
    this.enter();
    try {
      return this.primary();
    } finally {
      this.leave();
    }
  }

  primary(): Node {
    const t = this.next();
    switch (t.k) {
      case "num":
        return this.number(t.v);
      case "id": {
        let name = t.v;
        if (this.isOp("_")) {
          this.pos++;
          name += "_" + this.subscript();
        }
        if (name === "i") return { t: "const", name: "i" };
        return { t: "var", name };
      }
      case "word":
        throw new ParseError(`word ${t.v}`);
      case "op":
        return this.opPrimary(t.v);
      case "cmd":
        return this.cmdPrimary(t.v);
    }
  }

  number(v: string): Node {
    if (this.isOp("_")) {
      this.pos++;
      const b = this.subscript();
      const base = Number(b);
      if (!/^\d+$/.test(b) || base < 2 || base > 36 || v.includes(".")) {
        throw new ParseError("bad base");
      }
      return { t: "basenum", digits: v, base };
    }
    const n = num(v);
    // Mixed number: 1\frac{4}{5} = 1 + 4/5.
    if (!v.includes(".") && this.isCmd("frac")) {
      const save = this.pos;
      const saveTok = this.toks.slice(save);
      try {
        this.pos++;
        const a = this.parseArg();
        const b = this.parseArg();
        if (a.t === "num" && b.t === "num") {
          return { t: "add", terms: [{ sign: 1, node: n }, { sign: 1, node: { t: "div", a, b } }] };
        }
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
      }
      // Not a mixed number: rewind (parseArg may have split a number token in place).
      for (let k = 0; k < saveTok.length; k++) this.toks[save + k] = saveTok[k];
      this.pos = save;
    }
    return n;
  }

  subscript(): string {
    const t = this.next();
    if (t.k === "num" || t.k === "id" || t.k === "word") return t.v;
    if (t.k === "op" && t.v === "{") {
      let s = "";
      for (let n = 0; n < 20; n++) {
        const u = this.next();
        if (u.k === "op" && u.v === "}") return s;
        s += u.v;
      }
    }
    throw new ParseError("bad subscript");
  }

  opPrimary(v: string): Node {
    if (v === "(" || v === "[") {
      if (this.isOp(")") || this.isOp("]")) throw new ParseError("empty brackets");
      const items = this.parseList();
      const close = this.next();
      if (close.k !== "op" || (close.v !== ")" && close.v !== "]")) {
        throw new ParseError("unclosed bracket");
      }
      if (items.length === 1 && (v === "(") === (close.v === ")")) return items[0];
      return { t: "seq", open: v, close: close.v, items };
    }
    if (v === "{") {
      if (this.isOp("}")) {
        this.pos++;
        return { t: "set", items: [] };
      }
      const items = this.parseList();
      this.expectOp("}");
      return items.length === 1 ? items[0] : { t: "set", items };
    }
    if (v === "\\{") {
      if (this.isOp("\\}")) {
        this.pos++;
        return { t: "set", items: [] };
      }
      const items = this.parseList();
      this.expectOp("\\}");
      return { t: "set", items };
    }
    if (v === "|") {
      const a = this.parseSum();
      this.expectOp("|");
      return { t: "func", name: "abs", args: [a] };
    }
    throw new ParseError(`unexpected ${v}`);
  }

  cmdPrimary(v: string): Node {
    switch (v) {
      case "frac":
      case "cfrac": {
        const a = this.parseArg();
        const b = this.parseArg();
        return { t: "div", a, b };
      }
      case "sqrt": {
        let n: Node = num("2");
        if (this.isOp("[")) {
          this.pos++;
          n = this.parseSum();
          this.expectOp("]");
        }
        return { t: "root", a: this.parseArg(), n };
      }
      case "binom": {
        const a = this.parseArg();
        const b = this.parseArg();
        return { t: "func", name: "binom", args: [a, b] };
      }
      case "pi":
        return { t: "const", name: "pi" };
      case "infty":
      case "infinity":
        return { t: "const", name: "inf" };
      case "emptyset":
      case "varnothing":
        return { t: "set", items: [] };
      case "langle": {
        const items = this.parseList();
        if (!this.isCmd("rangle")) throw new ParseError("unclosed angle");
        this.pos++;
        return { t: "seq", open: "<", close: ">", items };
      }
      case "begin":
        return this.matrix();
    }
    if (GREEK.has(v)) return { t: "var", name: v };
    if (FUNCTIONS.has(v)) return this.func(v);
    throw new ParseError(`unknown command \\${v}`);
  }

  func(name: string): Node {
    let power: Node | undefined;
    let base: Node | undefined;
    for (let k = 0; k < 2; k++) {
      if (this.isOp("^") && power === undefined) {
        this.pos++;
        power = this.parseArg();
      } else if (this.isOp("_") && base === undefined) {
        this.pos++;
        base = this.parseArg();
      }
    }
    let args: Node[];
    if (this.isOp("(")) {
      this.pos++;
      this.enter();
      args = this.parseList();
      this.leave();
      this.expectOp(")");
    } else if (this.isOp("{")) {
      args = [this.parseArg()];
    } else {
      let a = this.parsePower();
      while (this.startsImplicit() && !this.isFuncAhead()) {
        a = { t: "mul", a, b: this.parsePower() };
      }
      args = [a];
    }
    let node: Node = { t: "func", name, args, ...(base ? { base } : {}) };
    if (power !== undefined) {
      const inverse = power.t === "neg" && power.a.t === "num" && power.a.v.n === 1n &&
        power.a.v.d === 1n;
      if (inverse && ["sin", "cos", "tan"].includes(name)) {
        node = { t: "func", name: "arc" + name, args };
      } else node = { t: "pow", a: node, b: power };
    }
    return node;
  }

  isFuncAhead(): boolean {
    const t = this.peek();
    return t !== undefined && t.k === "cmd" && FUNCTIONS.has(t.v);
  }

  matrix(): Node {
    const env = this.envName();
    if (!/^(?:p|b|B|v|V|small)?matrix$|^array$/.test(env)) throw new ParseError(`env ${env}`);
    if (env === "array" && this.isOp("{")) this.envName(); // column spec
    const rows: Node[][] = [];
    let row: Node[] = [];
    for (let guard = 0; guard < 500; guard++) {
      if (this.isCmd("end")) {
        this.pos++;
        this.envName();
        if (row.length > 0) rows.push(row);
        if (rows.length === 0) throw new ParseError("empty matrix");
        const w = rows[0].length;
        if (rows.some((r) => r.length !== w)) throw new ParseError("ragged matrix");
        return { t: "matrix", rows };
      }
      row.push(this.parseSum());
      if (this.isOp("&")) this.pos++;
      else if (this.isOp("\\\\")) {
        this.pos++;
        rows.push(row);
        row = [];
      } else if (!this.isCmd("end")) throw new ParseError("bad matrix");
    }
    throw new ParseError("matrix too large");
  }

  envName(): string {
    this.expectOp("{");
    let s = "";
    for (let n = 0; n < 20; n++) {
      const u = this.next();
      if (u.k === "op" && u.v === "}") return s;
      s += u.v;
    }
    throw new ParseError("bad environment");
  }
}

function num(v: string): Node {
  const r = parseDecimal(v);
  if (r === null) throw new ParseError(`bad number ${v}`);
  return { t: "num", v: r };
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= "0" && c <= "9";
}
function isLetter(c: string | undefined): boolean {
  return c !== undefined && ((c >= "a" && c <= "z") || (c >= "A" && c <= "Z"));
}
