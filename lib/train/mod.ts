/**
 * GRPO training pieces that do not depend on the model: advantages, the loss,
 * AdamW + gradient clipping + LR schedules, metrics logging, progress display
 * and the non-finite guard.
 *
 * @module
 */

export * from "./advantages.ts";
export * from "./grpo_loss.ts";
export * from "./adamw.ts";
export * from "./lr_schedule.ts";
export * from "./metrics.ts";
export * from "./progress.ts";
export * from "./nonfinite.ts";
