/**
 * A live one-line training progress display: overwritten in place (`\r`) on a
 * terminal, printed as periodic plain lines elsewhere (CI logs, notebooks).
 *
 * @module
 */

/** Values shown on the progress line (all optional). */
export interface ProgressFields {
  /** Mean reward of the step's batch. */
  reward?: number;
  /** Fraction of correct completions, 0..1 (shown as a percentage). */
  accuracy?: number;
  /** Mean completion length (tokens). */
  length?: number;
  /** Mean KL to the reference. */
  kl?: number;
  /** Loss value. */
  loss?: number;
  /** Seconds taken by the last step. */
  step_time?: number;
}

/** Options for {@linkcode ProgressLine}. */
export interface ProgressOptions {
  /** Total number of steps. */
  total: number;
  /** Steps already done when the display starts (resume); used for the ETA. Default `0`. */
  startStep?: number;
  /** Prefix, e.g. the variant name. */
  label?: string;
  /** Overwrite in place? Default: whether stdout is a terminal. */
  tty?: boolean;
  /** Output sink. Default: synchronous write to stdout. */
  write?: (text: string) => void;
  /** Terminal width for truncation (TTY mode). Default: `Deno.consoleSize()` or 120. */
  columns?: number;
  /** Non-TTY mode: minimum milliseconds between plain lines. Default `10000`. */
  plainIntervalMs?: number;
  /** Clock in milliseconds (tests). Default `performance.now`. */
  now?: () => number;
}

/**
 * Progress display.
 *
 * ```ts
 * const bar = new ProgressLine({ total: 500, label: "zero-grpo" });
 * bar.update(1, { reward: 0.12, accuracy: 0.1, length: 93, kl: 0, step_time: 1.4 });
 * bar.log("checkpoint saved");  // printed above the live line
 * bar.finish();
 * ```
 */
export class ProgressLine {
  readonly #opts: Required<Omit<ProgressOptions, "label" | "columns">> & {
    label?: string;
    columns?: number;
  };
  readonly #t0: number;
  #lastPlain = -Infinity;
  #line = "";
  #finished = false;

  constructor(options: ProgressOptions) {
    this.#opts = {
      startStep: 0,
      tty: options.tty ?? safeIsTerminal(),
      write: options.write ?? writeStdout,
      plainIntervalMs: 10_000,
      now: () => performance.now(),
      ...options,
    };
    this.#t0 = this.#opts.now();
  }

  /** Report that `step` (1-based) has finished. */
  update(step: number, fields: ProgressFields = {}): void {
    const o = this.#opts;
    const now = o.now();
    const done = step - o.startStep;
    const eta = done > 0 ? ((now - this.#t0) / 1000 / done) * Math.max(0, o.total - step) : NaN;
    this.#line = formatProgressLine(step, o.total, fields, eta, o.label);
    if (o.tty) {
      o.write("\r\x1b[2K" + fit(this.#line, o.columns ?? consoleColumns()));
    } else if (now - this.#lastPlain >= o.plainIntervalMs || step >= o.total) {
      this.#lastPlain = now;
      o.write(this.#line + "\n");
    }
  }

  /** Print a message on its own line without disturbing the live line. */
  log(message: string): void {
    const o = this.#opts;
    if (o.tty && this.#line && !this.#finished) {
      o.write("\r\x1b[2K" + message + "\n" + fit(this.#line, o.columns ?? consoleColumns()));
    } else {
      o.write(message + "\n");
    }
  }

  /** End the live line (TTY: move to a new line). Idempotent. */
  finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    if (this.#opts.tty && this.#line) this.#opts.write("\n");
  }
}

/**
 * Format the progress line, e.g.
 * `zero | step 120/500 | reward 0.412 | acc 38.5% | len 87.3 | kl 0.0123 | 1.23s/step | ETA 7m47s`.
 * Missing fields are left out.
 */
export function formatProgressLine(
  step: number,
  total: number,
  fields: ProgressFields,
  etaSeconds?: number,
  label?: string,
): string {
  const parts: string[] = [];
  if (label) parts.push(label);
  parts.push(`step ${step}/${total}`);
  if (fields.loss !== undefined) parts.push(`loss ${num(fields.loss, 4)}`);
  if (fields.reward !== undefined) parts.push(`reward ${num(fields.reward, 3)}`);
  if (fields.accuracy !== undefined) {
    parts.push(
      `acc ${
        Number.isFinite(fields.accuracy) ? (100 * fields.accuracy).toFixed(1) : fields.accuracy
      }%`,
    );
  }
  if (fields.length !== undefined) parts.push(`len ${num(fields.length, 1)}`);
  if (fields.kl !== undefined) parts.push(`kl ${num(fields.kl, 4)}`);
  if (fields.step_time !== undefined) parts.push(`${num(fields.step_time, 2)}s/step`);
  if (etaSeconds !== undefined && Number.isFinite(etaSeconds)) {
    parts.push(`ETA ${formatDuration(etaSeconds)}`);
  }
  return parts.join(" | ");
}

/** `3725` → `"1h02m05s"`, `467` → `"7m47s"`, `9.2` → `"9s"`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const pad = (x: number) => String(x).padStart(2, "0");
  if (h > 0) return `${h}h${pad(m)}m${pad(sec)}s`;
  if (m > 0) return `${m}m${pad(sec)}s`;
  return `${sec}s`;
}

function num(x: number, digits: number): string {
  return Number.isFinite(x) ? x.toFixed(digits) : String(x);
}

function fit(line: string, columns: number): string {
  return line.length < columns ? line : line.slice(0, Math.max(1, columns - 2)) + "…";
}

function consoleColumns(): number {
  try {
    return Deno.consoleSize().columns;
  } catch {
    return 120;
  }
}

function safeIsTerminal(): boolean {
  try {
    return Deno.stdout.isTerminal();
  } catch {
    return false;
  }
}

const encoder = new TextEncoder();

function writeStdout(text: string): void {
  const bytes = encoder.encode(text);
  let off = 0;
  while (off < bytes.length) off += Deno.stdout.writeSync(bytes.subarray(off));
}
