import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { join } from "node:path";
import { registerAllGradients } from "../lib/backend/gradients.ts";
import { runEval } from "../bin/eval.ts";
import { parseIds, runForward } from "../bin/forward.ts";
import { parseProblems } from "../lib/data/load_problems.ts";
import { hfCodec, HfTokenizer, loadModel } from "../lib/hf/mod.ts";
import { CharTokenizer, Qwen2Model, saveCheckpoint } from "../lib/model/mod.ts";
import { assert, assertEquals, assertRejects } from "./_assert.ts";
import { HF_TINY, writeCheckpoint, writeTokenizer } from "./_hf_fixtures.ts";
import { throwsOneLine } from "./_tiny_model.ts";

await tf.setBackend("cpu");
registerAllGradients();

const CONFIG = { ...HF_TINY, max_position_embeddings: 160 };

const PROBLEMS = [
  { problem: "1+1?", answer: "2", subject: "Arithmetic", level: 1 },
  { problem: "2+2?", answer: "4", subject: "Arithmetic", level: 1 },
  { problem: "Solve $x+1=3$.", answer: "2", subject: "Algebra", level: 2 },
].map((p, i) => JSON.stringify({ ...p, solution: "", unique_id: `t/${i}` })).join("\n") + "\n";

function tempFolder(): string {
  const dir = Deno.makeTempDirSync({ prefix: "hf_cli_test_" });
  writeCheckpoint(dir, CONFIG, { dtype: "BF16", shards: 2, seed: 5 });
  writeTokenizer(dir, "r1");
  Deno.writeTextFileSync(join(dir, "problems.jsonl"), PROBLEMS);
  return dir;
}

function capture() {
  const out: string[] = [], err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
}

