/**
 * The ablation grid as jobs on BullMQ over Redis, across any number of machines: the queue's
 * address, the run's job (id, data, result), the worker and its sandboxed processor, and the
 * coordinator with its status line.
 *
 * @module
 */
export * from "./redis_target.ts";
export * from "./probe.ts";
export * from "./job_id.ts";
export * from "./run_job.ts";
export * from "./worker.ts";
export * from "./grid_status.ts";
export * from "./coordinator.ts";
