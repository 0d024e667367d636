/**
 * A run's job id: derived from the run's identity (see `lib/ablation/identity.ts`), so that
 * enqueueing the same run twice — from a rerun coordinator, or from two results folders asking for
 * the same run — adds nothing, and a run asked with other settings is another job.
 *
 * @module
 */
import { sha256Text } from "../io/sha256.ts";
import type { RunIdentity } from "../ablation/identity.ts";

/**
 * `<variant>.<seed>.<sha256 of the identity's canonical JSON, 20 hex digits>` — readable in a
 * queue dashboard, unique per identity, and free of `:` (which BullMQ reserves).
 */
export function runJobId(identity: RunIdentity): string {
  const hash = sha256Text(canonicalJson(identity)).slice(0, 20);
  return `${identity.variant.name}.${identity.seed}.${hash}`;
}

/** JSON with object keys sorted at every level (the same value always gives the same text). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v) =>
      v !== null && typeof v === "object" && !Array.isArray(v)
        ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]]))
        : v,
  );
}
