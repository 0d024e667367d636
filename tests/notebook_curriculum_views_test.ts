import { assert, assertEquals } from "./_assert.ts";
import {
  binByLevel,
  createMiniMathSampler,
  cutByPassRate,
  mixSchedule,
  shuffledSchedule,
  stagedSchedule,
} from "../lib/curriculum/mod.ts";
import { miniMathTrainPool } from "../lib/data/minimath_split.ts";
import { renderSvg } from "../lib/report/svg.ts";
import {
  batchCompositionTable,
  evenlySpacedSteps,
  levelBinsTable,
  passRateBinsSpec,
  passRateBinsTable,
  passRateByLevelTable,
  scheduleSpec,
} from "../lib/notebook/curriculum_views.ts";

const POOL = miniMathTrainPool({ seed: 1, perLevel: 10 });

Deno.test("levelBinsTable: sizes and shares of the level bins", () => {
  const rows = levelBinsTable(binByLevel(POOL)).toRecords();
  assertEquals(rows, [
    { bin: "easy", levels: "L1, L2", problems: 20, share_pct: 40 },
    { bin: "medium", levels: "L3", problems: 10, share_pct: 20 },
    { bin: "hard", levels: "L4, L5", problems: 20, share_pct: 40 },
  ]);
});

Deno.test("pass-rate tables and chart: bins against levels", async () => {
  // Pass rate falls with the level: the pass-rate bins then match the level bins.
  const rates = POOL.map((p) => 1 - p.level / 5 + 0.01 * (POOL.indexOf(p) % 3));
  const bins = cutByPassRate(POOL, rates);
  const t = passRateBinsTable(POOL, rates, bins).toRecords() as Record<string, number>[];
  assertEquals(t.map((r) => r.problems), [bins.easy.length, bins.medium.length, bins.hard.length]);
  assertEquals(t[0].L1 + t[0].L2 + t[0].L3 + t[0].L4 + t[0].L5, bins.easy.length);
  assert(t[0].mean_pass_pct > t[2].mean_pass_pct);
  const byLevel = passRateByLevelTable(POOL, rates).toRecords() as Record<string, number>[];
  assertEquals(byLevel.length, 5);
  assert(byLevel[0].mean_pass_pct > byLevel[4].mean_pass_pct);
  assert((await renderSvg(passRateBinsSpec(bins, "t"))).startsWith("<svg"));
});

Deno.test("scheduleSpec: shares sum to 1 per schedule and step; shuffled uses pool shares", async () => {
  const bins = binByLevel(POOL);
  const spec = scheduleSpec([stagedSchedule([2, 4]), mixSchedule(6), shuffledSchedule()], 6, bins);
  const values = (spec as unknown as {
    data: { values: { schedule: string; step: number; bin: string; weight: number }[] };
  }).data.values;
  const sums = new Map<string, number>();
  for (const v of values) {
    sums.set(`${v.schedule}@${v.step}`, (sums.get(`${v.schedule}@${v.step}`) ?? 0) + v.weight);
  }
  for (const s of sums.values()) assert(Math.abs(s - 1) < 1e-9, `sum ${s}`);
  const shuffled = values.filter((v) => v.schedule === "shuffled" && v.step === 0);
  assertEquals(shuffled.map((v) => v.weight), [0.4, 0.2, 0.4]);
  assert((await renderSvg(spec)).startsWith("<svg"));
});

Deno.test("batchCompositionTable: per-step bin counts and the batch's level mix", () => {
  const sampler = createMiniMathSampler({
    seed: 1,
    perLevel: 10,
    schedule: stagedSchedule([2, 4]),
    batchSize: 4,
  });
  const rows = batchCompositionTable(sampler, [0, 3, 5]).toRecords() as Record<string, unknown>[];
  assertEquals(rows.map((r) => [r.step, r.easy, r.medium, r.hard]), [[0, 4, 0, 0], [3, 0, 4, 0], [
    5,
    0,
    0,
    4,
  ]]);
  assert(/^L[12]×\d/.test(String(rows[0].levels)));
  const shuffled = createMiniMathSampler({
    seed: 1,
    perLevel: 10,
    schedule: shuffledSchedule(),
    batchSize: 4,
  });
  const r = batchCompositionTable(shuffled, [0]).toRecords()[0] as Record<string, number>;
  assertEquals(r.easy + r.medium + r.hard, 4);
});

Deno.test("evenlySpacedSteps: distinct ascending steps in [0, total)", () => {
  assertEquals(evenlySpacedSteps(30, 6), [0, 5, 10, 15, 20, 25]);
  assertEquals(evenlySpacedSteps(3, 6), [0, 1, 2]);
  assertEquals(evenlySpacedSteps(0, 6), []);
});
