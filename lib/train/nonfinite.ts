/**
 * Non-finite guard: a NaN/Inf loss or gradient norm skips the optimizer step;
 * `max_consecutive` bad steps in a row mark the run as diverged (sticky).
 *
 * @module
 */

/** What the trainer should do with the current step. */
export type GuardAction = "apply" | "skip" | "diverged";

/** Result of {@linkcode NonFiniteGuard.check}. */
export interface GuardDecision {
  action: GuardAction;
  /** Names of the non-finite values (empty when all were finite). */
  bad: string[];
  /** Bad steps in a row, including this one. */
  consecutive: number;
}

/** Options for {@linkcode NonFiniteGuard}. */
export interface NonFiniteGuardOptions {
  /** This many non-finite steps in a row mark the run diverged. Default `5`. */
  max_consecutive?: number;
}

/** Serializable guard state for run summaries. */
export interface NonFiniteGuardSummary {
  skipped_steps: number[];
  diverged: boolean;
  diverged_at_step?: number;
}

/**
 * State machine: `ok` —bad→ `skipping(k)` —bad, k+1 = max→ `diverged` (terminal);
 * `skipping(k)` —finite→ `ok`.
 *
 * ```ts
 * const guard = new NonFiniteGuard({ max_consecutive: 3 });
 * const d = guard.check({ loss, grad_norm }, step);
 * if (d.action === "apply") optimizer.step(grads, lr);
 * else if (d.action === "diverged") break;
 * ```
 */
export class NonFiniteGuard {
  readonly max_consecutive: number;
  #consecutive = 0;
  #skipped: number[] = [];
  #divergedAt: number | undefined;
  #diverged = false;

  constructor(options: NonFiniteGuardOptions = {}) {
    this.max_consecutive = options.max_consecutive ?? 5;
    if (!(this.max_consecutive >= 1)) throw new RangeError("max_consecutive must be ≥ 1");
  }

  /** Check this step's values (`undefined` entries are ignored). `step` is recorded when skipped. */
  check(values: Record<string, number | undefined>, step?: number): GuardDecision {
    const bad = Object.entries(values)
      .filter(([, v]) => v !== undefined && !Number.isFinite(v))
      .map(([k]) => k);
    if (this.#diverged) return { action: "diverged", bad, consecutive: this.#consecutive };
    if (bad.length === 0) {
      this.#consecutive = 0;
      return { action: "apply", bad, consecutive: 0 };
    }
    this.#consecutive++;
    if (step !== undefined) this.#skipped.push(step);
    if (this.#consecutive >= this.max_consecutive) {
      this.#diverged = true;
      this.#divergedAt = step;
      return { action: "diverged", bad, consecutive: this.#consecutive };
    }
    return { action: "skip", bad, consecutive: this.#consecutive };
  }

  /** True once `max_consecutive` bad steps happened in a row. */
  get diverged(): boolean {
    return this.#diverged;
  }

  /** Current run of bad steps. */
  get consecutive(): number {
    return this.#consecutive;
  }

  /** Summary for the run's report. */
  summary(): NonFiniteGuardSummary {
    return {
      skipped_steps: [...this.#skipped],
      diverged: this.#diverged,
      ...(this.#divergedAt !== undefined ? { diverged_at_step: this.#divergedAt } : {}),
    };
  }
}
