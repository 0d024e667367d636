import { join } from "node:path";
import { assert, assertEquals } from "./_assert.ts";
import { CURVES, RUNS } from "./_notebook_fixtures.ts";
import {
  ablationReportView,
  ablationSamplesView,
  loadAblationResults,
  resultFilesTable,
  sampleEntriesHtml,
} from "../lib/notebook/ablation_results.ts";
import { mimeBundle } from "../lib/notebook/display.ts";
import { resetNotices } from "../lib/notebook/missing.ts";

/** A results folder as `deno task ablate` writes it (two variants, one seed, no report yet). */
async function fakeResults(dir: string): Promise<void> {
  for (const run of RUNS.filter((r) => r.seed === 1 && r.variant !== "grpo_kl")) {
    const d = join(dir, "runs", run.variant, "1");
    await Deno.mkdir(d, { recursive: true });
    await Deno.writeTextFile(join(d, "summary.json"), JSON.stringify({ ...run, n_eval: 5 }));
    await Deno.writeTextFile(join(d, "config.json"), "{}\n");
    await Deno.writeTextFile(join(d, "eval.json"), JSON.stringify({ n: 5, k: 2 }));
    const curve = CURVES.filter((c) => c.variant === run.variant && c.seed === 1);
    if (curve.length) {
      await Deno.writeTextFile(
        join(d, "metrics.jsonl"),
        curve.map(({ variant: _v, seed: _s, ...m }) => JSON.stringify(m)).join("\n") + "\n",
      );
    }
    const samples = [0, 1, 2, 3, 4].flatMap((problem) =>
      [0, 1].map((sample) => ({
        problem,
        sample,
        completion: `<think>${run.variant}</think>\\boxed{1}`,
        answer: "1",
        correct: run.variant === "zero_grpo",
        length: 20,
        truncated: false,
        wellFormatted: true,
      }))
    );
    await Deno.writeTextFile(
      join(d, "eval_samples.jsonl"),
      samples.map((s) => JSON.stringify(s)).join("\n") + "\n",
    );
  }
  await Deno.writeTextFile(join(dir, "ablation.csv"), "variant\n");
}

Deno.test("loadAblationResults: no runs is a notice saying how to make them", async () => {
  resetNotices();
  const dir = await Deno.makeTempDir();
  const r = await loadAblationResults(dir);
  assertEquals(r.ok, false);
  if (r.ok) return;
  assert(r.message.includes("deno task ablate"));
  const md = String((await mimeBundle(resultFilesTable(r)))["text/markdown"]);
  assert(md.includes("No ablation results yet"));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadAblationResults: runs, curves, files, samples; a notice for the missing report", async () => {
  resetNotices();
  const dir = await Deno.makeTempDir();
  await fakeResults(dir);
  const r = await loadAblationResults(dir);
  assert(r.ok);
  if (!r.ok) return;
  assertEquals(r.runs.map((x) => x.variant), ["base", "zero_grpo"]);
  assertEquals(r.curves.length, 3);
  assertEquals(r.evalProblems.length, 5);
  assertEquals(r.reportMarkdown, null);
  const report = String((await mimeBundle(ablationReportView(r)))["text/markdown"]);
  assert(report.includes("ablation.md` is not written yet"));
  const files = (await mimeBundle(resultFilesTable(r)))["text/html"] as string;
  assert(files.includes("ablation.csv"));
  const samples = String((await mimeBundle(ablationSamplesView(r)))["text/html"]);
  assert(samples.includes("&lt;think&gt;zero_grpo&lt;/think&gt;"), "completions verbatim, escaped");
  assert(samples.includes("Level 1"));
  await Deno.writeTextFile(join(dir, "ablation.md"), "# Ablation\n\n| a |\n|---|\n| 1 |\n");
  const r2 = await loadAblationResults(dir);
  assert(
    r2.ok &&
      String((await mimeBundle(ablationReportView(r2)))["text/markdown"]).startsWith(
        "### Ablation",
      ),
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("sampleEntriesHtml: one heading per problem, a card per variant", () => {
  const h = sampleEntriesHtml([
    {
      problem: "What is 1+1?",
      completion: "\\boxed{2}",
      answer: "2",
      predicted: "2",
      correct: true,
      level: 1,
      variant: "a",
      seed: 1,
    },
    {
      problem: "What is 1+1?",
      completion: "\\boxed{3}",
      answer: "2",
      predicted: "3",
      correct: false,
      level: 1,
      variant: "b",
      seed: 1,
    },
  ]);
  assertEquals((h.match(/<h4/g) ?? []).length, 1);
  assertEquals((h.match(/border-left/g) ?? []).length, 2);
  assert(sampleEntriesHtml([]).includes("No evaluated completions"));
});
