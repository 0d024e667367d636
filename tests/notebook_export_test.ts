/**
 * Notebooks exported with `jupyter nbconvert --to html` show every chart with no network: each
 * chart output carries its SVG inline as `text/markdown`, which nbconvert picks over the Vega-Lite
 * JSON (drawn only by scripts from the network) and over `image/svg+xml` (emptied by Debian
 * nbconvert 6.5's sanitizer).
 */
import { basename, join } from "node:path";
import { assert, assertEquals } from "./_assert.ts";
import { staticChartMarkdown } from "../lib/report/static_chart.ts";

const DIR = new URL("../notebooks/", import.meta.url).pathname;
const NOTEBOOKS = [...Deno.readDirSync(DIR)].map((e) => e.name).filter((n) => n.endsWith(".ipynb"))
  .sort();

type Data = Record<string, string | string[] | unknown>;

function text(v: unknown): string {
  return Array.isArray(v) ? v.join("") : String(v);
}

/** The data of every chart output (a Vega-Lite bundle) of a notebook file. */
function chartOutputs(path: string): Data[] {
  const nb = JSON.parse(Deno.readTextFileSync(path)) as {
    cells: { outputs?: { data?: Data }[] }[];
  };
  return nb.cells.flatMap((c) => c.outputs ?? []).map((o) => o.data ?? {})
    .filter((d) => Object.keys(d).some((k) => k.startsWith("application/vnd.vegalite")));
}

Deno.test("staticChartMarkdown: one raw HTML line, the SVG untouched but for newlines and $", () => {
  assertEquals(
    staticChartMarkdown('<svg a="1">\n<text>$5</text></svg>'),
    '<div class="ssr1-chart"><svg a="1"> <text>&#36;5</text></svg></div>',
  );
});

Deno.test("committed notebooks: every chart output carries its SVG and the inline static copy", () => {
  let charts = 0;
  for (const name of NOTEBOOKS) {
    for (const data of chartOutputs(join(DIR, name))) {
      charts++;
      const svg = text(data["image/svg+xml"] ?? "");
      assert(svg.startsWith("<svg"), `${name}: a chart without its SVG`);
      assertEquals(text(data["text/markdown"]), staticChartMarkdown(svg), `${name}: static copy`);
    }
  }
  assert(charts >= 20, `${charts} charts in the notebooks`);
});

async function nbconvertAvailable(): Promise<boolean> {
  try {
    const out = await new Deno.Command("jupyter", {
      args: ["nbconvert", "--version"],
      stdout: "null",
      stderr: "null",
    }).output();
    return out.success;
  } catch {
    return false;
  }
}

Deno.test({
  name: "jupyter nbconvert --to html: every chart of every notebook is inline SVG, no Vega script",
  ignore: !(await nbconvertAvailable()),
  fn: async () => {
    const out = await Deno.makeTempDir({ prefix: "nbexport_test_" });
    try {
      const r = await new Deno.Command("jupyter", {
        args: [
          "nbconvert",
          "--to",
          "html",
          "--output-dir",
          out,
          ...NOTEBOOKS.map((n) => join(DIR, n)),
        ],
        stdout: "piped",
        stderr: "piped",
      }).output();
      assertEquals(r.code, 0, new TextDecoder().decode(r.stderr));
      for (const name of NOTEBOOKS) {
        const html = Deno.readTextFileSync(join(out, basename(name, ".ipynb") + ".html"));
        const charts = chartOutputs(join(DIR, name));
        const inline = [...html.matchAll(/<div class="ssr1-chart">(<svg[\s\S]*?<\/svg>)<\/div>/g)]
          .map((m) => m[1]);
        assertEquals(inline.length, charts.length, `${name}: charts shown inline`);
        charts.forEach((data, i) => {
          const shapes = (s: string) => (s.match(/<(path|rect|line|text)\b/g) ?? []).length;
          const svg = text(data["image/svg+xml"]);
          assert(shapes(svg) > 0, `${name}: chart ${i + 1} has shapes`);
          assertEquals(shapes(inline[i]), shapes(svg), `${name}: chart ${i + 1} kept its shapes`);
        });
        assert(!/vegalite|vega-embed|vega@/i.test(html), `${name}: no Vega-Lite JSON or script`);
      }
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});
