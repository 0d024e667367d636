/**
 * A `deno run -A bin/….ts` child process whose output is read as it comes, for tests that act on
 * what it prints (kill a worker once it says it started a run).
 *
 * @module
 */
import { join } from "node:path";

const ROOT = new URL("..", import.meta.url).pathname;

/** A running script and its output so far. */
export interface Child {
  child: Deno.ChildProcess;
  /** Its stdout. */
  out: Lines;
  /** Its stderr. */
  err: Lines;
  /** stdout and stderr so far, one after the other. */
  all(): string;
}

/** Starts `deno run -A <script> …args` in the repository root with `env` (and `NO_COLOR=1`) added. */
export function spawnScript(
  script: string,
  args: string[],
  env: Record<string, string> = {},
): Child {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(ROOT, script), ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const out = readLines(child.stdout);
  const err = readLines(child.stderr);
  return { child, out, err, all: () => out.text() + err.text() };
}

/** Runs the script to its end: its exit code and its stdout then stderr. */
export async function runScript(
  script: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; out: string }> {
  const c = spawnScript(script, args, env);
  const { code } = await c.child.status;
  await Promise.all([c.out.done, c.err.done]);
  return { code, out: c.all() };
}

/** The output of a stream so far, and a way to wait for a line. */
export interface Lines {
  /** Everything read so far. */
  text(): string;
  /** Resolves with the first line matching `re` (already read or to come); rejects after `ms`. */
  waitFor(re: RegExp, ms: number): Promise<string>;
  /** Resolves when the stream has ended. */
  done: Promise<void>;
}

/** Starts reading `stream` (UTF-8) in the background. */
export function readLines(stream: ReadableStream<Uint8Array>): Lines {
  let text = "";
  let ended = false;
  const waiters = new Set<() => void>();
  const done = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      text += decoder.decode(chunk, { stream: true });
      for (const w of waiters) w();
    }
  })().catch(() => {}).finally(() => {
    ended = true;
    for (const w of waiters) w();
  });
  const find = (re: RegExp) => text.split("\n").find((l) => re.test(l));
  return {
    text: () => text,
    done,
    waitFor(re, ms) {
      return new Promise((resolve, reject) => {
        const fail = (why: string) => {
          clearTimeout(timer);
          waiters.delete(check);
          reject(new Error(`no line matching ${re} ${why}; output:\n${text}`));
        };
        const check = () => {
          const hit = find(re);
          if (hit === undefined) {
            if (ended) fail("before the output ended");
            return;
          }
          clearTimeout(timer);
          waiters.delete(check);
          resolve(hit);
        };
        const timer = setTimeout(() => fail(`within ${ms} ms`), ms);
        waiters.add(check);
        check();
      });
    },
  };
}
