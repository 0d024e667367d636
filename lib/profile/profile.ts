/**
 * A profile of one computation: wall time split by phase (see {@linkcode phase}), with the time
 * each phase spent inside tfjs kernels, and the kernels ranked by total time.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import { profileKernels } from "./kernels.ts";
import { phase, PhaseTimer } from "./phases.ts";

/**
 * Runs `fn` with phase timing and kernel timing on the active backend; time outside any named
 * phase is reported as `other`. Returns `fn`'s result and the {@linkcode Profile}.
 */
export function profileRun<T>(fn: () => T, topKernels = 12): { result: T; profile: Profile } {
  const timer = new PhaseTimer().start();
  const kernels = profileKernels(tf.getBackend());
  const start = performance.now();
  let result: T;
  let totals;
  try {
    result = phase("other", fn);
  } finally {
    timer.stop();
    totals = kernels.stop();
  }
  const totalMs = performance.now() - start;
  const kernelMs = [...totals.byKernel.values()].reduce((s, k) => s + k.ms, 0);
  const phases = [...timer.stats].sort((a, b) => b[1].ms - a[1].ms).map(([name, s]) => ({
    phase: name,
    ms: round(s.ms),
    calls: s.calls,
    ms_per_call: round(s.ms / s.calls, 2),
    kernel_ms: round(totals.byPhase.get(name) ?? 0),
    share: round(s.ms / totalMs, 3),
  }));
  const top = [...totals.byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, topKernels).map((
    [name, s],
  ) => ({
    kernel: name,
    ms: round(s.ms),
    calls: s.calls,
    us_per_call: round((1000 * s.ms) / s.calls, 1),
    share: round(s.ms / totalMs, 3),
  }));
  return {
    result,
    profile: {
      total_ms: round(totalMs),
      kernel_ms: round(kernelMs),
      kernel_calls: [...totals.byKernel.values()].reduce((s, k) => s + k.calls, 0),
      phases,
      top_kernels: top,
    },
  };
}

/** What {@linkcode profileRun} measured. */
export interface Profile {
  /** Wall milliseconds of the whole run. */
  total_ms: number;
  /** Milliseconds inside tfjs kernels (the rest: dispatch, tape, JavaScript around them). */
  kernel_ms: number;
  kernel_calls: number;
  /** Exclusive time per phase, longest first, with the part spent in kernels. */
  phases: {
    phase: string;
    ms: number;
    calls: number;
    ms_per_call: number;
    kernel_ms: number;
    share: number;
  }[];
  /** Kernels by total time. */
  top_kernels: { kernel: string; ms: number; calls: number; us_per_call: number; share: number }[];
}

/** The profile as two Markdown tables (phases, top kernels). */
export function profileMarkdown(p: Profile): string {
  const lines = [
    `total ${p.total_ms} ms, ${p.kernel_ms} ms in ${p.kernel_calls} kernel calls`,
    "",
    "| phase | ms | calls | ms/call | in kernels | share |",
    "|---|--:|--:|--:|--:|--:|",
    ...p.phases.map((r) =>
      `| ${r.phase} | ${r.ms} | ${r.calls} | ${r.ms_per_call} | ${r.kernel_ms} | ${pct(r.share)} |`
    ),
    "",
    "| kernel | ms | calls | µs/call | share |",
    "|---|--:|--:|--:|--:|",
    ...p.top_kernels.map((k) =>
      `| ${k.kernel} | ${k.ms} | ${k.calls} | ${k.us_per_call} | ${pct(k.share)} |`
    ),
  ];
  return lines.join("\n");
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)} %`;
}

function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
