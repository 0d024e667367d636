/**
 * Reporting: seed statistics, result tables (polars → Markdown/CSV), Vega-Lite
 * charts (specs + headless SVG), and the KaTeX samples page.
 *
 * @module
 */

export * from "./run_summary.ts";
export * from "./stats.ts";
export * from "./markdown_table.ts";
export * from "./tables.ts";
export * from "./charts.ts";
export * from "./svg.ts";
export * from "./static_chart.ts";
export * from "./samples_html.ts";
