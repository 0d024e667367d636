/**
 * Learning-rate schedules as plain functions of the (0-based) optimizer step,
 * following the HF `transformers` schedulers (`get_*_schedule_with_warmup`).
 *
 * @module
 */

/** Learning rate as a function of the 0-based update index. */
export type LrSchedule = (step: number) => number;

/** Schedule names (HF `lr_scheduler_type`). */
export type LrSchedulerType = "constant" | "constant_with_warmup" | "cosine" | "linear";

/** Options for {@linkcode lrSchedule}. */
export interface LrScheduleConfig {
  /** Peak learning rate. */
  lr: number;
  /** Schedule shape. Default `"constant"`. */
  lr_scheduler_type?: LrSchedulerType;
  /** Linear warm-up from 0 over this many steps. Default `0`. */
  warmup_steps?: number;
  /** Total number of updates (needed by `"cosine"` and `"linear"`). */
  total_steps?: number;
  /** `"cosine"` only: floor as a fraction of `lr` (default `0`). */
  min_lr_ratio?: number;
}

/**
 * Build a schedule. With warm-up `w`: `lr·step/w` for `step < w` (so step 0 has
 * lr 0, as in HF). After warm-up, with progress `p = (step − w)/(total − w)`:
 * constant `lr`; cosine `lr·(r + (1 − r)·½(1 + cos πp))`; linear `lr·(1 − p)`;
 * both clamp at `p = 1`.
 *
 * ```ts
 * const s = lrSchedule({ lr: 1e-3, lr_scheduler_type: "cosine", warmup_steps: 10, total_steps: 200 });
 * s(0); // 0
 * s(10); // 1e-3
 * ```
 */
export function lrSchedule(config: LrScheduleConfig): LrSchedule {
  const type = config.lr_scheduler_type ?? "constant";
  const warm = config.warmup_steps ?? 0;
  const lr = config.lr;
  if (type === "constant") return () => lr;
  const warmup = (step: number) => lr * step / Math.max(1, warm);
  if (type === "constant_with_warmup") return (step) => step < warm ? warmup(step) : lr;
  const total = config.total_steps;
  if (total === undefined) throw new Error(`lrSchedule: "${type}" needs total_steps`);
  const progress = (step: number) => Math.min(1, (step - warm) / Math.max(1, total - warm));
  if (type === "linear") {
    return (step) => step < warm ? warmup(step) : lr * Math.max(0, 1 - progress(step));
  }
  if (type === "cosine") {
    const r = config.min_lr_ratio ?? 0;
    return (step) =>
      step < warm
        ? warmup(step)
        : lr * (r + (1 - r) * 0.5 * (1 + Math.cos(Math.PI * progress(step))));
  }
  throw new Error(`lrSchedule: unknown lr_scheduler_type ${type}`);
}
