/**
 * The answer syntax tree produced by {@link parseAnswer} and compared by the grader.
 *
 * @module
 */
import type { Rational } from "./rational.ts";

/** The sign of a term in a sum; `pm`/`mp` are `\pm`/`\mp` (expanded before comparing). */
export type Sign = 1 | -1 | "pm" | "mp";

/** Relational operators, normalized. */
export type RelOp = "=" | "<" | ">" | "<=" | ">=" | "!=";

/** A parsed answer. */
export type Node =
  | { t: "num"; v: Rational }
  | { t: "basenum"; digits: string; base: number }
  | { t: "var"; name: string }
  | { t: "const"; name: "pi" | "i" | "inf" }
  | { t: "add"; terms: { sign: Sign; node: Node }[] }
  | { t: "neg"; a: Node }
  | { t: "mul"; a: Node; b: Node }
  | { t: "div"; a: Node; b: Node }
  | { t: "pow"; a: Node; b: Node }
  | { t: "root"; a: Node; n: Node }
  | { t: "fact"; a: Node }
  | { t: "func"; name: string; args: Node[]; base?: Node }
  | { t: "seq"; open: string; close: string; items: Node[] }
  | { t: "set"; items: Node[] }
  | { t: "list"; items: Node[] }
  | { t: "union"; parts: Node[] }
  | { t: "matrix"; rows: Node[][] }
  | { t: "rel"; ops: RelOp[]; sides: Node[] };
