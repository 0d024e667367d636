import { equal, match, ok } from "node:assert/strict";
import {
  escapeHtml,
  katexCss,
  renderMathText,
  renderSamplesHtml,
  type SampleEntry,
  writeSamplesHtml,
} from "../lib/report/samples_html.ts";

const SAMPLES: SampleEntry[] = [
  {
    id: "p1",
    problem: "What is $\\frac{1}{2} + \\frac{1}{3}$?",
    completion: "1/2 + 1/3 = 5/6 so the answer is \\boxed{\\frac{5}{6}}",
    answer: "\\frac{5}{6}",
    predicted: "\\frac{5}{6}",
    correct: true,
    reward: 1,
    level: 2,
    variant: "zero_grpo",
    seed: 1,
    step: 500,
  },
  {
    problem: "Compute 2 < 3 & 4 > 1.",
    completion: "<script>alert('x')</script> hmm $<img src=x onerror=alert(1)>$ \\boxed{<u>}",
    correct: false,
  },
];

Deno.test("renderMathText: $…$ and \\boxed{} become KaTeX, the rest is escaped", () => {
  const html = renderMathText("Let $x^2$ be <b>bold</b> & \\boxed{42}.");
  match(html, /^Let <span class="katex">/);
  match(html, /<annotation encoding="application\/x-tex">x\^2<\/annotation>/);
  match(html, / be &lt;b&gt;bold&lt;\/b&gt; &amp; <span class="katex">/);
  match(html, /\\boxed\{42\}<\/annotation>/);
  ok(html.endsWith("</span>."));
});

Deno.test("renderMathText: delimiters \\( \\) \\[ \\] $$ and prices stay text", () => {
  match(renderMathText("\\(a\\)"), /^<span class="katex">/);
  match(renderMathText("\\[a\\]"), /^<span class="katex-display">/);
  match(renderMathText("$$a$$"), /^<span class="katex-display">/);
  equal(renderMathText("costs $5 and $10"), "costs $5 and $10");
  equal(renderMathText("a \\$ sign"), "a $ sign");
  equal(renderMathText("unclosed $x and \\boxed{y"), "unclosed $x and \\boxed{y");
  // invalid TeX does not throw: KaTeX shows an inline error span
  match(renderMathText("$\\frac{1}{$"), /katex-error/);
});

Deno.test("renderSamplesHtml: KaTeX output present, injected markup escaped", async () => {
  const html = await renderSamplesHtml(SAMPLES, { title: "Samples <test>", fonts: "none" });
  match(html, /^<!DOCTYPE html>/);
  match(html, /<title>Samples &lt;test&gt;<\/title>/);
  match(html, /\.katex\{/); // KaTeX CSS inlined
  match(html, /<span class="katex">/);
  match(html, /\\frac\{5\}\{6\}<\/annotation>/);
  match(html, /#p1 · zero_grpo · seed 1 · step 500 · level 2 · reward 1\.000/);
  match(html, /✓ correct/);
  match(html, /✗ wrong/);
  // the injected <script> is escaped, never live
  equal(html.includes("<script"), false);
  match(html, /&lt;script&gt;alert\(&#39;x&#39;\)&lt;\/script&gt;/);
  equal(/<img/i.test(html), false);
  equal(html.includes("<u>"), false);
  match(html, /Compute 2 &lt; 3 &amp; 4 &gt; 1\./);
});

Deno.test("katexCss: fonts embedded as data URIs, dropped, or linked", async () => {
  const embedded = await katexCss("embed");
  match(embedded, /src:url\(data:font\/woff2;base64,[A-Za-z0-9+/]+=*\) format\("woff2"\)/);
  equal(embedded.includes("url(fonts/"), false);
  const none = await katexCss("none");
  equal(none.includes("@font-face"), false);
  const linked = await katexCss({ baseUrl: "./fonts" });
  match(linked, /src:url\(\.\/fonts\/KaTeX_Main-Regular\.woff2\) format\("woff2"\)/);
});

Deno.test("writeSamplesHtml: self-contained page under 1 MB", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/samples.html`;
  await writeSamplesHtml(path, SAMPLES);
  const size = (await Deno.stat(path)).size;
  ok(size < 1_000_000, `size ${size}`);
  ok(size > 100_000); // fonts embedded
  await Deno.remove(dir, { recursive: true });
});

Deno.test("escapeHtml", () => {
  equal(escapeHtml(`<a href="x">'&'</a>`), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
});
