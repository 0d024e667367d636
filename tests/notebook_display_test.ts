import pl from "nodejs-polars";
import { assert, assertEquals } from "./_assert.ts";
import { recordingDisplay } from "./_notebook_fixtures.ts";
import {
  chart,
  DISPLAY,
  displayable,
  html,
  liveDisplay,
  markdown,
  mimeBundle,
  settle,
  showWith,
} from "../lib/notebook/display.ts";
import { staticChartMarkdown } from "../lib/report/static_chart.ts";
import type { TopLevelSpec } from "vega-lite";

const SPEC = {
  $schema: "https://vega.github.io/schema/vega-lite/v6.json",
  title: "Bars",
  data: { values: [{ a: "x", b: 1 }, { a: "y", b: 2 }] },
  mark: "bar",
  encoding: { x: { field: "a", type: "nominal" }, y: { field: "b", type: "quantitative" } },
} as TopLevelSpec;

Deno.test("chart: a Vega-Lite v5 MIME bundle with SVG fallbacks and a plain-text name", async () => {
  const bundle = await mimeBundle(await chart(SPEC));
  const vl = bundle["application/vnd.vegalite.v5+json"] as Record<string, unknown>;
  assertEquals(vl.$schema, "https://vega.github.io/schema/vega-lite/v5.json");
  assertEquals(vl.mark, "bar");
  assert(String(bundle["image/svg+xml"]).startsWith("<svg"), "svg fallback");
  assertEquals(bundle["text/markdown"], staticChartMarkdown(String(bundle["image/svg+xml"])));
  assertEquals(bundle["text/plain"], "<chart: Bars>");
  const noSvg = await mimeBundle(await chart(SPEC, { svg: false }));
  assertEquals(noSvg["image/svg+xml"], undefined);
  assertEquals(noSvg["text/markdown"], undefined);
});

Deno.test("html, markdown and DataFrames display through the Jupyter display symbol", async () => {
  assertEquals(DISPLAY, Symbol.for("Jupyter.display"));
  assertEquals(await mimeBundle(html("<b>x</b>", "x")), {
    "text/html": "<b>x</b>",
    "text/plain": "x",
  });
  assertEquals((await mimeBundle(markdown("# T")))["text/markdown"], "# T");
  const df = await mimeBundle(pl.DataFrame({ a: [1, 2] }));
  assert(String(df["text/html"]).includes("<table>"), "polars renders an HTML table");
  assertEquals(await mimeBundle("plain"), { "text/plain": "plain" });
});

Deno.test("showWith: displays items in order, flattening arrays and awaiting promises", async () => {
  const { display, calls } = recordingDisplay();
  await showWith(display, () => {}, [
    markdown("a"),
    [markdown("b"), Promise.resolve(markdown("c"))],
    displayable({ "text/plain": "d" }),
  ]);
  assertEquals(calls.map((c) => c.bundle["text/plain"]), ["a", "b", "c", "d"]);
  assert(calls.every((c) => c.options.raw === true && c.options.display_id === undefined));
});

Deno.test("showWith: outside a kernel, prints each item's plain text", async () => {
  const lines: string[] = [];
  await showWith(undefined, (t) => lines.push(t), [markdown("hello"), [html("<i>x</i>", "x")]]);
  assertEquals(lines, ["hello", "x"]);
});

Deno.test("liveDisplay: the first update displays, later ones update the same display id", async () => {
  const { display, calls } = recordingDisplay();
  const live = liveDisplay(display);
  await live.update(markdown("1"));
  await live.update(markdown("2"));
  assertEquals(calls.map((c) => c.options.update), [false, true]);
  assert(calls[0].options.display_id !== undefined);
  assertEquals(calls[0].options.display_id, calls[1].options.display_id);
  const other = liveDisplay(display);
  await other.update(markdown("3"));
  assert(calls[2].options.display_id !== calls[0].options.display_id, "ids are unique");
});

Deno.test("settle: 50 ms plus 100 ms per MB of output", async () => {
  let t0 = performance.now();
  await settle(0);
  const small = performance.now() - t0;
  assert(small >= 45, `at least ~50 ms, waited ${small}`);
  t0 = performance.now();
  await settle(1_000_000);
  const big = performance.now() - t0;
  assert(big >= 140, `about 150 ms for 1 MB, waited ${big}`);
});
