import { join } from "node:path";
import { hfCodec, HfTokenizer, MATH_INSTRUCTION, mathUserMessage } from "../lib/hf/mod.ts";
import type { Problem } from "../lib/data/problem.ts";
import { assertEquals } from "./_assert.ts";
import { addedId, byteChars, MERGES, QWEN_TEMPLATE, writeTokenizer } from "./_hf_fixtures.ts";
import { throwsOneLine } from "./_tiny_model.ts";

const PROBLEM: Problem = {
  problem: "What is $\\frac{1}{2} + 3$? Find the value.",
  solution: "",
  answer: "\\frac{7}{2}",
  subject: "Algebra",
  level: 1,
  unique_id: "test/algebra/1.json",
};

function withTokenizer<T>(
  style: "qwen" | "r1" | "none",
  fn: (tok: HfTokenizer, dir: string) => T,
): T {
  const dir = Deno.makeTempDirSync({ prefix: "hf_tok_test_" });
  try {
    writeTokenizer(dir, style);
    return fn(HfTokenizer.load(dir), dir);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

/** Id of a merged token of the fixture BPE. */
const merged = (a: string, b: string) => 256 + MERGES.findIndex(([x, y]) => x === a && y === b);
/** Id of a single byte's token. */
const byte = (ch: string) => byteChars().indexOf(ch);

Deno.test("hf tokenizer: byte-level BPE merges, Qwen split pattern, lossless round trip", () => {
  withTokenizer("r1", (tok) => {
    assertEquals(tok.encode(" the"), [merged("Ġt", "he")]);
    assertEquals(tok.encode("the"), [byte("t"), merged("h", "e")]);
    // "\boxed" is one pre-token, merged in rank order down to a single id; digits split one by one.
    assertEquals(tok.encode("\\boxed{12}"), [
      merged("\\box", "ed"),
      byte("{"),
      byte("1"),
      byte("2"),
      byte("}"),
    ]);
    for (
      const s of [
        "Let $x^2 + y^2 = 25$; find \\sqrt{x}.",
        "  two  spaces\n\nand newlines\t tab",
        "unicode: π ≥ ∞, café, 日本語, emoji 🙂",
        "<think>\nwait…</think> \\boxed{\\frac{7}{2}}",
      ]
    ) {
      assertEquals(tok.decode(tok.encode(s)), s, JSON.stringify(s));
    }
  });
});

Deno.test("hf tokenizer: added tokens are single ids; special ids from tokenizer_config.json", () => {
  withTokenizer("r1", (tok) => {
    assertEquals(tok.eosId, addedId("<｜end▁of▁sentence｜>"));
    assertEquals(tok.padId, addedId("<｜end▁of▁sentence｜>"));
    assertEquals(tok.bosId, addedId("<｜begin▁of▁sentence｜>"));
    assertEquals(tok.vocabSize, 273);
    assertEquals(tok.encode("a<think>b</think>"), [
      byte("a"),
      addedId("<think>"),
      byte("b"),
      addedId("</think>"),
    ]);
    // Special tokens are kept by default, dropped on request; unknown ids are dropped.
    const ids = [addedId("<｜begin▁of▁sentence｜>"), byte("x"), 275, 279];
    assertEquals(tok.decode(ids), "<｜begin▁of▁sentence｜>x");
    assertEquals(tok.decode(ids, { skipSpecial: true }), "x");
    assertEquals(tok.decode([]), "");
  });
  withTokenizer("qwen", (tok) => {
    assertEquals(tok.eosId, addedId("<|im_end|>"));
    assertEquals(tok.padId, addedId("<|endoftext|>"));
    assertEquals(tok.bosId, null);
  });
});

Deno.test("hf codec: R1 chat template → BOS, <｜User｜>, problem + instruction, <｜Assistant｜><think>\\n", () => {
  withTokenizer("r1", (tok) => {
    const user = mathUserMessage(PROBLEM);
    assertEquals(user, `${PROBLEM.problem}\n${MATH_INSTRUCTION}`);
    assertEquals(
      MATH_INSTRUCTION,
      "Please reason step by step, and put your final answer within \\boxed{}.",
    );
    const text = tok.applyChatTemplate([{ role: "user", content: user }]);
    assertEquals(text, `<｜begin▁of▁sentence｜><｜User｜>${user}<｜Assistant｜><think>\n`);
    const codec = hfCodec(tok);
    assertEquals(codec.encodePrompt(PROBLEM), [
      addedId("<｜begin▁of▁sentence｜>"),
      addedId("<｜User｜>"),
      ...tok.encode(user),
      addedId("<｜Assistant｜>"),
      addedId("<think>"),
      byte("Ċ"),
    ]);
    assertEquals(codec.eosId, tok.eosId);
    // decode: completion text; EOS/padding dropped, other added tokens kept.
    const completion = [...tok.encode("x</think> \\boxed{3}"), tok.eosId];
    assertEquals(codec.decode(completion), "x</think> \\boxed{3}");
    assertEquals(codec.encode("the"), tok.encode("the"));
    // Without add_generation_prompt the template stops after the user turn.
    assertEquals(
      tok.applyChatTemplate([{ role: "user", content: "hi" }], { addGenerationPrompt: false }),
      "<｜begin▁of▁sentence｜><｜User｜>hi",
    );
  });
});

Deno.test("hf codec: ChatML template, optional system message, and folders without a template", () => {
  withTokenizer("qwen", (tok) => {
    assertEquals(tok.chatTemplate, QWEN_TEMPLATE);
    const user = mathUserMessage(PROBLEM);
    const codec = hfCodec(tok, { system: "Be brief." });
    const ids = codec.encodePrompt(PROBLEM);
    assertEquals(
      tok.decode(ids),
      `<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\n${user}<|im_end|>\n<|im_start|>assistant\n`,
    );
    assertEquals(ids[0], addedId("<|im_start|>"));
  });
  withTokenizer("none", (tok) => {
    assertEquals(tok.chatTemplate, null);
    assertEquals(hfCodec(tok).encodePrompt(PROBLEM), tok.encode(mathUserMessage(PROBLEM)));
  });
});

Deno.test("hf tokenizer: chat_template.jinja wins; bad files give one-line errors", () => {
  withTokenizer("r1", (_tok, dir) => {
    Deno.writeTextFileSync(join(dir, "chat_template.jinja"), "[{{ messages[0].content }}]");
    assertEquals(HfTokenizer.load(dir).applyChatTemplate([{ role: "user", content: "q" }]), "[q]");
    Deno.writeTextFileSync(join(dir, "chat_template.jinja"), "{% if %}");
    throwsOneLine(
      () => HfTokenizer.load(dir),
      `${join(dir, "chat_template.jinja")}: chat template does not parse`,
    );
    Deno.removeSync(join(dir, "chat_template.jinja"));

    const cfgPath = join(dir, "tokenizer_config.json");
    const cfg = JSON.parse(Deno.readTextFileSync(cfgPath));
    Deno.writeTextFileSync(cfgPath, JSON.stringify({ ...cfg, eos_token: "<nope>" }));
    throwsOneLine(() => HfTokenizer.load(dir), `${cfgPath}: field "eos_token": "<nope>" is not in`);
    Deno.writeTextFileSync(cfgPath, JSON.stringify({ ...cfg, eos_token: 5 }));
    throwsOneLine(() => HfTokenizer.load(dir), `${cfgPath}: field "eos_token": expected a string`);
    // No eos_token anywhere: named as missing; config.json's eos_token_id is the fallback.
    const { eos_token: _e, ...noEos } = cfg;
    Deno.writeTextFileSync(cfgPath, JSON.stringify(noEos));
    throwsOneLine(() => HfTokenizer.load(dir), `${cfgPath}: field "eos_token": missing`);
    assertEquals(HfTokenizer.load(dir, 264).eosId, 264);
    Deno.writeTextFileSync(cfgPath, "{not json");
    throwsOneLine(() => HfTokenizer.load(dir), `${cfgPath}: invalid JSON`);
    Deno.writeTextFileSync(cfgPath, JSON.stringify(cfg));

    const tokPath = join(dir, "tokenizer.json");
    Deno.writeTextFileSync(tokPath, JSON.stringify({ model: { type: "Mystery" } }));
    throwsOneLine(() => HfTokenizer.load(dir), `${tokPath}: unsupported or invalid tokenizer`);
  });
});
