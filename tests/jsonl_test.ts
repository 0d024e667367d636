import { assert, assertEquals, assertRejects, assertThrows } from "./_assert.ts";
import {
  checkProblem,
  JsonlError,
  loadProblems,
  parseJsonl,
  parseProblems,
  type Problem,
  readJsonl,
  readLines,
  streamProblems,
  toJsonl,
} from "../lib/data/mod.ts";
import { MATH500_SHA256, math500Path } from "../lib/data/math500.ts";
import { dirname, join } from "node:path";
import { withFile } from "./_temp.ts";

const MATH500 = math500Path();

const GOOD: Problem = {
  problem: "What is 1+1?",
  solution: "<think>1+1=2.</think>\\boxed{2}",
  answer: "2",
  subject: "Arithmetic",
  level: 1,
  unique_id: "x/1",
};

Deno.test("loadProblems reads all 500 MATH-500 problems", async () => {
  const ps = await loadProblems(MATH500);
  assertEquals(ps.length, 500);
  assert(ps.every((p) => Number.isInteger(p.level) && p.level >= 1 && p.level <= 5));
  assertEquals(new Set(ps.map((p) => p.unique_id)).size, 500);
  assertEquals(Object.keys(ps[0]).sort(), [
    "answer",
    "level",
    "problem",
    "solution",
    "subject",
    "unique_id",
  ]);
  let n = 0;
  for await (const _ of streamProblems(MATH500)) n++;
  assertEquals(n, 500);
});

Deno.test("data/math500/test.jsonl: the sha256 its README states", async () => {
  const bytes = await Deno.readFile(MATH500);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const hex = [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
  assertEquals(hex, MATH500_SHA256);
  const readme = await Deno.readTextFile(join(dirname(MATH500), "README.md"));
  assert(readme.includes(MATH500_SHA256), "README states the sha256");
  for (const word of ["Let's Verify Step by Step", "PRM800K", "MIT"]) {
    assert(readme.includes(word), `README names ${word}`);
  }
});

Deno.test("parseProblems: valid lines, blank lines skipped, extra fields dropped, CRLF", () => {
  const text = JSON.stringify({ ...GOOD, extra: 1 }) + "\r\n\r\n" + JSON.stringify(GOOD) + "\n";
  const ps = parseProblems(text, "f.jsonl");
  assertEquals(ps.length, 2);
  assertEquals(ps[0], GOOD);
});

Deno.test("bad lines fail with FILE:LINE: field …: what is wrong", () => {
  const cases: [unknown, string][] = [
    [{ ...GOOD, level: 7 }, "f.jsonl:2: field level: must be an integer 1–5, got number 7"],
    [
      { ...GOOD, level: "Level 3" },
      'f.jsonl:2: field level: must be an integer 1–5, got the string "Level 3"',
    ],
    [{ ...GOOD, level: 2.5 }, "f.jsonl:2: field level: must be an integer 1–5, got number 2.5"],
    [{ ...GOOD, level: undefined }, "f.jsonl:2: field level: missing"],
    [{ ...GOOD, answer: 5 }, "f.jsonl:2: field answer: expected a string, got number 5"],
    [{ ...GOOD, problem: "  " }, "f.jsonl:2: field problem: must not be empty"],
    [{ ...GOOD, unique_id: undefined }, "f.jsonl:2: field unique_id: missing"],
    [{ ...GOOD, subject: null }, "f.jsonl:2: field subject: expected a string, got null"],
    [[1, 2], "f.jsonl:2: expected a JSON object, got an array"],
    ["str", 'f.jsonl:2: expected a JSON object, got the string "str"'],
  ];
  for (const [bad, message] of cases) {
    const text = JSON.stringify(GOOD) + "\n" + JSON.stringify(bad) + "\n";
    const e = assertThrows(() => parseProblems(text, "f.jsonl"), JsonlError);
    assertEquals(e.message, message);
    assertEquals((e as JsonlError).line, 2);
    assertEquals((e as JsonlError).file, "f.jsonl");
  }
  const e = assertThrows(() => parseProblems('{"a":\n', "g.jsonl"), JsonlError);
  assert(e.message.startsWith("g.jsonl:1: invalid JSON: "), e.message);
  assert(!e.message.includes("\n"));
});

Deno.test("streamProblems / readJsonl report the line of a bad file line", async () => {
  const text = [GOOD, GOOD, { ...GOOD, level: 0 }].map((x) => JSON.stringify(x)).join("\n");
  await withFile(text, async (path) => {
    const e = await assertRejects(() => loadProblems(path), JsonlError);
    assertEquals(e.message, `${path}:3: field level: must be an integer 1–5, got number 0`);
  });
  await withFile('{"ok":1}\n{oops}\n', async (path) => {
    const seen: number[] = [];
    const e = await assertRejects(async () => {
      for await (const r of readJsonl(path)) seen.push(r.line);
    }, JsonlError);
    assertEquals(seen, [1]);
    assert(e.message.startsWith(`${path}:2: invalid JSON`));
  });
  await assertRejects(() => loadProblems("/nonexistent.jsonl"), Deno.errors.NotFound);
});

Deno.test("readLines: line numbers, CRLF, no trailing newline, long lines", async () => {
  const long = "y".repeat(200_000);
  await withFile(`a\r\nb\n\n${long}\nlast`, async (path) => {
    const lines: { line: number; text: string }[] = [];
    for await (const l of readLines(path)) lines.push(l);
    assertEquals(lines.map((l) => l.line), [1, 2, 3, 4, 5]);
    assertEquals(lines.map((l) => l.text.length), [1, 1, 0, 200_000, 4]);
  });
});

Deno.test("toJsonl / parseJsonl round trip; checkProblem", () => {
  const text = toJsonl([GOOD, { a: 1 }]);
  assertEquals(parseJsonl(text).map((r) => r.value), [GOOD, { a: 1 }]);
  assertEquals(checkProblem(GOOD), { ok: true, problem: GOOD });
  assertEquals(checkProblem({ ...GOOD, level: 6 }).ok, false);
});
