/**
 * Run identity and damaged run folders: a finished run is read back only when what produced it
 * equals what is asked now; anything else stops the grid with one line naming the run folder (or
 * file) and the first differing field, and the report never crashes on a damaged folder.
 */
import { join } from "node:path";
import { assert, assertEquals, assertRejects } from "./_assert.ts";
import { MICRO_PRESET, tinyCheckpoint } from "./_notebook_fixtures.ts";
import { type GridOptions, runGrid } from "../lib/ablation/grid.ts";
import { readResults } from "../lib/ablation/report.ts";
import { miniMathHeldOutByLevel } from "../lib/data/minimath_split.ts";
import { loadAblationResults } from "../lib/notebook/ablation_results.ts";
import { defaultResultsDir } from "../bin/ablate.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const PRESET = MICRO_PRESET;
const EVAL = miniMathHeldOutByLevel(1);
const WORK = await Deno.makeTempDir({ prefix: "ablation_identity_test_" });
const BASE = join(WORK, "base");
tinyCheckpoint(BASE);
globalThis.addEventListener("unload", () => Deno.removeSync(WORK, { recursive: true }));

function options(resultsDir: string, over: Partial<GridOptions> = {}): GridOptions & {
  lines: string[];
} {
  const lines: string[] = [];
  return {
    preset: PRESET,
    only: ["base", "zero_grpo"],
    baseDir: BASE,
    resultsDir,
    evalProblems: EVAL,
    write: () => {},
    log: (l) => lines.push(l),
    lines,
    ...over,
  };
}

/** One computed grid, copied afresh for every test. */
const FINISHED = join(WORK, "finished");
const first = await runGrid(options(FINISHED));

function copyDir(from: string, to: string): void {
  Deno.mkdirSync(to, { recursive: true });
  for (const e of Deno.readDirSync(from)) {
    if (e.isDirectory) copyDir(join(from, e.name), join(to, e.name));
    else Deno.copyFileSync(join(from, e.name), join(to, e.name));
  }
}

let copies = 0;
function freshResults(): string {
  const dir = join(WORK, `copy${++copies}`);
  copyDir(FINISHED, dir);
  return dir;
}

function mtimes(dir: string): Record<string, number> {
  const out: Record<string, number> = {};
  const walk = (d: string) => {
    for (const e of Deno.readDirSync(d)) {
      const p = join(d, e.name);
      if (e.isDirectory) walk(p);
      else out[p.slice(dir.length + 1)] = Deno.statSync(p).mtime!.getTime();
    }
  };
  walk(join(dir, "runs"));
  return out;
}

/**
 * The grid refuses: one line naming `where` (default: the base run's folder) and `field`, and
 * nothing in the runs is touched.
 */
async function refused(
  results: string,
  over: Partial<GridOptions>,
  field: string,
  where = join(results, "runs", "base", "1"),
): Promise<string> {
  const before = mtimes(results);
  const err = await assertRejects(() => runGrid(options(results, over)));
  const line = err.message;
  assert(!line.includes("\n"), `one line: ${line}`);
  assert(line.startsWith(where), `names ${where}: ${line}`);
  assert(line.includes(field), `names ${field}: ${line}`);
  assert(line.includes("to proceed"), `says how to proceed: ${line}`);
  assertEquals(mtimes(results), before, "nothing rewritten");
  return line;
}

Deno.test("identity: the first grid computes both runs and records what produced them", () => {
  assertEquals([first.computed, first.reused], [2, 0]);
  const config = JSON.parse(
    Deno.readTextFileSync(join(FINISHED, "runs", "zero_grpo", "1", "config.json")),
  );
  assertEquals(config.identity.preset.name, "tiny");
  assertEquals(config.identity.train.beta, 0);
  assertEquals(Object.keys(config.identity.base).sort(), [
    "config.json",
    "model.safetensors",
    "tokenizer.json",
  ]);
  assertEquals(config.identity.eval_set.n, EVAL.length);
});

