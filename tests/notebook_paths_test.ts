import { assert, assertEquals } from "./_assert.ts";
import { join } from "node:path";
import {
  baseModelDir,
  claimsDir,
  math500Path,
  relativeToRoot,
  repoRoot,
  resultsDir,
} from "../lib/notebook/paths.ts";

Deno.test("repoRoot: the folder holding deno.json, whatever the working directory", () => {
  const root = repoRoot();
  assert(Deno.statSync(join(root, "deno.json")).isFile);
  assert(!root.endsWith("/"));
});

Deno.test("math500Path: data/math500/test.jsonl inside the checkout, and it is there", () => {
  assertEquals(math500Path("/x/main"), "/x/main/data/math500/test.jsonl");
  assert(Deno.statSync(math500Path()).isFile, "the shipped MATH-500 file");
});

Deno.test("baseModelDir / resultsDir / claimsDir: defaults, absolute and relative overrides", () => {
  assertEquals(baseModelDir("/r", undefined), "/r/data/bases/overthink-0.2m");
  assertEquals(baseModelDir("/r", "/tmp/b"), "/tmp/b");
  assertEquals(baseModelDir("/r", "ck/b"), "/r/ck/b");
  assertEquals(resultsDir("/r", undefined), "/r/results");
  assertEquals(resultsDir("/r", "/tmp/res"), "/tmp/res");
  assertEquals(claimsDir("/r", undefined), "/r/results/claims");
  assertEquals(claimsDir("/r", "out/claims"), "/r/out/claims");
});

Deno.test("relativeToRoot: paths under the root lose it, others stay", () => {
  assertEquals(relativeToRoot("/r/data/bases/x", "/r"), "data/bases/x");
  assertEquals(relativeToRoot("/elsewhere/x", "/r"), "/elsewhere/x");
});
