/**
 * A quick reachability check of the queue's Redis before anything else happens, so that a wrong
 * host, port, password or TLS setting fails at once with one line instead of BullMQ reconnecting
 * forever.
 *
 * @module
 */
import { Redis } from "ioredis";
import type { RedisTarget } from "./redis_target.ts";

/**
 * Connects once to `target` (no retries), sends `PING` and disconnects; returns the server's
 * `redis_version`. Throws a one-line error naming the redacted URL and the cause.
 */
export async function probeRedis(target: RedisTarget, timeoutMs = 5000): Promise<string> {
  const client = new Redis({
    ...target.connection,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  let lastError: unknown;
  client.on("error", (e) => lastError = e);
  try {
    await client.connect();
    await client.ping();
    const info = await client.info("server");
    return /redis_version:([^\r\n]+)/.exec(info)?.[1] ?? "unknown";
  } catch (e) {
    const why = firstLine(lastError ?? e) || firstLine(e);
    throw new Error(target.redact(`cannot reach Redis at ${target.display}: ${why}`));
  } finally {
    client.disconnect();
  }
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0];
}