Deno.test("identity: a matching run is read back, not recomputed, and says so", async () => {
  const results = freshResults();
  const before = mtimes(results);
  const opts = options(results);
  const r = await runGrid(opts);
  assertEquals([r.computed, r.reused], [0, 2]);
  assertEquals(r.runs.map((s) => s.pass_at_1), first.runs.map((s) => s.pass_at_1));
  const readBack = opts.lines.filter((l) =>
    / — read back, finished \d{4}-\d\d-\d\d \d\d:\d\d UTC$/.test(l)
  );
  assertEquals(readBack.length, 2, opts.lines.join("\n"));
  assertEquals(mtimes(results), before);
});

Deno.test("identity: the same checkpoint copied elsewhere is the same base", async () => {
  const results = freshResults();
  const elsewhere = join(WORK, "base_copy");
  copyDir(BASE, elsewhere);
  const r = await runGrid(options(results, { baseDir: elsewhere }));
  assertEquals([r.computed, r.reused], [0, 2]);
});

Deno.test("identity: another preset is refused, naming the run folder and preset.name", async () => {
  const results = freshResults();
  const line = await refused(
    results,
    { preset: { ...PRESET, name: "quick" } },
    'preset.name: recorded "tiny", asked "quick"',
  );
  assert(line.includes("(and 1 more finished run(s) refused)"), line);
});

Deno.test("identity: a changed training setting is refused, naming the field", async () => {
  const results = freshResults();
  await refused(
    results,
    { preset: { ...PRESET, grpo: { ...PRESET.grpo, learning_rate: 3e-4 } } },
    "preset.grpo.learning_rate: recorded 0.0001, asked 0.0003",
  );
  // Only the trained run: the field is the same; the base is refused alone.
  await refused(
    results,
    { only: ["zero_grpo"], preset: { ...PRESET, grpo: { ...PRESET.grpo, warmup_steps: 1 } } },
    "preset.grpo.warmup_steps",
    join(results, "runs", "zero_grpo", "1"),
  );
});

Deno.test("identity: a changed evaluation setting is refused, naming the field", async () => {
  const results = freshResults();
  await refused(
    results,
    { preset: { ...PRESET, eval_samples: 2 } },
    "preset.eval_samples: recorded 1, asked 2",
  );
});

Deno.test('identity: other base weights are refused, naming base["model.safetensors"]', async () => {
  const results = freshResults();
  const other = join(WORK, "base_other_weights");
  copyDir(BASE, other);
  const weights = join(other, "model.safetensors");
  const bytes = Deno.readFileSync(weights);
  bytes[bytes.length - 1] ^= 0x01; // one bit of the last float
  Deno.writeFileSync(weights, bytes);
  await refused(
    results,
    { baseDir: other },
    'base["model.safetensors"]: recorded sha256',
  );
});

Deno.test("identity: another evaluation set is refused, naming eval_set", async () => {
  const results = freshResults();
  await refused(
    results,
    { evalProblems: EVAL.slice(0, 4) },
    "eval_set.n: recorded 5, asked 4",
  );
  const swapped = [...EVAL.slice(1), EVAL[0]];
  await refused(
    results,
    { evalProblems: swapped },
    "eval_set.sha256",
  );
});

Deno.test("identity: a run finished by an older layout (no identity) is unknown, not reused", async () => {
  const results = freshResults();
  const dir = join(results, "runs", "zero_grpo", "1");
  const config = JSON.parse(Deno.readTextFileSync(join(dir, "config.json")));
  // The layout before run identity: variant, seed, preset name, base folder, GRPO settings.
  const old = {
    variant: { ...config.identity.variant, description: "ZeroGRPO" },
    seed: 1,
    preset: "tiny",
    base: BASE,
    grpo: config.identity.train,
  };
  Deno.writeTextFileSync(join(dir, "config.json"), JSON.stringify(old, null, 2) + "\n");
  const line = await refused(
    results,
    {},
    `finished by an older layout (${join(dir, "config.json")} records no run identity)`,
    dir,
  );
  assert(line.includes(`delete ${dir} to recompute that run`), line);
  // Deleting it, as the line says, recomputes that run alone.
  Deno.removeSync(dir, { recursive: true });
  const r = await runGrid(options(results));
  assertEquals([r.computed, r.reused], [1, 1]);
});

