/**
 * File I/O helpers shared by the whole project.
 *
 * @module
 */

export * from "./atomic.ts";
