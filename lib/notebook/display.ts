/**
 * Displaying things in a Deno Jupyter notebook: Vega-Lite charts as MIME bundles (with an SVG
 * fallback for static viewers and exported HTML), HTML (KaTeX-typeset math), Markdown, DataFrames, and a live
 * display that updates in place. Outside a kernel (tests, scripts) `show` prints the plain-text
 * form instead.
 *
 * ```ts
 * await show(markdown("## Reward"), await chart(rewardCurveSpec(rows)), df);
 * ```
 *
 * @module
 */
import type pl from "nodejs-polars";
import type { TopLevelSpec } from "vega-lite";
import { vegaLiteMimeBundle } from "../report/charts.ts";
import { renderSvg } from "../report/svg.ts";

/** The symbol Deno's kernel (and nodejs-polars) use for rich display: `Deno.jupyter.$display`. */
export const DISPLAY: unique symbol = Symbol.for("Jupyter.display") as never;

/** A MIME bundle: MIME type → data. */
export type MimeBundle = Record<string, unknown>;

/** Something the Deno kernel displays richly when it is a cell's value or passed to `show`. */
export interface Displayable {
  [DISPLAY](): MimeBundle;
}

/** What views return for {@link show}: a displayable, a DataFrame (a table), or a pending chart. */
export type Viewable = Displayable | pl.DataFrame | Promise<Displayable>;

/** A displayable from a ready MIME bundle. */
export function displayable(bundle: MimeBundle): Displayable {
  return { [DISPLAY]: () => bundle };
}

/**
 * A Vega-Lite chart: `application/vnd.vegalite.v5+json` (interactive in JupyterLab / VS Code),
 * with the chart pre-rendered as `image/svg+xml` for viewers without a Vega-Lite renderer and as
 * inline-SVG `text/markdown` for `jupyter nbconvert --to html` (set `svg: false` to leave both
 * out, e.g. for live charts that are redrawn every step).
 */
export async function chart(
  spec: TopLevelSpec,
  options: { svg?: boolean } = {},
): Promise<Displayable> {
  const svg = options.svg === false ? undefined : await renderSvg(spec);
  return displayable(vegaLiteMimeBundle(spec, { version: 5, svg }));
}

/** An HTML output (`text/html`), with `text` as its plain-text form. */
export function html(markup: string, text = "<html>"): Displayable {
  return displayable({ "text/html": markup, "text/plain": text });
}

/** A Markdown output (`text/markdown`). */
export function markdown(md: string): Displayable {
  return displayable({ "text/markdown": md, "text/plain": md });
}

/** The MIME bundle of a value: its `[DISPLAY]()` when it has one, else `text/plain`. */
export async function mimeBundle(value: unknown): Promise<MimeBundle> {
  const v = await value;
  const fn = (v as { [DISPLAY]?: () => MimeBundle | Promise<MimeBundle> } | null)?.[DISPLAY];
  if (typeof fn === "function") return await fn.call(v);
  return { "text/plain": typeof v === "string" ? v : Deno.inspect(v) };
}

/** The kernel's display function, or `undefined` outside a Jupyter kernel. */
export type DisplayFn = (bundle: MimeBundle, options: DisplayOptions) => Promise<void>;

/** Options of a display call (Jupyter `display_data` / `update_display_data`). */
export interface DisplayOptions {
  raw: true;
  display_id?: string;
  update?: boolean;
}

/** `Deno.jupyter.display` when running in a Jupyter kernel, else `undefined`. */
export function kernelDisplay(): DisplayFn | undefined {
  const jupyter = (Deno as unknown as { jupyter?: { display?: DisplayFn } }).jupyter;
  return typeof jupyter?.display === "function" ? jupyter.display.bind(jupyter) : undefined;
}

/**
 * Displays each item in order (charts, HTML, Markdown, DataFrames, strings, promises of these;
 * arrays are shown item by item).
 * Outside a kernel, prints each item's `text/plain` form to `log` (default `console.log`).
 */
export async function show(...items: unknown[]): Promise<void> {
  await showWith(kernelDisplay(), console.log, items);
}

/**
 * {@link show} with an explicit display function and fallback logger (for tests). With a display
 * function, waits for the kernel to send the outputs before returning (see {@link settle}).
 */
export async function showWith(
  display: DisplayFn | undefined,
  log: (text: string) => void,
  items: readonly unknown[],
): Promise<void> {
  const bytes = await showAll(display, log, items);
  if (display) await settle(bytes);
}

async function showAll(
  display: DisplayFn | undefined,
  log: (text: string) => void,
  items: readonly unknown[],
): Promise<number> {
  let bytes = 0;
  for (const entry of items) {
    const item = await entry;
    if (Array.isArray(item)) {
      bytes += await showAll(display, log, item);
      continue;
    }
    const bundle = await mimeBundle(item);
    if (display) {
      await display(bundle, { raw: true });
      bytes += JSON.stringify(bundle).length;
    } else log(plainText(bundle, item));
  }
  return bytes;
}

/**
 * Gives the kernel time to send `bytes` of outputs (50 ms plus 100 ms per MB). Deno's kernel
 * (2.x) sends display messages from a queue and can report a cell idle before they are out;
 * nbconvert and JupyterLab then drop them. Yielding to the event loop after displaying lets
 * the queue drain, so cells should end with `await show(…)` rather than a bare expression.
 */
export function settle(bytes: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 50 + Math.ceil(bytes / 10_000)));
}

/** A display that is replaced in place on every `update` (live progress). */
export interface LiveDisplay {
  /** Shows `item`, replacing what this display showed before. */
  update(item: unknown): Promise<void>;
}

let liveCounter = 0;

/**
 * A live display: the first `update` creates an output, later ones replace it (Jupyter
 * `update_display_data`). Outside a kernel each update prints its plain-text form.
 */
export function liveDisplay(
  display: DisplayFn | undefined = kernelDisplay(),
  log: (text: string) => void = console.log,
): LiveDisplay {
  const id = `ssr1-live-${Date.now().toString(36)}-${++liveCounter}`;
  let shown = false;
  return {
    async update(item: unknown) {
      const bundle = await mimeBundle(item);
      if (!display) {
        log(plainText(bundle, item));
        return;
      }
      await display(bundle, { raw: true, display_id: id, update: shown });
      shown = true;
      await settle(JSON.stringify(bundle).length);
    },
  };
}

function plainText(bundle: MimeBundle, item: unknown): string {
  const text = bundle["text/plain"];
  return typeof text === "string" ? text : String(item);
}
