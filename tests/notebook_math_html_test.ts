import { assert, assertEquals } from "./_assert.ts";
import {
  htmlTable,
  mathTextHtml,
  miniMathToTex,
  rawTextHtml,
  texHtml,
} from "../lib/notebook/math_html.ts";

Deno.test("miniMathToTex: wraps math runs in $…$ and writes * as \\cdot", () => {
  assertEquals(miniMathToTex("What is 4*(2+4)?"), "What is $4\\cdot (2+4)$?");
  assertEquals(miniMathToTex("Solve for x: 9x-10=71."), "Solve for x: $9x-10=71$.");
  assertEquals(miniMathToTex("Simplify \\frac{15}{21}."), "Simplify $\\frac{15}{21}$.");
  assertEquals(miniMathToTex("gcd(15,21)=3."), "gcd$(15,21)=3$.");
  assertEquals(
    miniMathToTex("How many multiples of 9 are there from 1 to 74?"),
    "How many multiples of $9$ are there from $1$ to $74$?",
  );
});

Deno.test("miniMathToTex: leaves words, lone variables and \\boxed{…} alone", () => {
  assertEquals(miniMathToTex("What is P(both green)?"), "What is P(both green)?");
  assertEquals(miniMathToTex("Solve for x now"), "Solve for x now");
  assertEquals(miniMathToTex("6+4=10. \\boxed{10}"), "$6+4=10$. \\boxed{10}");
  assertEquals(miniMathToTex("\\boxed{\\frac{3}{13}}"), "\\boxed{\\frac{3}{13}}");
});

Deno.test("mathTextHtml / texHtml: MathML only (no KaTeX HTML that needs the stylesheet)", () => {
  const h = mathTextHtml("Let $x^2$ be <b>bold</b>");
  assert(h.includes("<math"), "has MathML");
  assert(!h.includes("katex-html"), "no HTML rendering");
  assert(h.includes("&lt;b&gt;bold&lt;/b&gt;"), "text escaped");
  assert(texHtml("\\frac{1}{2}", true).includes("<mfrac>"));
});

Deno.test("rawTextHtml and htmlTable escape text", () => {
  assertEquals(
    rawTextHtml("<think>1<2</think>").includes("&lt;think&gt;1&lt;2&lt;/think&gt;"),
    true,
  );
  const t = htmlTable(["a<b"], [["<i>x</i>"]], "cap & co");
  assert(t.includes('<th style="text-align:left">a&lt;b</th>'));
  assert(
    t.includes('<td style="text-align:left;vertical-align:top"><i>x</i></td>'),
    "cells are HTML",
  );
  assert(t.includes("cap &amp; co"));
});
