/**
 * The outcome of trying to start one backend of the ladder.
 *
 * @module
 */

/** Started (`reason` says what runs where) or unavailable (`reason` says why). */
export type Attempt = { ok: true; reason: string } | { ok: false; reason: string };
