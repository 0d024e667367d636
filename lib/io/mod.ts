/**
 * File I/O helpers shared by the whole project: atomic writes and content hashes.
 *
 * @module
 */

export * from "./atomic.ts";
export * from "./sha256.ts";
