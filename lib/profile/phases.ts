/**
 * Named, nestable phases of a computation (rollout, reward, forward, backward, optimizer, …),
 * timed only while a {@linkcode PhaseTimer} is active: otherwise {@linkcode phase} just calls its
 * function. Times are exclusive: a nested phase's time is not counted in its parent's.
 *
 * @module
 */

/**
 * Runs `fn` as phase `name`: its wall time (minus nested phases) and one call are added to the
 * active {@linkcode PhaseTimer}, if any.
 */
export function phase<T>(name: string, fn: () => T): T {
  const timer = active;
  if (!timer) return fn();
  return timer.run(name, fn);
}

/** Exclusive wall time and call count of one phase. */
export interface PhaseStat {
  /** Milliseconds spent in the phase itself (nested phases excluded). */
  ms: number;
  /** Times the phase was entered. */
  calls: number;
}

let active: PhaseTimer | null = null;

/** The name of the innermost running phase (`"(none)"` outside any), for kernel attribution. */
export function currentPhase(): string {
  return active?.current ?? "(none)";
}

/** Collects {@linkcode PhaseStat}s while started; at most one timer is active at a time. */
export class PhaseTimer {
  readonly stats = new Map<string, PhaseStat>();
  #stack: { name: string; start: number; nested: number }[] = [];

  /** The innermost running phase, or `"(none)"`. */
  get current(): string {
    return this.#stack.at(-1)?.name ?? "(none)";
  }

  /** Makes this timer the active one. */
  start(): this {
    if (active && active !== this) throw new Error("another PhaseTimer is active");
    active = this;
    return this;
  }

  /** Deactivates it; the stats stay. */
  stop(): void {
    if (active === this) active = null;
  }

  /** Runs `fn` as phase `name` on this timer (see {@linkcode phase}). */
  run<T>(name: string, fn: () => T): T {
    const frame = { name, start: performance.now(), nested: 0 };
    this.#stack.push(frame);
    try {
      return fn();
    } finally {
      this.#stack.pop();
      const total = performance.now() - frame.start;
      const stat = this.stats.get(name) ?? { ms: 0, calls: 0 };
      stat.ms += total - frame.nested;
      stat.calls++;
      this.stats.set(name, stat);
      const parent = this.#stack.at(-1);
      if (parent) parent.nested += total;
    }
  }
}
