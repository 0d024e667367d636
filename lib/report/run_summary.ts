/**
 * The per-run result record that the evaluation / ablation code fills in and the
 * report (tables, charts) consumes.
 *
 * @module
 */

/**
 * Evaluation result of one trained model (one variant × one seed). All rates
 * are fractions in 0..1 (tables render them as percentages).
 *
 * The untrained starting model is reported as its own variant (by default
 * named `"base"`, one row per evaluation seed; one row is fine) so that tables
 * can show "× over base".
 *
 * ```ts
 * const run: RunSummary = {
 *   variant: "zero_grpo", seed: 1,
 *   pass_at_1: 0.412, maj_at_k: 0.47, k: 8,
 *   accuracy_by_level: { 1: 0.9, 2: 0.61, 3: 0.35, 4: 0.15, 5: 0.05 },
 *   mean_length: 87.3, truncation_rate: 0.02,
 *   train_wall_time_s: 1834, train_steps: 500,
 * };
 * ```
 */
export interface RunSummary {
  /** Variant name, e.g. `"base"`, `"grpo_kl"`, `"zero_grpo"`, `"zero_grpo_curriculum"`. Rows of a variant are aggregated over seeds. */
  variant: string;
  /** Training seed (for `"base"`: the evaluation sampling seed). */
  seed: number;
  /** pass@1: mean fraction of correct answers over the eval set (mean over the k samples per problem, or greedy). */
  pass_at_1: number;
  /**
   * maj@k: fraction of problems whose majority-vote answer over k samples is correct; `null` or
   * absent where k cannot make a vote (even k), and the tables then leave the column out.
   */
  maj_at_k?: number | null;
  /** The k of maj@k (shown in the column header). */
  k?: number;
  /** pass@1 restricted to each difficulty level, keyed by level (1..5). Missing levels are allowed. */
  accuracy_by_level?: Record<number, number>;
  /** Mean completion length in tokens (characters for the char-level tokenizer). */
  mean_length?: number;
  /** Fraction of completions cut off at `max_completion_length` (no EOS). */
  truncation_rate?: number;
  /** Training wall-clock time in seconds (absent/0 for `"base"`). */
  train_wall_time_s?: number;
  /** Optimizer steps actually performed. */
  train_steps?: number;
  /** Number of evaluation problems. */
  n_eval?: number;
  /** The run was stopped by the non-finite guard. */
  diverged?: boolean;
  /** When the run finished (ISO 8601; written by the ablation, shown when a run is read back). */
  finished_at?: string;
  /** Any additional per-run columns (kept in the per-run CSV only). */
  extra?: Record<string, number | string | boolean | null>;
}
