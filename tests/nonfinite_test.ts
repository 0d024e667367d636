import { deepEqual, equal, throws } from "node:assert/strict";
import { NonFiniteGuard } from "../lib/train/nonfinite.ts";

Deno.test("NonFiniteGuard: skip on NaN/Inf, reset on a good step, diverge after N in a row", () => {
  const g = new NonFiniteGuard({ max_consecutive: 3 });
  equal(g.check({ loss: 0.1, grad_norm: 2 }, 1).action, "apply");
  const d = g.check({ loss: NaN, grad_norm: 2 }, 2);
  deepEqual(d, { action: "skip", bad: ["loss"], consecutive: 1 });
  equal(g.check({ loss: 0.2, grad_norm: Infinity }, 3).action, "skip");
  equal(g.check({ loss: 0.2, grad_norm: 1, kl: undefined }, 4).action, "apply"); // reset
  equal(g.consecutive, 0);
  equal(g.check({ loss: NaN }, 5).action, "skip");
  equal(g.check({ loss: NaN }, 6).action, "skip");
  equal(g.check({ loss: -Infinity }, 7).action, "diverged");
  equal(g.diverged, true);
  equal(g.check({ loss: 0.1 }, 8).action, "diverged"); // sticky
  deepEqual(g.summary(), { skipped_steps: [2, 3, 5, 6, 7], diverged: true, diverged_at_step: 7 });
  throws(() => new NonFiniteGuard({ max_consecutive: 0 }));
});
