import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { CharTokenizer } from "../lib/model/mod.ts";
import { throwsOneLine } from "./_tiny_model.ts";

const TOK = CharTokenizer.default();

Deno.test("default alphabet: 100 ids, specials first, all of MATH-style LaTeX", () => {
  assertEquals(TOK.vocabSize, 100);
  assertEquals([TOK.padId, TOK.bosId, TOK.eosId, TOK.unkId], [0, 1, 2, 3]);
  const latex = "Let $f(x) = \\frac{x^2+1}{x_1-3}$; find |f(-2)| [a,b] <= 7.5!\n" +
    "\\boxed{\\sqrt{2}} & 50% 'q' \"r\" #@~`?:";
  const ids = TOK.encode(latex);
  assert(!ids.includes(TOK.unkId), "every character of the sample is in the alphabet");
  assertEquals(ids.length, latex.length);
  assertEquals(TOK.decode(ids), latex);
  for (let c = 32; c < 127; c++) assert(TOK.encode(String.fromCharCode(c))[0] > 3);
});

Deno.test("encode/decode: bos/eos, specials skipped or named, unknown characters", () => {
  assertEquals(TOK.encode("ab", { bos: true, eos: true }), [1, ...TOK.encode("ab"), 2]);
  assertEquals(TOK.decode([1, ...TOK.encode("ab"), 2, 0, 0]), "ab");
  assertEquals(
    TOK.decode([1, ...TOK.encode("ab"), 2, 0], { skipSpecial: false }),
    "<bos>ab<eos><pad>",
  );
  // é, a tab and an astral character (one code point, two UTF-16 units) are each one <unk>.
  assertEquals(TOK.encode("é\t😀x"), [3, 3, 3, ...TOK.encode("x")]);
  assertEquals(TOK.decode(TOK.encode("π=3")), "\uFFFD=3");
  throwsOneLine(() => TOK.decode([100]), "CharTokenizer.decode: id 100 out of range [0, 100)");
});

Deno.test("tokenizer.json round trip and schema errors name the file and field", () => {
  const json = JSON.parse(JSON.stringify(TOK.toJSON()));
  assertEquals(json.type, "char");
  const back = CharTokenizer.fromJSON(json, "tokenizer.json");
  assertEquals(back.toJSON(), TOK.toJSON());
  assertEquals(back.encode("x+1"), TOK.encode("x+1"));
  const f = "ckpt/tokenizer.json";
  const cases: [Record<string, unknown>, string][] = [
    [{ ...json, type: "bpe" }, `${f}: field "type": expected "char", got "bpe"`],
    [{ ...json, extra: 1 }, `${f}: field "extra": unknown key`],
    [{ ...json, eos_id: undefined }, `${f}: field "eos_id": missing`],
    [{ ...json, eos_id: 500 }, `${f}: field "eos_id": expected an id in [0, 100)`],
    [{ ...json, eos_id: 5 }, `${f}: field "eos_id": tokens[5] is " ", expected "<eos>"`],
    [
      { ...json, tokens: [...json.tokens, "a"] },
      `${f}: field "tokens": tokens[100] "a" is duplicated`,
    ],
    [
      { ...json, tokens: [...json.tokens, "ab"] },
      `${f}: field "tokens": tokens[100] "ab" is not one character`,
    ],
    [{ ...json, tokens: "abc" }, `${f}: field "tokens": expected an array of strings`],
  ];
  for (const [obj, msg] of cases) {
    const clean = Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
    throwsOneLine(() => CharTokenizer.fromJSON(clean, f), msg);
  }
});
