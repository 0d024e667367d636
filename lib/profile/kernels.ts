/**
 * Kernel timing: wraps every kernel registered for a backend so that each call's wall time is
 * added to its kernel name and to the phase running at the time ({@linkcode currentPhase}).
 * Kernels run synchronously on the wasm/native/cpu backends, so wall time is compute time.
 * Nested kernel calls (a kernel running another through the engine) count for the outer one.
 *
 * @module
 */

import {
  getKernelsForBackend,
  type KernelConfig,
  type KernelFunc,
  registerKernel,
  unregisterKernel,
} from "@tensorflow/tfjs-core";
import { currentPhase } from "./phases.ts";

/**
 * Starts timing every kernel of `backendName`; the returned handle's `stop()` restores the
 * original kernels and returns the totals. Only one profile per backend at a time.
 */
export function profileKernels(backendName: string): KernelProfile {
  const originals = getKernelsForBackend(backendName);
  const byKernel = new Map<string, KernelStat>();
  const byPhase = new Map<string, number>();
  let depth = 0;
  const wrap = (config: KernelConfig): KernelConfig => {
    const inner = config.kernelFunc;
    const kernelFunc = ((args: Parameters<KernelFunc>[0]) => {
      if (depth > 0) return inner(args);
      depth++;
      const start = performance.now();
      try {
        return inner(args);
      } finally {
        const ms = performance.now() - start;
        depth--;
        const stat = byKernel.get(config.kernelName) ?? { ms: 0, calls: 0 };
        stat.ms += ms;
        stat.calls++;
        byKernel.set(config.kernelName, stat);
        const p = currentPhase();
        byPhase.set(p, (byPhase.get(p) ?? 0) + ms);
      }
    }) as KernelFunc;
    return { ...config, kernelFunc };
  };
  const swap = (configs: KernelConfig[], make: (c: KernelConfig) => KernelConfig) => {
    for (const c of configs) {
      unregisterKernel(c.kernelName, backendName);
      registerKernel(make(c));
    }
  };
  swap(originals, wrap);
  let stopped = false;
  return {
    stop() {
      if (!stopped) swap(originals, (c) => c);
      stopped = true;
      return { byKernel, byPhase };
    },
  };
}

/** Total wall time and call count of one kernel. */
export interface KernelStat {
  ms: number;
  calls: number;
}

/** Handle of a running kernel profile. */
export interface KernelProfile {
  /** Restores the kernels; returns milliseconds and calls by kernel, and kernel ms by phase. */
  stop(): { byKernel: Map<string, KernelStat>; byPhase: Map<string, number> };
}
