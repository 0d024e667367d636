/**
 * How many threads the `native` backend's fused kernels and split matmuls use, re-decided every
 * few seconds from how busy other processes keep the cores (Linux `/proc`): all cores while
 * they are idle, fewer while others work — on a taken core a second thread only waits for its
 * turn. (Their results do not depend on the count; OpenBLAS's own threading's would.)
 *
 * @module
 */

/**
 * A policy that calls `apply(n)` with the thread count to use whenever it changes; call `poll()`
 * often (it samples at most every `everyMs`). Fixed at `fixed` threads when given, and at all
 * cores where `/proc` is unreadable.
 */
export function threadPolicy(
  apply: (threads: number) => void,
  cores: number,
  fixed?: number,
  everyMs = 3000,
): ThreadPolicy {
  let threads = fixed ?? cores;
  apply(threads);
  if (fixed !== undefined || cores <= 1) return { poll() {}, threads: () => threads };
  let last = sample();
  if (!last) return { poll() {}, threads: () => threads };
  let lastMs = performance.now();
  return {
    threads: () => threads,
    poll() {
      const now = performance.now();
      if (now - lastMs < everyMs) return;
      const next = sample();
      if (!next || !last) return;
      const others = othersBusy(last, next, cores);
      last = next;
      lastMs = now;
      const wanted = threadsFor(others, cores);
      if (wanted !== threads) apply(threads = wanted);
    },
  };
}

/** The handle of {@linkcode threadPolicy}. */
export interface ThreadPolicy {
  /** Re-decides when the last sample is old enough. */
  poll(): void;
  /** The thread count in use. */
  threads(): number;
}

/**
 * Threads to use when other processes keep `others` cores busy: the cores they leave free,
 * rounding a half-busy core to taken, and at least one.
 */
export function threadsFor(others: number, cores: number): number {
  return Math.max(1, Math.min(cores, cores - Math.round(others + 0.01)));
}

/** CPU ticks of the whole machine (busy, all) and of this process, from `/proc`. */
interface Sample {
  busy: number;
  total: number;
  self: number;
}

function sample(): Sample | null {
  try {
    const cpu = Deno.readTextFileSync("/proc/stat").split("\n")[0].trim().split(/\s+/).slice(1)
      .map(Number);
    const total = cpu.reduce((a, b) => a + b, 0);
    const idle = cpu[3] + (cpu[4] ?? 0); // idle + iowait
    const stat = Deno.readTextFileSync("/proc/self/stat");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const self = Number(fields[11]) + Number(fields[12]); // utime + stime, all threads
    return Number.isFinite(total + self) ? { busy: total - idle, total, self } : null;
  } catch {
    return null;
  }
}

/** Cores (of `cores`) kept busy by other processes between two samples. */
function othersBusy(a: Sample, b: Sample, cores: number): number {
  const total = b.total - a.total;
  if (total <= 0) return 0;
  return Math.max(0, (b.busy - a.busy - (b.self - a.self)) / (total / cores));
}
