/**
 * The shipped bases side by side (notebook 02): each base's failure profile at the evaluation
 * budget and at a generous one, as measured by `deno task base-card` (`profile.json` beside the
 * checkpoint), and the sample completions the card picked — one that truncates mid-verification
 * among them.
 *
 * @module
 */
import { basename, join } from "node:path";
import pl from "nodejs-polars";
import type { TopLevelSpec } from "vega-lite";
import type { FailureRow } from "../eval/failure_profile.ts";
import { chart, html, type Viewable } from "./display.ts";
import { escapeHtml, htmlTable, rawTextHtml } from "./math_html.ts";
import { isMissing, type Missing, notice } from "./missing.ts";
import { relativeToRoot } from "./paths.ts";

/** What `profile.json` holds. */
export interface BaseProfile {
  name: string;
  parameters: number;
  profiles: { budget: number; rows: FailureRow[] }[];
  samples?: { caption: string; problem: string; completion: string }[];
}

/** The profile of a base folder, or a {@link Missing} saying how to measure it. */
export function readBaseProfile(dir: string): BaseProfile | Missing {
  const path = join(dir, "profile.json");
  const shown = relativeToRoot(dir);
  try {
    const p = JSON.parse(Deno.readTextFileSync(path)) as BaseProfile;
    if (!Array.isArray(p.profiles)) throw new Error('field "profiles": expected a list');
    return { ...p, name: p.name ?? basename(dir) };
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound ? "missing file" : (e as Error).message;
    return {
      ok: false,
      message: `**No failure profile for \`${basename(dir)}\`** (${
        join(shown, "profile.json")
      }: ${why}). Measure it with \`deno task base-card --base ${shown}\`.`,
    };
  }
}

/** One row per base and budget: pass@1, format, truncation and the failure breakdown (%). */
export function baseProfilesTable(bases: BaseProfile[]): pl.DataFrame {
  const rows = bases.flatMap((b) =>
    b.profiles.map((p) => ({ base: b.name, budget: p.budget, all: p.rows.at(-1)! }))
  );
  const pct = (x: number) => Math.round(1000 * x) / 10;
  return pl.DataFrame([
    pl.Series("base", rows.map((r) => r.base), pl.Utf8),
    pl.Series("budget", rows.map((r) => r.budget), pl.Int64),
    pl.Series("pass1_pct", rows.map((r) => pct(r.all.pass1)), pl.Float64),
    pl.Series("format_pct", rows.map((r) => pct(r.all.format)), pl.Float64),
    pl.Series("truncated_pct", rows.map((r) => pct(r.all.truncation)), pl.Float64),
    pl.Series("failures_truncated_pct", rows.map((r) => pct(r.all.truncated)), pl.Float64),
    pl.Series("failures_unboxed_pct", rows.map((r) => pct(r.all.unboxed)), pl.Float64),
    pl.Series("failures_wrong_pct", rows.map((r) => pct(r.all.wrong)), pl.Float64),
  ]);
}

/** pass@1 by level, one bar per budget, one panel per base. */
export function baseProfilesSpec(bases: BaseProfile[]): TopLevelSpec {
  const values = bases.flatMap((b) =>
    b.profiles.flatMap((p) =>
      p.rows.filter((r) => r.level !== "all").map((r) => ({
        base: b.name,
        budget: `${p.budget} tokens`,
        level: `L${r.level}`,
        pass1: 100 * r.pass1,
      }))
    )
  );
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: "The bases' pass@1 by level at two budgets",
    data: { values },
    facet: { column: { field: "base", type: "nominal", title: null } },
    spec: {
      width: 180,
      height: 160,
      mark: "bar",
      encoding: {
        x: { field: "level", type: "nominal", title: "Level" },
        xOffset: { field: "budget", type: "nominal" },
        y: {
          field: "pass1",
          type: "quantitative",
          title: "pass@1 (%)",
          scale: { domain: [0, 100] },
        },
        color: { field: "budget", type: "nominal", title: "Budget" },
      },
    },
  } as TopLevelSpec;
}

/** The card's sample completions of a base, verbatim. */
export function baseSamplesHtml(base: BaseProfile): string {
  return `<p><b>${base.name}</b></p>` + htmlTable(
    ["", "Problem", "Completion (verbatim)"],
    (base.samples ?? []).map((s) => [
      escapeHtml(s.caption),
      rawTextHtml(s.problem),
      rawTextHtml(s.completion),
    ]),
  );
}

/** The bases side by side: the table, the chart, each base's samples; notices for missing ones. */
export function baseProfilesViews(dirs: string[]): Viewable[] {
  const read = dirs.map(readBaseProfile);
  const ok = read.filter((r): r is BaseProfile => !isMissing(r));
  const out: Viewable[] = read.filter(isMissing).map((m) => notice(m.message));
  if (ok.length) {
    out.push(baseProfilesTable(ok), chart(baseProfilesSpec(ok)));
    for (const b of ok) if (b.samples?.length) out.push(html(baseSamplesHtml(b)));
  }
  return out;
}
