/**
 * A throwaway Redis for tests: `redis-server` on 127.0.0.1 on a free port, persistence off, run
 * under a shell that stops it as soon as its stdin closes — on {@linkcode TestRedis.stop}, and
 * also when the test process dies in any way (its end of the pipe closes with it).
 *
 * @module
 */

/** A running test Redis. */
export interface TestRedis {
  port: number;
  /** `redis://127.0.0.1:<port>`. */
  url: string;
  /** Stops it and waits until it has exited (safe to call twice). */
  stop(): Promise<void>;
}

/**
 * Starts `redis-server` (extra `args` appended, e.g. `--requirepass x`) and waits until it accepts
 * connections. Throws a one-line error when `redis-server` is not installed.
 */
export async function startRedis(args: string[] = []): Promise<TestRedis> {
  try {
    await new Deno.Command("redis-server", { args: ["--version"], stdout: "null" }).output();
  } catch (e) {
    throw new Error(
      `redis-server not found (apt-get install redis-server): ${(e as Error).message}`,
    );
  }
  const port = freePort();
  const server = [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--save",
    "",
    "--appendonly",
    "no",
    ...args,
  ];
  // The shell starts redis, then blocks reading stdin; EOF (stop() or our death) kills redis.
  const child = new Deno.Command("sh", {
    args: ["-c", 'redis-server "$@" & r=$!; cat >/dev/null; kill $r; wait $r', "sh", ...server],
    stdin: "piped",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const stdin = child.stdin.getWriter();
  let stopped: Promise<void> | undefined;
  const stop = () =>
    stopped ??= (async () => {
      await stdin.close().catch(() => {});
      await child.status;
    })();
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (await ping(port)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `redis-server did not start on port ${port} (installed? apt-get install redis-server)`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { port, url: `redis://127.0.0.1:${port}`, stop };
}

/** A TCP port nobody listens on right now. */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** Whether something on `port` answers `PING` like Redis (`+PONG`, or `-NOAUTH` with a password). */
async function ping(port: number): Promise<boolean> {
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    try {
      await conn.write(new TextEncoder().encode("PING\r\n"));
      const buf = new Uint8Array(64);
      const n = await conn.read(buf);
      const reply = new TextDecoder().decode(buf.subarray(0, n ?? 0));
      return reply.startsWith("+PONG") || reply.startsWith("-NOAUTH");
    } finally {
      conn.close();
    }
  } catch {
    return false;
  }
}
