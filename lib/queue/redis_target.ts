/**
 * Where the job queue lives: a `redis://` or `rediss://` (TLS) URL, with an optional user and
 * password and database number — `redis://[user:password@]host[:port][/db]`; the password may
 * instead come from `$SSR1_REDIS_PASSWORD`, out of the command line. The password never
 * leaves this object in clear: {@linkcode RedisTarget.display} shows the URL with the password
 * replaced by `***`, and {@linkcode RedisTarget.redact} scrubs it (raw or URL-encoded) from any
 * text before it is printed or logged.
 *
 * @module
 */

/** The environment variable a password may come from instead of the URL. */
export const PASSWORD_ENV = "SSR1_REDIS_PASSWORD";

/** Connection options for BullMQ/ioredis (`tls` set for `rediss://`). */
export interface RedisConnectionOptions {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls?: { servername: string };
}

/** A parsed queue URL. */
export interface RedisTarget {
  /** What BullMQ/ioredis connect with. */
  connection: RedisConnectionOptions;
  /** The URL with the password replaced by `***` (safe to print). */
  display: string;
  /** `text` with every occurrence of the password (raw or URL-encoded) replaced by `***`. */
  redact(text: string): string;
}

/**
 * Parses a queue URL; throws a one-line error (which never contains the password) when it is not
 * `redis[s]://[user:password@]host[:port][/db]` with a port in 1..65535 and a database number ≥ 0.
 * `password` is used when the URL has none (from {@linkcode PASSWORD_ENV}: a command line is
 * visible to every user of the machine, an environment is not).
 */
export function parseRedisUrl(url: string, password?: string): RedisTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    // Not echoed: what does not parse cannot be redacted reliably.
    throw new Error("--queue: not a URL (expected redis[s]://[user:password@]host[:port][/db])");
  }
  const secret = u.password ? decodeURIComponent(u.password) : password || undefined;
  const secrets = [secret, u.password].filter((s): s is string => !!s);
  const redact = (text: string) => secrets.reduce((t, s) => t.replaceAll(s, "***"), text);
  const shown = new URL(u.href);
  if (secret) shown.password = "***";
  const display = shown.href.replace(/\/$/, "");
  const bad = (why: string) => new Error(`--queue ${display}: ${why}`);
  if (u.protocol !== "redis:" && u.protocol !== "rediss:") {
    throw bad(`expected a redis:// or rediss:// URL, not ${u.protocol}//`);
  }
  const host = u.hostname.replace(/^\[(.*)\]$/, "$1");
  if (!host) throw bad("no host");
  const port = u.port === "" ? 6379 : Number(u.port);
  if (!(Number.isInteger(port) && port >= 1 && port <= 65535)) throw bad("bad port");
  const path = u.pathname.replace(/^\//, "");
  if (path !== "" && !/^\d+$/.test(path)) {
    throw bad(`expected a database number after /, got "${path}"`);
  }
  if (u.search || u.hash) throw bad("no query or fragment expected");
  const connection: RedisConnectionOptions = { host, port, db: path === "" ? 0 : Number(path) };
  if (u.username) connection.username = decodeURIComponent(u.username);
  if (secret !== undefined) connection.password = secret;
  if (u.protocol === "rediss:") connection.tls = { servername: host };
  return { connection, display, redact };
}
