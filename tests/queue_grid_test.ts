/**
 * The ablation grid through BullMQ on a throwaway Redis (127.0.0.1, a free port, persistence off):
 * the `tiny` grid through 2 workers, one of them SIGKILLed while it holds a run, and one run whose
 * job throws (it names a variant the workers do not know). The coordinator goes on
 * without the failing run, reports it with its error after its attempts, and a rerun queues it
 * again and finishes the grid. Every run lands exactly once, byte-identical to the serial `tiny`
 * grid's (timing and memory measurements aside). Redis and every process are stopped whatever
 * happens.
 */
import { join } from "node:path";
import { Queue } from "bullmq";
import { assert, assertEquals } from "./_assert.ts";
import { type Child, spawnScript as spawn } from "./_child.ts";
import { startRedis, type TestRedis } from "./_redis.ts";
import { DEFAULT_GRID, presetByName, variantByName } from "../lib/ablation/variants.ts";
import { miniMathHeldOutByLevel } from "../lib/data/minimath_split.ts";
import { ABLATION_QUEUE, parseRedisUrl, runJobData, runJobId } from "../lib/queue/mod.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const BASE = join(ROOT, "data/bases/imperfect-0.8m");
const PRESET = presetByName("tiny");
const LABELS = DEFAULT_GRID.map((v) => `${v}/1`);
/** The run whose job is poisoned before the grid starts. */
const POISONED = "base/1";

/** Fields that measure the process (time, memory), not the run: left out of the comparison. */
const MEASUREMENTS = new Set([
  "finished_at",
  "train_wall_time_s",
  "eval_seconds",
  "seconds",
  "tokensPerSecond",
  "step_time",
  "gen_time",
  "train_time",
  "ref_time",
  "monitor_time",
  "step_time_s",
  "gen_time_s",
  "train_time_s",
  "ref_time_s",
  "monitor_time_s",
  "rss_bytes",
  "tensor_bytes",
  "tensor_mb",
]);

