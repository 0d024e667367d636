/**
 * A chart's static copy for exported notebooks. `jupyter nbconvert --to html` picks `text/markdown`
 * over `image/svg+xml` and never draws `application/vnd.vegalite.*` (that needs scripts from the
 * network); Debian's nbconvert 6.5 also passes `image/svg+xml` through lxml's `clean_html`, which
 * strips every shape and leaves an empty box. A Markdown output holding the SVG inline, as a raw HTML
 * block, comes through untouched. JupyterLab ranks its Vega renderer (57) above Markdown (60), so it
 * still draws the interactive chart.
 *
 * @module
 */

/**
 * The Markdown that shows `svg` as is: one raw HTML block (`<div class="ssr1-chart">…</div>`) on a
 * single line, with `$` escaped so that no Markdown renderer reads it as math.
 */
export function staticChartMarkdown(svg: string): string {
  const oneLine = svg.replace(/\r?\n/g, " ").replaceAll("$", "&#36;");
  return `<div class="ssr1-chart">${oneLine}</div>`;
}
