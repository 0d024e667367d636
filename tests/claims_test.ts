import { assert, assertEquals } from "./_assert.ts";
import { join } from "node:path";
import {
  claimsCsv,
  claimsMarkdown,
  claimsRows,
  readScores,
  type Testbed,
} from "../lib/report/claims.ts";
import { createRng, type Rng } from "../lib/data/rng.ts";
import type { ScoreMatrix } from "../lib/stats/bootstrap.ts";
import { writeClaimsRun } from "./_claims_fixtures.ts";

/** Seeds × problems of Bernoulli(k=2) scores around per-problem rates `p + shift`. */
function arm(rng: Rng, p: number[], shift: number, seeds = 5, seedSd = 0): ScoreMatrix {
  return Array.from({ length: seeds }, () => {
    const s = shift + (rng.next() - 0.5) * 2 * seedSd;
    return p.map((x) => {
      const q = Math.min(1, Math.max(0, x + s));
      return ((rng.next() < q ? 1 : 0) + (rng.next() < q ? 1 : 0)) / 2;
    });
  });
}

function testbed(
  name: string,
  rng: Rng,
  effects: Record<string, number>,
  sd: Record<string, number> = {},
): Testbed {
  const p = Array.from({ length: 300 }, () => 0.2 + 0.4 * rng.next());
  return {
    name,
    scores: new Map(Object.entries(effects).map(([v, e]) => [v, arm(rng, p, e, 5, sd[v] ?? 0)])),
  };
}

Deno.test("claims: known effects give the right verdicts; absent runs give no row", () => {
  const rng = createRng(5);
  const big = testbed("overthink-0.8m", rng, {
    base: -0.15,
    zero_grpo: 0.15,
    grpo_kl: 0.05,
    zero_grpo_strong_length: 0.15,
    zero_grpo_no_curriculum: 0.15,
  }, { zero_grpo_no_curriculum: 0.3 });
  const small = testbed("overthink-0.2m", rng, { zero_grpo: 0.2, grpo_kl: 0 });
  const rows = claimsRows([big, small], {
    seed: 1,
    resamples: 500,
    small: "overthink-0.2m",
    large: "overthink-0.8m",
  });
  const get = (id: string, base: string, stat = "") =>
    rows.find((r) => r.id === id && r.base === base && r.statistic.includes(stat))!;
  const c1 = get("C1", "overthink-0.8m");
  assert(c1.estimate > 2 && c1.verdict === "supported", JSON.stringify(c1));
  assertEquals(get("C2", "overthink-0.8m").verdict, "supported");
  assert(Math.abs(get("C2", "overthink-0.8m").estimate - 10) < 3);
  // Mild vs strong: no true difference.
  assert(get("C3", "overthink-0.8m", "strong").verdict !== "supported");
  // No `zero_grpo_no_length` runs: no such row.
  assertEquals(rows.filter((r) => r.statistic.includes("no_length")).length, 0);
  // C4: small gains 20 points from dropping KL, large 10 → +10.
  const c4 = get("C4", "overthink-0.2m vs overthink-0.8m");
  assert(c4.verdict === "supported" && Math.abs(c4.estimate - 10) < 4, JSON.stringify(c4));
  // C5: the shuffled arm's seeds spread ±30 points, the staged arm's not.
  assertEquals(get("C5", "overthink-0.8m", "sd over seeds").verdict, "supported");
  // Only C2 and C4 on the small testbed's runs (no base there).
  assertEquals(rows.filter((r) => r.base === "overthink-0.2m").map((r) => r.id), ["C2"]);
  const md = claimsMarkdown(rows);
  assert(md.includes("| C2 ") && md.includes("**supported**"), md);
  const csv = claimsCsv(rows).trim().split("\n");
  assertEquals(csv[0], "id,claim,base,statistic,estimate,lo,hi,verdict,runs");
  assertEquals(csv.length, rows.length + 1);
});

Deno.test("claims: arms with more seeds are paired on the common first seeds, and the runs column says so", () => {
  const rng = createRng(9);
  const p = Array.from({ length: 200 }, () => 0.3 + 0.3 * rng.next());
  const zero = arm(rng, p, 0.1, 10);
  const kl = arm(rng, p, 0.1, 10);
  const base = arm(rng, p, -0.1, 5);
  const tb: Testbed = {
    name: "tb",
    scores: new Map([["zero_grpo", zero], ["grpo_kl", kl], ["base", base]]),
  };
  const rows = claimsRows([tb], { seed: 3, resamples: 200 });
  const c1 = rows.find((r) => r.id === "C1")!;
  assertEquals(c1.runs, "tb/zero_grpo×5, tb/base×5");
  const only5 = claimsRows([{
    ...tb,
    scores: new Map([["zero_grpo", zero.slice(0, 5)], ["base", base]]),
  }], {
    seed: 3,
    resamples: 200,
  });
  assertEquals(only5.find((r) => r.id === "C1")!.estimate, c1.estimate);
  assertEquals(rows.find((r) => r.id === "C2")!.runs, "tb/zero_grpo×10, tb/grpo_kl×10");
});

