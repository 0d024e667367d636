import * as tf from "@tensorflow/tfjs-core";
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { join } from "node:path";
import {
  CharTokenizer,
  loadCheckpoint,
  readSafetensors,
  saveCheckpoint,
  writeSafetensors,
} from "../lib/model/mod.ts";
import { bigModel, throwsOneLine, TINY } from "./_tiny_model.ts";

const TOK = CharTokenizer.default();
const CONFIG = { ...TINY, vocab_size: TOK.vocabSize };

Deno.test("checkpoint round trip: bit-exact parameters, same tokenizer, config and logits", () => {
  for (const tied of [true, false]) {
    const dir = Deno.makeTempDirSync();
    const model = bigModel({ ...CONFIG, tie_word_embeddings: tied }, 31);
    saveCheckpoint(dir, model, TOK);
    assertEquals(
      [...Deno.readDirSync(dir)].map((e) => e.name).sort(),
      ["config.json", "model.safetensors", "tokenizer.json"],
    );
    const { model: back, tokenizer, config } = loadCheckpoint(dir);
    assertEquals(config, model.config);
    assertEquals(tokenizer.toJSON(), TOK.toJSON());
    assertEquals([...back.params.keys()].sort(), [...model.params.keys()].sort());
    for (const [name, v] of model.params) {
      assertEquals(back.params.get(name)!.dataSync(), v.dataSync());
    }
    const ids = tf.tensor2d([TOK.encode("x^2+1", { bos: true })], undefined, "int32");
    const logits = (m: typeof model) => tf.tidy(() => m.forward(ids).dataSync());
    assertEquals(logits(back), logits(model));
    tf.dispose(ids);
    model.dispose();
    back.dispose();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("bad checkpoints fail with one line naming the file and the tensor or field", () => {
  const dir = Deno.makeTempDirSync();
  const model = bigModel(CONFIG, 32);
  const cfg = join(dir, "config.json"), st = join(dir, "model.safetensors");
  const tok = join(dir, "tokenizer.json");
  const fresh = () => saveCheckpoint(dir, model, TOK);
  const editWeights = (f: (m: Map<string, { shape: number[]; data: Float32Array }>) => void) => {
    fresh();
    const { tensors } = readSafetensors(st);
    f(tensors);
    writeSafetensors(st, tensors);
  };
  const editJson = (path: string, f: (j: Record<string, unknown>) => void) => {
    fresh();
    const j = JSON.parse(Deno.readTextFileSync(path));
    f(j);
    Deno.writeTextFileSync(path, JSON.stringify(j));
  };
  const q = "model.layers.0.self_attn.q_proj.weight";
  const cases: [() => void, string][] = [
    [() => (fresh(), Deno.removeSync(st)), `${st}: missing file`],
    [() => (fresh(), Deno.removeSync(cfg)), `${cfg}: missing file`],
    [() => (fresh(), Deno.removeSync(tok)), `${tok}: missing file`],
    [() => editWeights((m) => m.delete(q)), `${st}: tensor "${q}": missing`],
    [
      () => editWeights((m) => m.set("model.extra", { shape: [1], data: new Float32Array(1) })),
      `${st}: tensor "model.extra": unexpected`,
    ],
    [
      () => editWeights((m) => m.set(q, { shape: [8, 16], data: new Float32Array(128) })),
      `${st}: tensor "${q}": shape [8,16], expected [16,16] from ${cfg}`,
    ],
    [() => editJson(cfg, (j) => (j.hidden_sizes = 3)), `${cfg}: field "hidden_sizes": unknown key`],
    [() => editJson(cfg, (j) => delete j.rope_theta), `${cfg}: field "rope_theta": missing`],
    [
      () => editJson(cfg, (j) => (j.hidden_size = 32)),
      `${st}: tensor "model.embed_tokens.weight": shape`,
    ],
    [() => editJson(tok, (j) => (j.type = "bpe")), `${tok}: field "type": expected "char"`],
    [
      () => editJson(tok, (j) => (j.tokens = (j.tokens as string[]).slice(0, 50))),
      `${tok}: field "tokens": 50 ids but ${cfg} has vocab_size 100`,
    ],
    [() => (fresh(), Deno.writeTextFileSync(cfg, "{")), `${cfg}: invalid JSON`],
    [
      () => (fresh(), Deno.writeFileSync(st, new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0, 123]))),
      `${st}: header: invalid JSON`,
    ],
  ];
  for (const [make, msg] of cases) {
    make();
    throwsOneLine(() => loadCheckpoint(dir), msg);
  }
  model.dispose();
  Deno.removeSync(dir, { recursive: true });
});