Deno.test("forward CLI: prints the last position's logits as one JSON array", async () => {
  const dir = tempFolder();
  try {
    const lines: string[] = [];
    await runForward(
      ["--model", dir, "--ids", "266,269,5,270", "--backend", "cpu"],
      (l) => lines.push(l),
    );
    assertEquals(lines.length, 1);
    const printed = JSON.parse(lines[0]) as number[];
    assertEquals(printed.length, CONFIG.vocab_size);
    const m = loadModel(dir);
    const all = tf.tidy(() => m.model.forward(tf.tensor2d([[266, 269, 5, 270]], [1, 4], "int32")));
    const last = all.dataSync().slice(3 * CONFIG.vocab_size);
    all.dispose();
    m.model.dispose();
    assertEquals(Float32Array.from(printed), last);
    // --text goes through the tokenizer.
    const viaText: string[] = [];
    await runForward(
      ["--model", dir, "--text", " the", "--backend", "cpu"],
      (l) => viaText.push(l),
    );
    const viaIds: string[] = [];
    await runForward(["--model", dir, "--ids", "258", "--backend", "cpu"], (l) => viaIds.push(l));
    assertEquals(viaText, viaIds);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("forward CLI: --ids needs no tokenizer; --text names the missing tokenizer.json", async () => {
  const dir = tempFolder();
  try {
    const withTokenizer: string[] = [];
    await runForward(["--model", dir, "--ids", "5,7,9", "--backend", "cpu"], (l) => {
      withTokenizer.push(l);
    });
    for (const f of ["tokenizer.json", "tokenizer_config.json"]) {
      try {
        Deno.removeSync(join(dir, f));
      } catch { /* the fixture may not write it */ }
    }
    const without: string[] = [];
    await runForward(["--model", dir, "--ids", "5,7,9", "--backend", "cpu"], (l) => {
      without.push(l);
    });
    assertEquals(without, withTokenizer);
    await assertRejects(
      () => runForward(["--model", dir, "--text", "1+1=", "--backend", "cpu"], () => {}),
      Error,
      `${join(dir, "tokenizer.json")}: missing file (--text needs the folder's tokenizer`,
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("forward CLI: bad ids are one-line errors", () => {
  assertEquals(parseIds("1, 2,3", 10), [1, 2, 3]);
  throwsOneLine(() => parseIds("1,x", 10), `--ids: item 2 "x" is not an id in [0, 10)`);
  throwsOneLine(() => parseIds("1,10", 10), `--ids: item 2 "10" is not an id in [0, 10)`);
  throwsOneLine(() => parseIds("1,,2", 10), "--ids: expected comma-separated integers");
  throwsOneLine(() => parseIds("-1", 10), `--ids: item 1 "-1" is not an id`);
});

Deno.test("eval CLI: summary, per-sample JSONL, same results as a second run", async () => {
  const dir = tempFolder();
  try {
    const out = join(dir, "samples.jsonl");
    const args = [
      "--model",
      dir,
      "--data",
      join(dir, "problems.jsonl"),
      "--samples",
      "2",
      "--max-new-tokens",
      "5",
      "--seed",
      "3",
      "--backend",
      "cpu",
    ];
    const a = capture();
    const report = await runEval([...args, "--out", out], a.io);
    assertEquals([report.n, report.k], [3, 2]);
    const labels = a.out.map((l) => l.split(/\s+/)[0]);
    assertEquals(labels, [
      "model",
      "data",
      "sampling",
      "pass@1",
      "maj@2",
      "by",
      "by",
      "length",
      "speed",
    ]);
    assert(
      a.out.some((l) => l.startsWith("by level    1 ") && l.includes("(n=2)")),
      a.out.join("\n"),
    );
    assert(a.out.some((l) => l.includes("Algebra 0.0% (n=1)")), a.out.join("\n"));
    const lines = Deno.readTextFileSync(out).trim().split("\n").map((l) => JSON.parse(l));
    assertEquals(lines.length, 6);
    assertEquals(Object.keys(lines[0]), [
      "unique_id",
      "level",
      "subject",
      "sample",
      "gold",
      "answer",
      "correct",
      "length",
      "truncated",
      "completion",
    ]);
    assertEquals(lines.map((l) => `${l.unique_id}#${l.sample}`), [
      "t/0#0",
      "t/0#1",
      "t/1#0",
      "t/1#1",
      "t/2#0",
      "t/2#1",
    ]);
    assert(lines.every((l) => l.length <= 5));
    const b = capture();
    const again = await runEval([...args, "--json"], b.io);
    assertEquals(again.results.map((r) => r.completion), report.results.map((r) => r.completion));
    const json = JSON.parse(b.out[0]);
    assertEquals([json.n, json.k, json.pass1, json.results], [3, 2, report.pass1, undefined]);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("eval CLI: a char-tokenizer folder like data/bases/* evaluates too", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "hf_cli_char_" });
  try {
    const tok = CharTokenizer.default();
    const model = Qwen2Model.init({
      ...CONFIG,
      vocab_size: tok.vocabSize,
      tie_word_embeddings: true,
    }, 1);
    saveCheckpoint(dir, model, tok);
    model.dispose();
    Deno.writeTextFileSync(join(dir, "problems.jsonl"), PROBLEMS);
    const c = capture();
    const r = await runEval([
      "--model",
      dir,
      "--data",
      join(dir, "problems.jsonl"),
      "--max-new-tokens",
      "4",
      "--backend",
      "cpu",
    ], c.io);
    assertEquals([r.n, r.k], [3, 1]);
    assert(c.err[0].includes("char tokenizer"), c.err[0]);
    const m = loadModel(dir);
    assertEquals(m.tokenizer.kind, "char");
    // The char codec: BOS + problem + newline.
    assertEquals(m.codec.encodePrompt({ problem: "1+1?" } as never), [
      tok.bosId,
      ...tok.encode("1+1?\n"),
    ]);
    m.model.dispose();
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("eval CLI: too-long prompts fail unless --skip-long", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "hf_cli_long_" });
  try {
    writeTokenizer(dir, "r1");
    const data = join(dir, "p.jsonl");
    Deno.writeTextFileSync(data, PROBLEMS);
    const codec = hfCodec(HfTokenizer.load(dir));
    const lengths = parseProblems(PROBLEMS).map((p) => codec.encodePrompt(p).length);
    assert(lengths[2] > Math.max(lengths[0], lengths[1]), `${lengths}`);
    writeCheckpoint(dir, { ...CONFIG, max_position_embeddings: lengths[2] });
    const args = ["--model", dir, "--data", data, "--max-new-tokens", "2", "--backend", "cpu"];
    let msg = "";
    await runEval(args, capture().io).catch((e) => (msg = e.message));
    assert(
      msg.startsWith(`${data}: problem t/2: prompt of ${lengths[2]} tokens leaves no room`),
      msg,
    );
    const c = capture();
    const r = await runEval([...args, "--skip-long"], c.io);
    assertEquals(r.n, 2);
    assert(c.out[1].includes("(1 skipped: prompt too long)"), c.out[1]);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("eval CLI (subprocess): bad input → one line on stderr, exit 1", async () => {
  const dir = tempFolder();
  try {
    const bad = join(dir, "bad.jsonl");
    Deno.writeTextFileSync(
      bad,
      PROBLEMS +
        '{"problem":"x","solution":"","answer":"1","subject":"A","level":9,"unique_id":"z"}\n',
    );
    Deno.removeSync(join(dir, "model-00002-of-00002.safetensors"));
    const run = async (script: string, args: string[]) => {
      const cmd = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", script, ...args, "--backend", "cpu"],
        stdout: "piped",
        stderr: "piped",
      });
      const { code, stdout, stderr } = await cmd.output();
      return { code, out: new TextDecoder().decode(stdout), err: new TextDecoder().decode(stderr) };
    };
    const e1 = await run("bin/eval.ts", ["--model", dir, "--data", bad]);
    assertEquals(e1.code, 1);
    assertEquals(e1.err, `error: ${bad}:4: field level: must be an integer 1–5, got number 9\n`);
    assertEquals(e1.out, "");
    const e2 = await run("bin/forward.ts", ["--model", dir, "--ids", "1,2"]);
    assertEquals(e2.code, 1);
    const shard = join(dir, "model-00002-of-00002.safetensors");
    assert(e2.err.startsWith(`error: ${shard}: missing file (shard of "model.`), e2.err);
    assertEquals(e2.err.split("\n").length, 2, e2.err); // one line + the final newline
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