async function finished(p: Child, ms: number): Promise<Deno.CommandStatus> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms:\n${p.all()}`)), ms);
  });
  try {
    const status = await Promise.race([p.child.status, timeout]);
    await p.out.done;
    return status;
  } finally {
    clearTimeout(timer);
  }
}

/** A run file's text with the measurement fields' values replaced by null (per line for JSONL). */
function comparable(name: string, text: string): string {
  const mask = (line: string) =>
    JSON.stringify(JSON.parse(line), (k, v) => MEASUREMENTS.has(k) ? null : v);
  if (name.endsWith(".jsonl")) return text.split("\n").map((l) => l && mask(l)).join("\n");
  return mask(text);
}

/** `variant/seed/file` → text, for every file under `runs`. */
function runFiles(runs: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const v of Deno.readDirSync(runs)) {
    for (const s of Deno.readDirSync(join(runs, v.name))) {
      for (const f of Deno.readDirSync(join(runs, v.name, s.name))) {
        out.set(
          `${v.name}/${s.name}/${f.name}`,
          Deno.readTextFileSync(join(runs, v.name, s.name, f.name)),
        );
      }
    }
  }
  return out;
}

Deno.test({
  name:
    "queued grid: tiny through 2 workers, one SIGKILLed mid-run and a throwing run, equals serial",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const tmp = await Deno.makeTempDir({ prefix: "queue_grid_test_" });
    const procs: Child[] = [];
    let redis: TestRedis | undefined;
    const t0 = performance.now();
    const at = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
    try {
      redis = await startRedis();
      const url = redis.url;
      const grid = ["--preset", "tiny", "--base", BASE];
      // The serial grid, with the workers' BLAS thread count (sgemm's sums depend on it).
      const serial = spawn("bin/ablate.ts", [...grid, "--results", join(tmp, "serial")], {
        OPENBLAS_NUM_THREADS: "1",
      });
      procs.push(serial);
      // A job that throws: base/1 under its real job id, naming a variant no worker knows.
      const evalProblems = miniMathHeldOutByLevel(Math.ceil(PRESET.eval_problems / 5));
      const good = runJobData(variantByName("base"), 1, {
        baseDir: BASE,
        preset: PRESET,
        evalProblems,
      });
      const poisoned = { ...good, variant: "no_such_variant" };
      const queue = new Queue(ABLATION_QUEUE, { connection: parseRedisUrl(url).connection });
      await queue.add("run", poisoned, {
        jobId: runJobId(good.identity),
        attempts: 2,
        backoff: { type: "fixed", delay: 200 },
      });
      await queue.close();
      // The coordinator queues the other 8 runs (base/1 is already queued), then the workers start.
      const results = join(tmp, "queued");
      const coordinator = spawn("bin/ablate.ts", [...grid, "--results", results, "--queue", url]);
      procs.push(coordinator);
      await coordinator.out.waitFor(/8 queued now, 1 already queued/, 60_000);
      const worker = (name: string) =>
        spawn("bin/worker.ts", [
          "--queue",
          url,
          "--base",
          BASE,
          "--threads",
          "1",
          "--lock-seconds",
          "2",
          "--name",
          name,
        ]);
      const a = worker("A");
      const b = worker("B");
      procs.push(a, b);
      // Kill A while it holds a real run (not the poisoned one, which fails at once).
      const started = await a.out.waitFor(/^worker A: (?!no_such_variant\/1 )\S+ started/, 90_000);
      const killed = /^worker A: (\S+) started/.exec(started)![1];
      await new Promise((r) => setTimeout(r, 300));
      a.child.kill("SIGKILL");
      await a.child.status;
      console.log(`[${at()}] SIGKILLed worker A while it held ${killed}`);
      // The grid goes on without the failing run, and reports it after its 2 attempts.
      const first = await finished(coordinator, 120_000);
      const out1 = coordinator.all();
      console.log(`[${at()}] coordinator, first pass (exit ${first.code}):\n${out1}`);
      assertEquals(first.code, 1, out1);
      const error = out1.trim().split("\n").filter((l) => l.startsWith("error:"));
      assertEquals(error.length, 1, out1);
      assert(
        error[0].includes(`1 run(s) failed: ${POISONED} (unknown variant "no_such_variant"`),
        error[0],
      );
      assert(
        out1.includes(`ablate: ${killed}: its worker stopped holding it`),
        `the coordinator saw ${killed} handed back:\n${out1}`,
      );
      assert(new RegExp(`ablate: ${killed.replace("/", "\\/")}: pass@1 .* on B`).test(out1), out1);
      const workers = a.all() + b.all();
      assert(
        /worker [AB]: no_such_variant\/1 failed \(attempt 1 of 2\): unknown variant .*will be retried/
          .test(workers),
        workers,
      );
      assert(
        /worker [AB]: no_such_variant\/1 failed \(attempt 2 of 2\): .*no attempts left/.test(
          workers,
        ),
        workers,
      );
      // A rerun queues the failed run again, collects it, and writes the report.
      const again = spawn("bin/ablate.ts", [...grid, "--results", results, "--queue", url]);
      procs.push(again);
      const second = await finished(again, 60_000);
      const out2 = again.all();
      console.log(`[${at()}] coordinator, rerun (exit ${second.code}):\n${out2}`);
      assertEquals(second.code, 0, out2);
      assert(
        out2.includes("8 finished here, 0 queued now, 0 already queued, 1 that failed before"),
        out2,
      );
      assert(Deno.statSync(join(results, "ablation.md")).isFile);
      // Every run collected exactly once.
      for (const label of LABELS) {
        const times = (out1 + out2).split("\n").filter((l) =>
          l.startsWith(`ablate: ${label}: pass@1`)
        );
        assertEquals(times.length, 1, `${label} collected ${times.length} times`);
      }
      // Same run files as the serial grid.
      const s = await finished(serial, 120_000);
      assertEquals(s.code, 0, serial.all());
      const want = runFiles(join(tmp, "serial", "runs"));
      const got = runFiles(join(results, "runs"));
      assertEquals([...got.keys()].sort(), [...want.keys()].sort(), "the same run files");
      assertEquals(new Set([...got.keys()].map((k) => k.split("/").slice(0, 2).join("/"))).size, 9);
      let identical = 0;
      for (const [name, text] of want) {
        assertEquals(comparable(name, got.get(name)!), comparable(name, text), name);
        if (got.get(name) === text) identical++;
      }
      console.log(
        `[${at()}] ${got.size} run files equal the serial grid's (${identical} byte for byte, ` +
          `the others once timing and memory fields are left out)`,
      );
    } finally {
      for (const p of procs) {
        try {
          p.child.kill("SIGKILL");
        } catch { /* already exited */ }
        await p.child.status;
      }
      await redis?.stop();
      await Deno.remove(tmp, { recursive: true }).catch(() => {});
    }
  },
});
