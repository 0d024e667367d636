import { assert, assertEquals } from "./_assert.ts";
import { type GradeIO, runGrade } from "../bin/grade.ts";
import { math500Pairs } from "../bin/math500_pairs.ts";
import { withFile } from "./_temp.ts";

function capture(): GradeIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

Deno.test("grade CLI: one {equal} line per input line, in order", async () => {
  const input = [
    { answer: "\\frac12", gold: "0.5" },
    { answer: "3", gold: "4" },
    { answer: null, gold: "4" },
    { answer: "(1,2)", gold: "\\left(1,2\\right)" },
  ].map((x) => JSON.stringify(x)).join("\n") + "\n";
  await withFile(input, async (path) => {
    const io = capture();
    assertEquals(await runGrade([path], io), 0);
    assertEquals(io.stdout.join("\n").split("\n"), [
      '{"equal":true}',
      '{"equal":false}',
      '{"equal":false}',
      '{"equal":true}',
    ]);
    assertEquals(io.stderr, []);
  });
});

Deno.test("grade CLI: bad lines give one FILE:LINE error and exit 1, no output", async () => {
  const cases: [string, string][] = [
    [
      '{"answer":"1","gold":"1"}\n{"answer":3,"gold":"1"}\n',
      ":2: field answer: expected a string or null, got number 3",
    ],
    ['{"answer":"1"}\n', ":1: field gold: missing"],
    ['{"gold":"1"}\n', ":1: field answer: missing"],
    ['{"answer":"1","gold":["1"]}\n', ":1: field gold: expected a string, got an array"],
    ['{"answer":"1","gold":"1"}\n\nnot json\n', ":3: invalid JSON"],
    ["[1,2]\n", ":1: expected a JSON object, got an array"],
  ];
  for (const [text, expected] of cases) {
    await withFile(text, async (path) => {
      const io = capture();
      assertEquals(await runGrade([path], io), 1);
      assertEquals(io.stdout, []);
      assertEquals(io.stderr.length, 1);
      assert(!io.stderr[0].includes("\n"), "one line");
      assert(io.stderr[0].startsWith(path + ":"), io.stderr[0]);
      assert(io.stderr[0].includes(expected), `${io.stderr[0]} lacks ${expected}`);
    });
  }
});

Deno.test("grade CLI: missing file and bad usage", async () => {
  const io = capture();
  assertEquals(await runGrade(["/nonexistent/file.jsonl"], io), 1);
  assertEquals(io.stderr.length, 1);
  const io2 = capture();
  assertEquals(await runGrade([], io2), 2);
  assertEquals(io2.stderr.length, 1);
});

Deno.test("grade CLI: MATH-500 gold vs solution pairs grade 500/500 equal", async () => {
  const pairs = await math500Pairs();
  assertEquals(pairs.length, 500);
  await withFile(pairs.map((p) => JSON.stringify(p)).join("\n") + "\n", async (path) => {
    const io = capture();
    assertEquals(await runGrade([path, "--summary"], io), 0);
    const lines = io.stdout.join("\n").split("\n");
    assertEquals(lines.length, 500);
    assertEquals(lines.filter((l) => l === '{"equal":true}').length, 500);
    const summary = JSON.parse(io.stderr[0]);
    assertEquals(summary.n, 500);
    assertEquals(summary.equal, 500);
  });
});
