import { equal } from "node:assert/strict";
import { formatDuration, formatProgressLine, ProgressLine } from "../lib/train/progress.ts";

Deno.test("formatProgressLine / formatDuration", () => {
  equal(
    formatProgressLine(
      120,
      500,
      {
        reward: 0.4123,
        accuracy: 0.385,
        length: 87.31,
        kl: 0.01234,
        step_time: 1.234,
      },
      467,
      "zero",
    ),
    "zero | step 120/500 | reward 0.412 | acc 38.5% | len 87.3 | kl 0.0123 | 1.23s/step | ETA 7m47s",
  );
  equal(formatProgressLine(1, 10, {}), "step 1/10");
  equal(formatDuration(3725), "1h02m05s");
  equal(formatDuration(9.2), "9s");
});

Deno.test("ProgressLine: TTY overwrites with \\r; non-TTY prints periodic plain lines", () => {
  let clock = 0;
  const tty: string[] = [];
  const bar = new ProgressLine({
    total: 4,
    tty: true,
    columns: 200,
    write: (s) => tty.push(s),
    now: () => clock,
  });
  clock = 1000;
  bar.update(1, { reward: 0.5 });
  clock = 2000;
  bar.update(2, { reward: 0.75 });
  bar.log("saved");
  bar.finish();
  equal(tty[0], "\r\x1b[2Kstep 1/4 | reward 0.500 | ETA 3s");
  equal(tty[1], "\r\x1b[2Kstep 2/4 | reward 0.750 | ETA 2s");
  equal(tty[2], "\r\x1b[2Ksaved\nstep 2/4 | reward 0.750 | ETA 2s");
  equal(tty[3], "\n");

  clock = 0;
  const plain: string[] = [];
  const p = new ProgressLine({
    total: 100,
    tty: false,
    plainIntervalMs: 5000,
    write: (s) => plain.push(s),
    now: () => clock,
  });
  for (let step = 1; step <= 100; step++) {
    clock = step * 1000; // 1 s per step
    p.update(step, {});
  }
  p.finish();
  // step 1 (first), then every ≥ 5 s: 6, 11, …, 96, and the last step 100
  equal(plain.length, 21);
  equal(plain[0], "step 1/100 | ETA 1m39s\n");
  equal(plain[1], "step 6/100 | ETA 1m34s\n");
  equal(plain.at(-1), "step 100/100 | ETA 0s\n");
  equal(plain.every((l) => !l.includes("\r")), true);
});

Deno.test("ProgressLine truncates to the terminal width", () => {
  const out: string[] = [];
  const bar = new ProgressLine({ total: 10, tty: true, columns: 12, write: (s) => out.push(s) });
  bar.update(1, { reward: 1, kl: 1 });
  equal(out[0], "\r\x1b[2Kstep 1/10 …");
});