/** Damages a copy with `damage(runDir)`; the grid refuses naming `file`, the report leaves it out. */
async function damagedCase(file: string, damage: (path: string) => void): Promise<void> {
  const results = freshResults();
  const dir = join(results, "runs", "zero_grpo", "1");
  damage(join(dir, file));
  await refused(results, {}, join(dir, file), join(dir, file));
  // The report never crashes: the run is left out with one line naming the file.
  const warned: string[] = [];
  const { runs } = readResults(join(results, "runs"), { warn: (l) => warned.push(l) });
  assertEquals(runs.map((r) => r.variant), ["base"]);
  assertEquals(warned.length, 1, warned.join("\n"));
  assert(warned[0].startsWith(`${join(dir, file)}: `), warned[0]);
  assert(warned[0].endsWith("left out of the report"), warned[0]);
  const loaded = await loadAblationResults(results);
  assert(loaded.ok && loaded.runs.length === 1, "the results notebook loads the rest");
}

Deno.test("damaged: a truncated metrics.jsonl stops the grid naming the file", async () => {
  await damagedCase("metrics.jsonl", (path) => {
    const text = Deno.readTextFileSync(path);
    Deno.writeTextFileSync(path, text.slice(0, text.length - 20)); // the last line cut
  });
  await damagedCase("metrics.jsonl", (path) => {
    const lines = Deno.readTextFileSync(path).trim().split("\n");
    Deno.writeTextFileSync(path, lines.slice(0, -1).join("\n") + "\n"); // a whole step missing
  });
});

Deno.test("damaged: an unparsable summary.json stops the grid naming the file", async () => {
  await damagedCase("summary.json", (path) => {
    const text = Deno.readTextFileSync(path);
    Deno.writeTextFileSync(path, text.slice(0, text.length / 2));
  });
});

Deno.test("damaged: a missing eval.json stops the grid naming the file", async () => {
  await damagedCase("eval.json", (path) => Deno.removeSync(path));
});

Deno.test("damaged: a truncated eval_samples.jsonl stops the grid naming the file", async () => {
  await damagedCase("eval_samples.jsonl", (path) => {
    const text = Deno.readTextFileSync(path);
    Deno.writeTextFileSync(path, text.slice(0, text.length - 30));
  });
});

Deno.test("ablate: the default results folder is out/ablation/<preset>, ignored by git", async () => {
  assertEquals(defaultResultsDir("quick"), join("out", "ablation", "quick"));
  const out = await new Deno.Command("git", {
    args: [
      "check-ignore",
      "-q",
      join(defaultResultsDir("quick"), "runs", "base", "1", "summary.json"),
    ],
    cwd: ROOT,
  }).output();
  assertEquals(out.code, 0, "git ignores the default results folder");
});

Deno.test({
  name: "ablate CLI: a rerun reads back and counts; another preset is refused in one line, exit 1",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const results = join(WORK, "cli");
    const ablate = (preset: string) =>
      new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          join(ROOT, "bin/ablate.ts"),
          "--preset",
          preset,
          "--base",
          BASE,
          "--results",
          results,
          "--only",
          "base",
        ],
        stdout: "piped",
        stderr: "piped",
        env: { NO_COLOR: "1" },
      }).output();
    const text = (b: Uint8Array) => new TextDecoder().decode(b);
    const one = await ablate("tiny");
    assertEquals(one.code, 0, text(one.stderr));
    assert(text(one.stdout).includes("ablate: 1 runs (1 computed, 0 read back)"), text(one.stdout));
    const two = await ablate("tiny");
    assertEquals(two.code, 0, text(two.stderr));
    assert(
      /base\/1: pass@1 [\d.]+% — read back, finished /.test(text(two.stdout)),
      text(two.stdout),
    );
    assert(text(two.stdout).includes("ablate: 1 runs (0 computed, 1 read back)"), text(two.stdout));
    const three = await ablate("quick");
    assertEquals(three.code, 1);
    const err = text(three.stderr).trim().split("\n").filter((l) => !l.startsWith("backend:"));
    assertEquals(err.length, 1, err.join("\n"));
    assert(
      err[0].startsWith(
        `error: ${join(results, "runs", "base", "1")}: finished with other settings`,
      ),
      err[0],
    );
    assert(err[0].includes('preset.name: recorded "tiny", asked "quick"'), err[0]);
  },
});