Deno.test("claims: C4 also against β = 0.4 where both sizes ran it", () => {
  const rng = createRng(11);
  // Dropping a β = 0.4 KL gains 30 points at the small size, 10 at the large: C4 = +20.
  const large = testbed("L", rng, { zero_grpo: 0.1, grpo_kl: 0.1, kl_beta_0_4: 0 });
  const small = testbed("S", rng, { zero_grpo: 0.1, grpo_kl: 0.1, kl_beta_0_4: -0.2 });
  const rows = claimsRows([small, large], { seed: 2, resamples: 400, small: "S", large: "L" })
    .filter((r) => r.id === "C4");
  assertEquals(rows.map((r) => r.statistic.split(")")[0]), [
    "(zero_grpo − grpo_kl",
    "(zero_grpo − kl_beta_0_4",
  ]);
  assert(rows[0].verdict !== "supported", JSON.stringify(rows[0]));
  assert(rows[1].verdict === "supported" && Math.abs(rows[1].estimate - 20) < 5);
  assertEquals(rows[1].runs, "S/zero_grpo×5, S/kl_beta_0_4×5, L/zero_grpo×5, L/kl_beta_0_4×5");
  // Without the β = 0.4 arm on one size: only the standard row.
  large.scores.delete("kl_beta_0_4");
  const only = claimsRows([small, large], { seed: 2, resamples: 100, small: "S", large: "L" });
  assertEquals(only.filter((r) => r.id === "C4").length, 1);
});

Deno.test("readScores: per-problem accuracy per finished seed; unfinished seeds skipped", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const write = (seed: number, lines: object[], finished = true) => {
      const d = join(dir, "zero_grpo", String(seed));
      Deno.mkdirSync(d, { recursive: true });
      Deno.writeTextFileSync(
        join(d, "eval_samples.jsonl"),
        lines.map((l) => JSON.stringify(l)).join("\n") + "\n",
      );
      if (finished) Deno.writeTextFileSync(join(d, "summary.json"), "{}");
    };
    write(2, [
      { problem: 0, sample: 0, correct: true },
      { problem: 0, sample: 1, correct: false },
      { problem: 1, sample: 0, correct: true },
      { problem: 1, sample: 1, correct: true },
    ]);
    write(1, [
      { problem: 0, sample: 0, correct: false },
      { problem: 0, sample: 1, correct: false },
      { problem: 1, sample: 0, correct: true },
      { problem: 1, sample: 1, correct: false },
    ]);
    write(3, [{ problem: 0, sample: 0, correct: true }], false);
    assertEquals(readScores(dir, "zero_grpo"), [[0, 0.5], [0.5, 1]]);
    assertEquals(readScores(dir, "grpo_kl"), []);
    write(4, [{ problem: 0, sample: 0 }]);
    let msg = "";
    try {
      readScores(dir, "zero_grpo");
    } catch (e) {
      msg = (e as Error).message;
    }
    assertEquals(
      msg,
      `${join(dir, "zero_grpo", "4", "eval_samples.jsonl")}:1: field "problem"/"correct" missing`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("claimsReport: rows, β sweep, stability and budget tables from run folders", async () => {
  const { claimsReport } = await import("../lib/report/claims_report.ts");
  const dir = await Deno.makeTempDir();
  try {
    const rng = createRng(9);
    const write = (tb: string, variant: string, seed: number, p: number, file?: string) =>
      writeClaimsRun(rng, dir, tb, variant, seed, p, file);
    for (const seed of [1, 2, 3]) {
      write("big", "base", seed, 0.1);
      write("big", "base", seed, 0.6, "eval_samples@4x.jsonl");
      write("big", "zero_grpo", seed, 0.6);
      write("big", "zero_grpo", seed, 0.7, "eval_samples@4x.jsonl");
      write("big", "grpo_kl", seed, 0.4);
      write("big", "zero_grpo_no_curriculum", seed, 0.5);
    }
    const report = claimsReport([{ name: "big", dir: join(dir, "big") }], {
      seed: 1,
      resamples: 200,
    });
    const ids = report.rows.map((r) => `${r.id}:${r.statistic.split(" ")[0]}`);
    assert(ids.includes("C1:zero_grpo") && ids.includes("C2:zero_grpo"), ids.join());
    assert(ids.includes("C6:zero_grpo@4x"), ids.join());
    assertEquals(report.rows.find((r) => r.id === "C1")!.verdict, "supported");
    for (const s of ["**β sweep**", "**Curriculum stability**", "**Budget sweep**", "12 runs in"]) {
      assert(report.markdown.includes(s), s);
    }
    assert(report.markdown.includes("| 0.04 | grpo_kl "), report.markdown);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("replaceMarkedBlock: replaces between the markers; missing markers name the file", async () => {
  const { replaceMarkedBlock } = await import("../lib/report/marked_block.ts");
  const text = "a\n<!-- claims:start -->\nold\n<!-- claims:end -->\nb\n";
  assertEquals(
    replaceMarkedBlock(text, "claims", "new"),
    "a\n<!-- claims:start -->\nnew\n<!-- claims:end -->\nb\n",
  );
  let msg = "";
  try {
    replaceMarkedBlock("nothing", "claims", "x", "README.md");
  } catch (e) {
    msg = (e as Error).message;
  }
  assertEquals(msg, 'README.md: no "<!-- claims:start -->" … "<!-- claims:end -->" block to fill');
});
