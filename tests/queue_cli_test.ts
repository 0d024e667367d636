/**
 * `deno task ablate --queue` and `deno task worker` on bad input: a bad URL or an unreachable or
 * password-protected Redis fails with one line and exit code 1, and the password is never printed
 * — not even when a grid runs through a Redis that requires it. A worker that cannot compute the
 * grid's runs (another base checkpoint) fails one attempt and exits 1 instead of failing them all.
 */
import { join } from "node:path";
import { assert, assertEquals } from "./_assert.ts";
import { runScript as run, spawnScript } from "./_child.ts";
import { freePort, startRedis } from "./_redis.ts";
import { tinyCheckpoint } from "./_notebook_fixtures.ts";
import { Queue } from "bullmq";
import { presetByName, variantByName } from "../lib/ablation/variants.ts";
import { miniMathHeldOutByLevel } from "../lib/data/minimath_split.ts";
import {
  ABLATION_QUEUE,
  parseRedisUrl,
  PASSWORD_ENV,
  runJobData,
  runJobId,
} from "../lib/queue/mod.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const BASE = join(ROOT, "data/bases/imperfect-0.8m");
const SECRET = "s3cret-Pw_42";

/** Exit code 1 and exactly one line (on stderr) containing `expected`, without the password. */
function oneLineFailure(r: { code: number; out: string }, expected: string): void {
  assertEquals(r.code, 1, r.out);
  const lines = r.out.trim().split("\n");
  assertEquals(lines.length, 1, r.out);
  assert(lines[0].startsWith("error: ") && lines[0].includes(expected), r.out);
  assert(!r.out.includes(SECRET), `the password shows: ${r.out}`);
}

Deno.test("queue CLIs: a bad URL, a missing --queue or a bad flag fail in one line", async () => {
  oneLineFailure(
    await run("bin/ablate.ts", ["--preset", "tiny", "--queue", `http://u:${SECRET}@h`]),
    "expected a redis:// or rediss:// URL",
  );
  oneLineFailure(
    await run("bin/worker.ts", ["--queue", `redis://u:${SECRET}@h/x`]),
    'expected a database number after /, got "x"',
  );
  oneLineFailure(await run("bin/worker.ts", []), "--queue redis://HOST:PORT[/DB] is required");
  oneLineFailure(
    await run("bin/worker.ts", ["--queue", "redis://h", "--threads", "0"]),
    '--threads: expected a positive integer, got "0"',
  );
  oneLineFailure(
    await run("bin/ablate.ts", ["--preset", "tiny", "--attempts", "2"]),
    "--attempts needs --queue",
  );
});

Deno.test("queue CLIs: an unreachable Redis fails at once in one line", async () => {
  const url = `redis://grid:${SECRET}@127.0.0.1:${freePort()}/0`;
  const shown = url.replace(SECRET, "***");
  oneLineFailure(
    await run("bin/ablate.ts", [
      "--preset",
      "tiny",
      "--base",
      BASE,
      "--results",
      "/nonexistent/x",
      "--queue",
      url,
    ]),
    `cannot reach Redis at ${shown}: `,
  );
  oneLineFailure(
    await run("bin/worker.ts", ["--queue", url, "--base", BASE]),
    `cannot reach Redis at ${shown}: `,
  );
});

Deno.test({
  name: "queue CLIs: a password-protected Redis — wrong password refused in one line, right one " +
    "runs a grid, the password never printed; a worker with another base checkpoint exits 1",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const redis = await startRedis(["--requirepass", SECRET]);
    const tmp = await Deno.makeTempDir({ prefix: "queue_cli_test_" });
    let worker: Deno.ChildProcess | undefined;
    try {
      const wrong = `redis://default:not-${SECRET}@127.0.0.1:${redis.port}`;
      oneLineFailure(
        await run("bin/worker.ts", ["--queue", wrong, "--base", BASE]),
        `cannot reach Redis at redis://default:***@127.0.0.1:${redis.port}: WRONGPASS`,
      );
      const url = `redis://default:${SECRET}@127.0.0.1:${redis.port}`;
      // This worker takes the password from the environment, out of its command line.
      const w = spawnScript(
        "bin/worker.ts",
        ["--queue", `redis://127.0.0.1:${redis.port}`, "--base", BASE, "--name", "W"],
        { [PASSWORD_ENV]: SECRET },
      );
      worker = w.child;
      const { out, err } = w;
      await out.waitFor(/^worker W: waiting for runs on redis:\/\/:\*\*\*@127\.0\.0\.1:/, 60_000);
      const grid = await run("bin/ablate.ts", [
        "--preset",
        "tiny",
        "--only",
        "base",
        "--base",
        BASE,
        "--results",
        join(tmp, "results"),
        "--queue",
        url,
      ]);
      assertEquals(grid.code, 0, grid.out);
      assert(grid.out.includes("base/1: pass@1"), grid.out);
      assert(!grid.out.includes(SECRET), `the password shows: ${grid.out}`);
      assert(Deno.statSync(join(tmp, "results", "runs", "base", "1", "summary.json")).isFile);
      // SIGTERM: an idle worker closes and exits 0.
      worker.kill("SIGTERM");
      assertEquals((await worker.status).code, 0, out.text() + err.text());
      await Promise.all([out.done, err.done]);
      assert(out.text().includes("worker W: base/1 done"), out.text());
      assert(out.text().includes("worker W: closed"), out.text());
      assert(!(out.text() + err.text()).includes(SECRET), `the password shows: ${out.text()}`);
      // A worker whose base checkpoint differs from the grid's fails that attempt and exits 1.
      const preset = presetByName("tiny");
      const job = runJobData(variantByName("zero_grpo"), 1, {
        baseDir: BASE,
        preset,
        evalProblems: miniMathHeldOutByLevel(2),
      });
      const queue = new Queue(ABLATION_QUEUE, { connection: parseRedisUrl(url).connection });
      await queue.add("run", job, { jobId: runJobId(job.identity), attempts: 3 });
      const other = join(tmp, "other_base");
      tinyCheckpoint(other);
      const unfit = await run("bin/worker.ts", ["--queue", url, "--base", other, "--name", "U"]);
      const state = await queue.getJobState(runJobId(job.identity));
      const attempts = (await queue.getJob(runJobId(job.identity)))?.attemptsMade;
      await queue.close();
      assertEquals(unfit.code, 1, unfit.out);
      const errors = unfit.out.split("\n").filter((l) => l.startsWith("error: "));
      assertEquals(errors.length, 1, unfit.out);
      assert(
        errors[0].includes(
          `this worker cannot compute the job: it asks for another run than this worker computes ` +
            `from ${other} (base[`,
        ),
        unfit.out,
      );
      assert(unfit.out.includes("worker U: zero_grpo/1 failed (attempt 1 of 3)"), unfit.out);
      assert(!unfit.out.includes(SECRET), `the password shows: ${unfit.out}`);
      assert(state === "waiting" || state === "delayed", `the run is retried later, not ${state}`);
      assertEquals(attempts, 1);
    } finally {
      try {
        worker?.kill("SIGKILL");
      } catch { /* exited */ }
      await worker?.status;
      await redis.stop();
      await Deno.remove(tmp, { recursive: true }).catch(() => {});
    }
  },
});
