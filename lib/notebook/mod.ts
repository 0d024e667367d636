/**
 * Notebook helpers: everything the five notebooks compute or display beyond a plain `lib/` call —
 * presets (`SSR1_PRESET`), display helpers for the Deno kernel (Vega-Lite MIME bundles,
 * KaTeX-typeset HTML, live displays), and the tables, charts and typeset views each notebook
 * shows, with clear notices when an input (base checkpoint, MATH-500, results) is missing.
 *
 * ```ts
 * import * as nb from "../lib/notebook/mod.ts";
 * const preset = nb.notebookPreset(); // $SSR1_PRESET: small | default
 * await nb.show(nb.markdown("## Hello"), await nb.chart(spec), df);
 * ```
 *
 * @module
 */
export * from "./paths.ts";
export * from "./preset.ts";
export * from "./display.ts";
export * from "./missing.ts";
export * from "./math_html.ts";
export * from "./problem_views.ts";
export * from "./math500.ts";
export * from "./curriculum_views.ts";
export * from "./pass_rate_study.ts";
export * from "./base_model.ts";
export * from "./pretrain_views.ts";
export * from "./eval_views.ts";
export * from "./base_eval.ts";
export * from "./live_training.ts";
export * from "./results_views.ts";
export * from "./reward_ablation.ts";
export * from "./ablation_results.ts";
export * from "./nbconvert.ts";
export * from "./base_profiles.ts";
export * from "./claims_views.ts";
