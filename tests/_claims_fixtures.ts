/**
 * Fixtures for the claims tests: a claims grid's run folder written from scratch.
 *
 * @module
 */
import { join } from "node:path";
import type { Rng } from "../lib/data/rng.ts";

/**
 * Writes one finished run `<dir>/<testbed>/runs/<variant>/<seed>/`: 40 problems answered once,
 * each correct with probability `p` (`file` names the samples file, e.g. a budget's
 * `eval_samples@4x.jsonl`), a summary (60 s training, 30 s evaluation, 100 tokens per correct
 * answer) and, but for the base, a 3-step training curve.
 */
export function writeClaimsRun(
  rng: Rng,
  dir: string,
  testbed: string,
  variant: string,
  seed: number,
  p: number,
  file = "eval_samples.jsonl",
): void {
  const d = join(dir, testbed, "runs", variant, String(seed));
  Deno.mkdirSync(d, { recursive: true });
  const lines = Array.from(
    { length: 40 },
    (_, i) => JSON.stringify({ problem: i, sample: 0, correct: rng.next() < p, length: 50 }),
  );
  Deno.writeTextFileSync(join(d, file), lines.join("\n") + "\n");
  Deno.writeTextFileSync(
    join(d, "summary.json"),
    JSON.stringify({
      train_wall_time_s: 60,
      extra: { eval_seconds: 30, tokens_per_correct: 100 },
    }),
  );
  if (variant !== "base") {
    Deno.writeTextFileSync(
      join(d, "metrics.jsonl"),
      [1, 2, 3].map((s) =>
        JSON.stringify({
          step: s,
          accuracy: p,
          reward_std: 0.3,
          drift_kl: 0.01 * s,
          kl: 0.01 * s,
        })
      ).join("\n") + "\n",
    );
  }
}
