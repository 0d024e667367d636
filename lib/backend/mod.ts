/**
 * Tensor backend ladder for tfjs: `tensorflow` (tfjs-node, when installed) → `native`
 * (wasm + OpenBLAS sgemm) → `wasm` → `cpu`.
 *
 * ```ts
 * import { initBackend } from "./lib/backend/mod.ts";
 * const { name, reason } = await initBackend(); // honours --backend NAME and $SSR1_BACKEND
 * ```
 *
 * @module
 */

export * from "./select.ts";
export * from "./args.ts";
export * from "./attempt.ts";
export * from "./attention_kernels.ts";
export * from "./blas.ts";
export * from "./compare.ts";
export * from "./decoder_kernels.ts";
export * from "./fused_kernels.ts";
export * from "./fused_lib.ts";
export * from "./fused_matmul.ts";
export * from "./gradients.ts";
export * from "./matmul.ts";
export * from "./native.ts";
export * from "./native_kernels.ts";
export * from "./segment_sum.ts";
export * from "./slice.ts";
export * from "./sum.ts";
export * from "./thread_policy.ts";
export * from "./stock_wasm.ts";
export * from "./kernels.ts";
export * from "./identity.ts";
export * from "./wasm.ts";
export * from "./cpu.ts";
export * from "./tensorflow.ts";
