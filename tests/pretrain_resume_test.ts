import { assert, assertEquals } from "./_assert.ts";
import { join } from "node:path";

const CONFIG = {
  architectures: ["Qwen2ForCausalLM"],
  model_type: "qwen2",
  hidden_act: "silu",
  hidden_size: 32,
  num_hidden_layers: 1,
  num_attention_heads: 2,
  num_key_value_heads: 1,
  intermediate_size: 64,
  vocab_size: 100,
  max_position_embeddings: 768,
  rope_theta: 10000,
  rms_norm_eps: 1e-6,
  tie_word_embeddings: true,
};

function pretrainCli(args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "bin/pretrain.ts", ...args],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

async function finish(p: Deno.ChildProcess): Promise<string> {
  const out = await p.output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert(out.success, text);
  return text;
}

const withoutSeconds = (log: string) =>
  log.trim().split("\n").map((l) => {
    const { seconds: _s, ...rest } = JSON.parse(l);
    return rest;
  });

Deno.test("pretrain: SIGKILL mid-run, then --resume, ends bit-identical to an uninterrupted run", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const config = join(dir, "config.json");
    await Deno.writeTextFile(config, JSON.stringify(CONFIG));
    const recipe = ["--corpus", "overthink", "--config", config, "--steps", "40"];
    recipe.push("--batch-size", "4", "--seed", "7");
    const a = join(dir, "a");
    const b = join(dir, "b");
    await finish(pretrainCli([...recipe, "--out", a]));

    const killed = pretrainCli([...recipe, "--out", b, "--checkpoint-steps", "5"]);
    const state = join(b, "resume", "state.json");
    for (let i = 0; i < 600; i++) {
      try {
        if (JSON.parse(await Deno.readTextFile(state)).step >= 10) break;
      } catch { /* not written yet */ }
      await new Promise((r) => setTimeout(r, 50));
    }
    killed.kill("SIGKILL");
    const status = await killed.status;
    assertEquals(status.success, false, "the run finished before it could be killed");
    // Whatever the kill interrupted, a whole checkpoint is there (never a torn one).
    const saved = JSON.parse(await Deno.readTextFile(state)).step;
    assert(saved >= 10 && saved < 40, `checkpoint at step ${saved}`);

    const resumed = await finish(pretrainCli(["--out", b, "--resume"]));
    assert(resumed.includes(`resuming ${b} at step ${saved} of 40`), resumed);
    assertEquals(
      await Deno.readFile(join(b, "model.safetensors")),
      await Deno.readFile(join(a, "model.safetensors")),
    );
    assertEquals(
      withoutSeconds(await Deno.readTextFile(join(b, "pretrain_log.jsonl"))),
      withoutSeconds(await Deno.readTextFile(join(a, "pretrain_log.jsonl"))),
    );
    // A finished run leaves no resume checkpoint behind.
    await Deno.stat(join(b, "resume")).then(() => assert(false, "resume/ left"), () => {});
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("pretrain --resume: refuses recipe flags and a missing checkpoint, one line each", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const run = async (args: string[]) => {
      const out = await pretrainCli(args).output();
      assertEquals(out.success, false);
      return new TextDecoder().decode(out.stderr).trim().split("\n").at(-1)!;
    };
    const missing = await run(["--out", dir, "--resume"]);
    assert(missing.includes(`${join(dir, "resume", "state.json")}: missing file`), missing);
    const flag = await run(["--out", dir, "--resume", "--lr", "1e-3"]);
    assert(flag.includes("--resume takes the recipe from") && flag.endsWith("drop --lr"), flag);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
