import { join } from "node:path";
import { assert, assertEquals } from "./_assert.ts";
import { tinyCheckpoint } from "./_notebook_fixtures.ts";

const ROOT = new URL("..", import.meta.url).pathname;

function ablate(base: string, results: string): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      join(ROOT, "bin/ablate.ts"),
      "--preset",
      "tiny",
      "--base",
      base,
      "--results",
      results,
      "--only",
      "base",
      "zero_grpo",
      "grpo_kl",
    ],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

function mtimes(runs: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const v of ["base", "zero_grpo", "grpo_kl"]) {
    for (const f of ["summary.json", "eval.json", "eval_samples.jsonl", "config.json"]) {
      try {
        out.set(`${v}/${f}`, Deno.statSync(join(runs, v, "1", f)).mtime!.getTime());
      } catch { /* not written yet */ }
    }
  }
  return out;
}

Deno.test({
  name: "ablate: killed mid-grid, a rerun resumes — nothing finished is lost or recomputed",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const tmp = await Deno.makeTempDir();
    const base = join(tmp, "base");
    const results = join(tmp, "results");
    tinyCheckpoint(base);
    // 1. Start the grid and kill it as soon as the first run has finished.
    const first = ablate(base, results);
    const firstSummary = join(results, "runs", "base", "1", "summary.json");
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      try {
        Deno.statSync(firstSummary);
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    first.kill("SIGKILL");
    await first.output().catch(() => {});
    const afterKill = mtimes(join(results, "runs"));
    assert(afterKill.has("base/summary.json"), "the first run finished before the kill");
    assert(!afterKill.has("grpo_kl/summary.json"), "the kill came before the last run finished");
    // 2. Rerun: it completes; the finished run is untouched.
    const second = await ablate(base, results).output();
    assertEquals(second.code, 0, new TextDecoder().decode(second.stderr));
    const afterResume = mtimes(join(results, "runs"));
    for (const [f, t] of afterKill) {
      if (f.startsWith("base/")) assertEquals(afterResume.get(f), t, `${f} was rewritten`);
    }
    for (const v of ["base", "zero_grpo", "grpo_kl"]) {
      assert(afterResume.has(`${v}/summary.json`), `${v} finished`);
    }
    // 3. A third run recomputes nothing and still writes the report.
    const third = await ablate(base, results).output();
    assertEquals(third.code, 0);
    assertEquals(mtimes(join(results, "runs")), afterResume);
    const md = Deno.readTextFileSync(join(results, "ablation.md"));
    for (const v of ["base", "zero_grpo", "grpo_kl"]) assert(md.includes(v), `${v} in ablation.md`);
    for (const f of ["ablation.csv", "accuracy_by_level.svg", "samples.html"]) {
      assert(Deno.statSync(join(results, f)).size > 0, f);
    }
    await Deno.remove(tmp, { recursive: true });
  },
});

Deno.test("ablate: a bad flag fails with one line and exit code 1", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(ROOT, "bin/ablate.ts"), "--preset", "nope"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(out.code, 1);
  const err = new TextDecoder().decode(out.stderr).trim().split("\n").filter((l) =>
    !l.startsWith("backend:")
  );
  assertEquals(err.length, 1, err.join("\n"));
  assert(err[0].includes('unknown preset "nope"'), err[0]);
});
