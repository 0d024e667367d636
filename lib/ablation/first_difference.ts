/**
 * The first field where two JSON values differ, named by its path (`preset.grpo.learning_rate`,
 * `base["model.safetensors"]`, `variant.train.beta`), for one-line refusals.
 *
 * @module
 */

/** Where two values differ: the path and both values there (`undefined`: absent). */
export interface Difference {
  /** Dotted path from the root (`""` for the root itself). */
  path: string;
  /** The value in `recorded` (`undefined` when the field is missing there). */
  recorded: unknown;
  /** The value in `asked` (`undefined` when the field is missing there). */
  asked: unknown;
}

/**
 * The first difference between `recorded` and `asked` (JSON-like values), or `null` when they are
 * equal. Objects are walked in `asked`'s key order, then the keys only `recorded` has; arrays by
 * index. Both are compared as JSON would store them (`undefined` fields dropped, NaN → null).
 */
export function firstDifference(recorded: unknown, asked: unknown): Difference | null {
  return diff(asJson(recorded), asJson(asked), "");
}

/** `path: recorded X, asked Y` with long values shortened (hashes to 12 hex digits). */
export function describeDifference(d: Difference): string {
  return `${d.path || "(the whole record)"}: recorded ${shortValue(d.recorded)}, asked ${
    shortValue(d.asked)
  }`;
}

/** A value for a one-line message: JSON, hashes cut to 12 digits, anything over 40 chars cut. */
export function shortValue(v: unknown): string {
  if (v === undefined) return "nothing";
  if (typeof v === "string" && /^[0-9a-f]{64}$/.test(v)) return `sha256 ${v.slice(0, 12)}…`;
  const s = JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 39)}…` : s;
}

function asJson(v: unknown): unknown {
  return v === undefined ? undefined : JSON.parse(JSON.stringify(v));
}

function diff(a: unknown, b: unknown, path: string): Difference | null {
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const d = diff(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (isObject(a) && isObject(b)) {
    const keys = [...Object.keys(b), ...Object.keys(a).filter((k) => !(k in b))];
    for (const k of keys) {
      const d = diff(a[k], b[k], join(path, k));
      if (d) return d;
    }
    return null;
  }
  return a === b ? null : { path, recorded: a, asked: b };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function join(path: string, key: string): string {
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}
