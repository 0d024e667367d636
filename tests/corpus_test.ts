import { assert, assertEquals } from "./_assert.ts";
import { checkArithmetic } from "../lib/pretrain/check_arithmetic.ts";
import {
  CORPUS_RECIPES,
  corpusRecipe,
  corpusStream,
  DEFAULT_MIX,
  parsePasses,
  PASS_OPENERS,
} from "../lib/pretrain/corpus.ts";
import { miniMathHeldOut } from "../lib/data/minimath_split.ts";

const overthink = CORPUS_RECIPES.overthink;

Deno.test("checkArithmetic: checks numeric equations exactly, flags a wrong one", () => {
  const ok = checkArithmetic(
    "<think>7*8=56. 56+5=61. 35=4*8+3. \\frac{4}{8}+\\frac{4}{8}=\\frac{8}{8}=1. (-5)*3=-15.",
  );
  assertEquals(ok, { checked: 5, wrong: [] });
  const bad = checkArithmetic("6+4=11. 30-(-15)=45. \\frac{5}{6}\\cdot\\frac{4}{4}=\\frac{5}{7}.");
  assertEquals(bad.wrong, ["6+4=11", "\\frac{5}{6}\\cdot\\frac{4}{4}=\\frac{5}{7}"]);
  // Unknowns and words are not checked.
  assertEquals(checkArithmetic("x=12-3=9. gcd(5,15)=5. Count: 2.").checked, 0);
});

for (const version of ["v1", "v2"] as const) {
  Deno.test(`overthink corpus (MiniMath ${version}): every equation is right except the designated slips`, () => {
    checkCorpusArithmetic(version);
  });
}

function checkCorpusArithmetic(version: "v1" | "v2"): void {
  const stream = corpusStream(11, overthink.mix, overthink.passes, version);
  let checked = 0;
  let slips = 0;
  for (let i = 0; i < 3000; i++) {
    const ex = stream.next().value!;
    const { checked: n, wrong } = checkArithmetic(ex.completion);
    checked += n;
    if (ex.kind !== "wrong_final") {
      assertEquals(wrong, [], ex.completion);
      continue;
    }
    // A slip is one wrong result in the last step, re-derived identically by every pass.
    if (wrong.length) slips++;
    assert(new Set(wrong).size <= 1, ex.completion);
    assertEquals(wrong.length === 0 ? 0 : wrong.length, wrong.length === 0 ? 0 : 1 + ex.passes);
  }
  assert(checked > 5000, `only ${checked} equations checked`);
  assert(slips > 50, `only ${slips} slips seen`);
}

Deno.test("overthink corpus: passes, their share and order", () => {
  const stream = corpusStream(3, overthink.mix, overthink.passes);
  const n = 4000;
  let concise = 0;
  let long = 0;
  for (let i = 0; i < n; i++) {
    const ex = stream.next().value!;
    const opened = PASS_OPENERS.reduce((s, o) => s + ex.completion.split(o).length - 1, 0);
    assertEquals(opened, ex.passes, ex.completion);
    if (ex.passes === 0) concise++;
    else {
      assert(ex.passes >= overthink.passes!.min && ex.passes <= overthink.passes!.max);
      assert(ex.completion.includes(` ${PASS_OPENERS[0]} `)); // the first pass has its own opener
    }
    if (ex.completion.length > 160) long++;
    if (ex.kind === "clean") assert(/<\/think>\\boxed\{[^}]*(\}[^}]*)*\}$/.test(ex.completion));
    if (ex.kind === "no_answer") assert(ex.completion.endsWith("</think>"));
  }
  const share = concise / n;
  assert(Math.abs(share - overthink.passes!.concise) < 0.03, `concise share ${share}`);
  assert(long / n > 0.6, `only ${long / n} of completions exceed 160 characters`);
});

Deno.test("the imperfect recipe is the first base's stream, unchanged (no passes)", () => {
  const a = corpusStream(5, DEFAULT_MIX);
  const b = corpusStream(5, CORPUS_RECIPES.imperfect.mix, CORPUS_RECIPES.imperfect.passes);
  for (let i = 0; i < 200; i++) {
    const x = a.next().value!;
    assertEquals(x, b.next().value!);
    assertEquals(x.passes, 0);
  }
  // The first 500 completions hash as the stream did before recipes existed (same seed).
  const c = corpusStream(5);
  let h = 0;
  for (let i = 0; i < 500; i++) {
    for (const ch of c.next().value!.completion) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  }
  assertEquals(h, 4110551552);
});

Deno.test("overthink corpus never contains a MiniMath-500 problem (v1 and v2)", () => {
  for (const version of ["v1", "v2"] as const) {
    const held = new Set(miniMathHeldOut(version).map((p) => p.problem));
    const stream = corpusStream(1, overthink.mix, overthink.passes, version);
    for (let i = 0; i < 20000; i++) assert(!held.has(stream.next().value!.problem.problem));
  }
});

Deno.test("corpusRecipe: unknown names give a one-line error listing the recipes", () => {
  let msg = "";
  try {
    corpusRecipe("verbose");
  } catch (e) {
    msg = (e as Error).message;
  }
  assertEquals(msg, '--corpus: unknown recipe "verbose" (imperfect, overthink, concise)');
});

Deno.test("parsePasses: overrides fields of the recipe's passes; bad fields fail in one line", () => {
  const base = CORPUS_RECIPES.overthink.passes!;
  assertEquals(parsePasses('{"concise":0.5}', base), { ...base, concise: 0.5 });
  assertEquals(parsePasses('{"max":6}', null), { ...base, max: 6 });
  for (
    const [json, field] of [
      ['{"concise":1.5}', '"concise"'],
      ['{"min":0}', '"min"'],
      ['{"max":2.5}', '"max"'],
      ['{"often":1}', '"often"'],
      ['{"min":9,"max":4}', '"min"'],
    ]
  ) {
    let msg = "";
    try {
      parsePasses(json, base);
    } catch (e) {
      msg = (e as Error).message;
    }
    assert(msg.includes(field) && !msg.includes("\n"), `${json}: ${msg}`);
  }
});
