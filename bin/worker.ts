/**
 * `deno task worker` — a worker of the queued ablation grid (`deno task ablate --queue URL`): takes
 * one run at a time from the queue, trains and evaluates it with the serial grid's code from its
 * own base checkpoint, and returns the run's files through the job. Start as many as you like, on
 * any machines that reach the Redis (several per machine: give each `--threads`, so that together
 * they do not oversubscribe the cores).
 *
 *   deno task worker --queue redis[s]://[user:password@]HOST[:PORT][/DB] [--threads N] [--base DIR]
 *                    [--backend NAME] [--name NAME] [--lock-seconds S]
 *
 * `--threads N` sets OpenBLAS's thread count (`OPENBLAS_NUM_THREADS`, set before the library
 * loads; default: OpenBLAS's own, one per core). `--base` must hold the same checkpoint as the
 * coordinator's (the default base by default): a job asking for another identity fails with the first
 * differing field, and the worker exits with code 1 (another worker retries the run).
 * `--lock-seconds` (default 30) is how long a job's lock lasts unrenewed and how
 * often the worker checks for stalled jobs: a killed worker's run is handed to another worker
 * after about twice that. SIGINT/SIGTERM: finish the current run (if any), then exit (again: exit
 * now; the run goes back to the queue when its lock expires). The Redis password may come from
 * `$SSR1_REDIS_PASSWORD` instead of the URL (a command line is visible to every local user); it is
 * never printed.
 *
 * @module
 */
import { DEFAULT_BASE_DIR } from "../lib/model/bases.ts";
import { parseArgs } from "node:util";
import { BACKEND_LADDER } from "../lib/backend/select.ts";
import { fail } from "../lib/cli/fail.ts";
import {
  DEFAULT_LOCK_SECONDS,
  parseRedisUrl,
  PASSWORD_ENV,
  probeRedis,
  type RedisTarget,
  startRunWorker,
} from "../lib/queue/mod.ts";

/** Sets OpenBLAS's thread count for this process; call before the BLAS library loads. */
export function setBlasThreads(threads: number): void {
  Deno.env.set("OPENBLAS_NUM_THREADS", String(threads));
  Deno.env.set("OMP_NUM_THREADS", String(threads));
}

if (import.meta.main) {
  let target: RedisTarget | undefined;
  try {
    const { values } = parseArgs({
      args: Deno.args,
      options: {
        queue: { type: "string" },
        threads: { type: "string" },
        base: { type: "string", default: DEFAULT_BASE_DIR },
        backend: { type: "string" },
        name: { type: "string" },
        "lock-seconds": { type: "string" },
      },
    });
    if (values.queue === undefined) throw new Error("--queue redis://HOST:PORT[/DB] is required");
    target = parseRedisUrl(values.queue, Deno.env.get(PASSWORD_ENV));
    if (values.threads !== undefined) {
      const threads = Number(values.threads);
      if (!(Number.isInteger(threads) && threads >= 1)) {
        throw new Error(`--threads: expected a positive integer, got "${values.threads}"`);
      }
      setBlasThreads(threads);
    }
    const lockSeconds = values["lock-seconds"] === undefined
      ? DEFAULT_LOCK_SECONDS
      : Number(values["lock-seconds"]);
    if (!(Number.isFinite(lockSeconds) && lockSeconds >= 1)) {
      throw new Error(`--lock-seconds: expected a number ≥ 1, got "${values["lock-seconds"]}"`);
    }
    if (values.backend !== undefined) {
      const name = values.backend.trim().toLowerCase();
      if (!(BACKEND_LADDER as readonly string[]).includes(name) && name !== "auto") {
        throw new Error(
          `--backend: unknown backend "${values.backend}" (${BACKEND_LADDER.join(", ")}, auto)`,
        );
      }
    }
    try {
      Deno.statSync(`${values.base}/config.json`);
    } catch {
      throw new Error(`--base ${values.base}: no checkpoint there (no config.json)`);
    }
    const version = await probeRedis(target);
    const worker = await startRunWorker({
      target,
      baseDir: values.base!,
      ...(values.backend ? { backend: values.backend } : {}),
      ...(values.name ? { name: values.name } : {}),
      lockSeconds,
      onUnfit: (why) => {
        console.error(`error: ${target!.redact(why)}`);
        Deno.exit(1);
      },
    });
    console.log(
      `worker ${worker.name}: waiting for runs on ${target.display} (Redis ${version}; base ` +
        `${values.base}; OpenBLAS threads ${values.threads ?? "default"})`,
    );
    let stopping = false;
    const stop = async () => {
      const running = worker.current();
      if (stopping) {
        console.log(
          `worker ${worker.name}: stopped now${
            running ? `; ${running} goes back to the queue when its lock expires` : ""
          }`,
        );
        Deno.exit(130);
      }
      stopping = true;
      if (running) {
        console.log(
          `worker ${worker.name}: finishing ${running}, then exiting (signal again: now)`,
        );
        await worker.close();
      } else {
        // Idle: nothing to finish; do not wait long for an unreachable Redis.
        await Promise.race([worker.close(true), new Promise((r) => setTimeout(r, 5000))]);
      }
      console.log(`worker ${worker.name}: closed`);
      Deno.exit(0);
    };
    Deno.addSignalListener("SIGINT", stop);
    Deno.addSignalListener("SIGTERM", stop);
  } catch (e) {
    fail(target ? new Error(target.redact(e instanceof Error ? e.message : String(e))) : e);
  }
}
