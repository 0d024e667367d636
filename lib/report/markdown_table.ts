/**
 * A small Markdown (GFM pipe) table renderer for polars DataFrames and plain rows.
 *
 * @module
 */

import type pl from "nodejs-polars";

/** Column alignment. */
export type Align = "left" | "right" | "center";

/** Options for {@linkcode dataFrameToMarkdown} and {@linkcode rowsToMarkdown}. */
export interface MarkdownTableOptions {
  /** Columns to show, in order (default: all). */
  columns?: string[];
  /** Header text per column (default: the column name). */
  headers?: Record<string, string>;
  /** Cell formatter per column (default: {@linkcode formatCell}). */
  format?: Record<string, (value: unknown, row: Record<string, unknown>) => string>;
  /** Alignment per column (default: right for numeric columns, left otherwise). */
  align?: Record<string, Align>;
}

/** Render a DataFrame as a GFM Markdown table. */
export function dataFrameToMarkdown(df: pl.DataFrame, options: MarkdownTableOptions = {}): string {
  return rowsToMarkdown(df.toRecords() as Record<string, unknown>[], {
    columns: df.columns,
    ...options,
  });
}

/**
 * Render rows (objects) as a GFM Markdown table. Cells are padded so the raw
 * Markdown is readable too; `|` and newlines inside cells are escaped.
 */
export function rowsToMarkdown(
  rows: readonly Record<string, unknown>[],
  options: MarkdownTableOptions = {},
): string {
  const columns = options.columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const header = columns.map((c) => escapeCell(options.headers?.[c] ?? c));
  const body = rows.map((row) =>
    columns.map((c) => escapeCell((options.format?.[c] ?? formatCell)(row[c], row)))
  );
  const align = columns.map((c) =>
    options.align?.[c] ??
      (rows.length > 0 &&
          rows.every((r) => r[c] === null || r[c] === undefined || typeof r[c] === "number")
        ? "right"
        : "left")
  );
  const widths = columns.map((_, i) =>
    Math.max(3, header[i].length, ...body.map((cells) => cells[i].length))
  );
  const pad = (text: string, i: number) =>
    align[i] === "right"
      ? text.padStart(widths[i])
      : align[i] === "center"
      ? text.padStart(Math.floor((widths[i] + text.length) / 2)).padEnd(widths[i])
      : text.padEnd(widths[i]);
  const rule = widths.map((w, i) =>
    align[i] === "right"
      ? "-".repeat(w - 1) + ":"
      : align[i] === "center"
      ? ":" + "-".repeat(w - 2) + ":"
      : "-".repeat(w)
  );
  const line = (cells: string[]) => "| " + cells.map(pad).join(" | ") + " |";
  return [line(header), "| " + rule.join(" | ") + " |", ...body.map(line)].join("\n") + "\n";
}

/** Default cell text: `–` for null/undefined/non-finite, integers as is, other numbers to 4 significant digits. */
export function formatCell(value: unknown): string {
  if (value === null || value === undefined) return "–";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return "–";
    return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
  }
  return String(value);
}

function escapeCell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}
