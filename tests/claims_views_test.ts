import { assert, assertEquals } from "./_assert.ts";
import { join } from "node:path";
import pl from "nodejs-polars";
import {
  betaSweepSpec,
  betaSweepViews,
  budgetSweepSpec,
  budgetSweepViews,
  claimChartViews,
  claimSpecs,
  type ClaimsResults,
  claimsSamplesViews,
  claimsTableHtml,
  claimsTableView,
  claimsViews,
  loadClaimsResults,
  VERDICT_COLORS,
} from "../lib/notebook/claims_views.ts";
import { mimeBundle } from "../lib/notebook/display.ts";
import { isMissing, resetNotices } from "../lib/notebook/missing.ts";
import { C4_TESTBEDS, claimsReport, claimTestbedDirs } from "../lib/report/claims_report.ts";
import { createRng } from "../lib/data/rng.ts";
import { writeClaimsRun } from "./_claims_fixtures.ts";

type Values = Record<string, unknown>[];
const valuesOf = (spec: unknown) => (spec as { data: { values: Values } }).data.values;

/** A claims grid: the 0.8 M testbed with the β and budget sweeps, the 0.2 M one for C4. */
async function withGrid(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    const rng = createRng(3);
    const write = (tb: string, v: string, seed: number, p: number, file?: string) =>
      writeClaimsRun(rng, dir, tb, v, seed, p, file);
    for (const seed of [1, 2, 3]) {
      write("overthink-0.8m", "base", seed, 0.1);
      write("overthink-0.8m", "base", seed, 0.3, "eval_samples@4x.jsonl");
      write("overthink-0.8m", "zero_grpo", seed, 0.5);
      write("overthink-0.8m", "zero_grpo", seed, 0.6, "eval_samples@4x.jsonl");
      write("overthink-0.8m", "grpo_kl", seed, 0.9); // C2 contradicted
      write("overthink-0.8m", "kl_beta_0_01", seed, 0.5);
      write("overthink-0.8m", "kl_beta_0_1", seed, 0.4);
      write("overthink-0.8m", "zero_grpo_no_curriculum", seed, 0.5);
      write("overthink-0.2m", "zero_grpo", seed, 0.5);
      write("overthink-0.2m", "grpo_kl", seed, 0.3);
    }
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("claims views: no grid yet — one notice naming the command, no throw", async () => {
  resetNotices();
  const dir = await Deno.makeTempDir();
  try {
    const results = loadClaimsResults(join(dir, "claims"));
    assert(isMissing(results));
    assert(results.message.includes("deno task ablate --preset claims"), results.message);
    assert(!results.message.includes("\n"), "one line");
    const views = claimsViews(results);
    assertEquals(views.length, 1);
    const md = (await mimeBundle(views[0]))["text/markdown"] as string;
    assert(md.startsWith("> ⚠️ **No claims grid has run yet**"), md);
    for (const v of [claimsTableView(results), ...betaSweepViews(results)]) {
      assert(((await mimeBundle(v))["text/markdown"] as string).startsWith("> ⚠️"));
    }
    assertEquals(claimChartViews(results).length, 1);
    assertEquals(budgetSweepViews(results).length, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("claims views: the table with coloured verdicts, one chart per claim with its numbers", async () => {
  await withGrid(async (dir) => {
    const results = loadClaimsResults(dir, { resamples: 300 }) as ClaimsResults;
    assert(results.ok);
    const expected = claimsReport(claimTestbedDirs(dir), {
      seed: 1,
      resamples: 300,
      ...C4_TESTBEDS,
    }).rows;
    assertEquals(results.rows, expected);
    const verdicts = new Set(expected.map((r) => r.verdict));
    assertEquals([...verdicts].sort(), ["contradicted", "inconclusive", "supported"]);
    const trs = claimsTableHtml(results.rows).split("<tr>").slice(2); // after the header
    assertEquals(trs.length, expected.length);
    expected.forEach((r, i) => {
      const tr = trs[i];
      assert(tr.includes(`<b style="color:${VERDICT_COLORS[r.verdict]}">${r.verdict}</b>`), tr);
      assert(tr.includes(`[${r.lo.toFixed(2)}, ${r.hi.toFixed(2)}]`), tr);
    });
    const bundle = await mimeBundle(claimsTableView(results));
    assert((bundle["text/html"] as string).startsWith("<table>"));
    assert((bundle["text/plain"] as string).includes("| C2 "));

    const ids = [...new Set(expected.map((r) => r.id))].sort();
    assertEquals(ids, ["C1", "C2", "C4", "C5", "C6"]);
    const specs = claimSpecs(results.rows);
    assertEquals(specs.length, ids.length);
    specs.forEach((spec, i) => {
      const mine = expected.filter((r) => r.id === ids[i]);
      assert(String((spec as { title: string }).title).startsWith(ids[i]));
      assertEquals(
        valuesOf(spec).map((v) => [v.estimate, v.lo, v.hi, v.verdict]),
        mine.map((r) => [r.estimate, r.lo, r.hi, r.verdict]),
      );
      assert(valuesOf(spec).every((v) => v.no_effect === (ids[i] === "C1" ? 1 : 0)));
    });
    const c2 = valuesOf(specs[1])[0];
    assertEquals([c2.label, c2.verdict], ["overthink-0.8m · zero_grpo − grpo_kl", "contradicted"]);
    const charts = await Promise.all(claimChartViews(results).map(mimeBundle));
    assertEquals(charts.length, ids.length);
    for (const c of charts) assert(String(c["image/svg+xml"]).startsWith("<svg"));
    assertEquals(claimsViews(results).length, 1 + ids.length);
  });
});

Deno.test("claims views: the β sweep and the budget sweep, tables and curves", async () => {
  await withGrid(async (dir) => {
    const results = loadClaimsResults(dir, { resamples: 100 }) as ClaimsResults;
    const [betaTable, betaChart] = betaSweepViews(results);
    const beta = (betaTable as pl.DataFrame).toRecords();
    assertEquals(beta.map((r) => [r.testbed, r.beta, r.seeds]), [
      ["overthink-0.8m", 0, 3],
      ["overthink-0.8m", 0.01, 3],
      ["overthink-0.8m", 0.04, 3],
      ["overthink-0.8m", 0.1, 3],
      ["overthink-0.2m", 0, 3], // its C4 runs are two points of the sweep
      ["overthink-0.2m", 0.04, 3],
    ]);
    // drift_kl: the mean of the last steps' 0.01, 0.02, 0.03.
    assertEquals(beta.map((r) => r.drift_kl), [0.02, 0.02, 0.02, 0.02, 0.02, 0.02]);
    const bv = valuesOf(betaSweepSpec(beta));
    assertEquals(
      bv.filter((v) => v.metric === "pass@1 (%)").map((v) => v.value),
      beta.map((r) => r.pass1),
    );
    assert(String((await mimeBundle(betaChart))["image/svg+xml"]).startsWith("<svg"));

    const [budgetTable, budgetChart] = budgetSweepViews(results);
    const budget = (budgetTable as pl.DataFrame).toRecords();
    assertEquals(budget.map((r) => `${r.testbed} ${r.variant}@${r.budget}`), [
      "overthink-0.8m base@1×",
      "overthink-0.8m base@4×",
      "overthink-0.8m zero_grpo@1×",
      "overthink-0.8m zero_grpo@4×",
      "overthink-0.2m zero_grpo@1×",
    ]);
    assertEquals(budget.map((r) => r.tokens_per_correct), [100, null, 100, null, 100]);
    const uv = valuesOf(budgetSweepSpec(budget));
    assertEquals(uv.length, 8); // 5 pass@1 points, 3 token counts (none at 4×)
    assert(String((await mimeBundle(budgetChart))["image/svg+xml"]).startsWith("<svg"));
  });
});

Deno.test("claims views: how the samples end, per testbed and variant; a notice before any grid", async () => {
  await withGrid((dir) => {
    const results = loadClaimsResults(dir, { resamples: 100 }) as ClaimsResults;
    const views = claimsSamplesViews(results);
    // The fixture's runs record no evaluation set: the outcome table only, no completions.
    assertEquals(views.length, 1);
    const rows = (views[0] as pl.DataFrame).toRecords();
    const zero = rows.find((r) => r.testbed === "overthink-0.8m" && r.variant === "zero_grpo")!;
    assertEquals(zero.samples, 120); // 3 seeds × 40 problems
    assertEquals(zero.length, 50);
    assertEquals(Number(zero.correct) + Number(zero.wrong_answer), 100); // answered, not cut off
    assertEquals(rows.filter((r) => r.testbed === "overthink-0.2m").length, 2);
    return Promise.resolve();
  });
  const empty = await Deno.makeTempDir();
  try {
    assertEquals(claimsSamplesViews(loadClaimsResults(join(empty, "none"))).length, 1);
  } finally {
    await Deno.remove(empty, { recursive: true });
  }
});

Deno.test("claims views: runs but no complete pair — a line, not an empty table", async () => {
  const dir = await Deno.makeTempDir();
  try {
    writeClaimsRun(createRng(1), dir, "imperfect-0.8m", "base", 1, 0.2);
    const results = loadClaimsResults(dir, { resamples: 50 });
    assert(results.ok);
    const md = (await mimeBundle(claimsTableView(results)))["text/markdown"] as string;
    assert(md.includes("none of the pairs"), md);
    assert(
      ((await mimeBundle(betaSweepViews(results)[0]))["text/markdown"] as string).includes("β"),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
