/**
 * Headless SVG rendering of Vega-Lite specs in Deno: `vega-lite` compile →
 * `vega.View` with `renderer: "none"` → `view.toSVG()`. No canvas is needed;
 * text widths are estimated (vega's fallback without a canvas).
 *
 * @module
 */

import * as vl from "vega-lite";
import * as vega from "vega";
import type { TopLevelSpec } from "vega-lite";
import { writeTextAtomic } from "../io/atomic.ts";

/** Render a Vega-Lite spec to an SVG string. */
export async function renderSvg(
  spec: TopLevelSpec,
  options: { scale?: number } = {},
): Promise<string> {
  const compiled = vl.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG(options.scale ?? 1);
  } finally {
    view.finalize();
  }
}

/** Render a Vega-Lite spec and write the SVG to `path` atomically. */
export async function writeSvg(path: string, spec: TopLevelSpec): Promise<void> {
  await writeTextAtomic(path, await renderSvg(spec));
}
