import { assert, assertEquals, assertRejects, assertThrows } from "./_assert.ts";
import {
  binByLevel,
  binByPassRate,
  binSizes,
  constantSchedule,
  createMiniMathSampler,
  createSampler,
  cutByPassRate,
  DIFFICULTIES,
  MIX_END,
  MIX_START,
  mixSchedule,
  passRateMeasure,
  shuffledSchedule,
  stagedSchedule,
} from "../lib/curriculum/mod.ts";
import { isHeldOut } from "../lib/data/minimath_split.ts";

const mk = (n: number, level: number) =>
  Array.from({ length: n }, (_, i) => ({ id: `L${level}-${i}`, level, answer: String(i) }));
const POOL = [...mk(30, 1), ...mk(20, 2), ...mk(25, 3), ...mk(15, 4), ...mk(10, 5)];

Deno.test("binByLevel: default and custom binning; bad binning", () => {
  const bins = binByLevel(POOL);
  assertEquals(binSizes(bins), { easy: 50, medium: 25, hard: 25 });
  assert(bins.hard.every((p) => p.level >= 4));
  const custom = binByLevel(POOL, { easy: [1], medium: [2, 3], hard: [4, 5] });
  assertEquals(binSizes(custom), { easy: 30, medium: 45, hard: 25 });
  assertThrows(() => binByLevel(POOL, { easy: [1, 2], medium: [2, 3], hard: [4, 5] }), RangeError);
  assertThrows(
    () => binByLevel(POOL, { easy: [1], medium: [3], hard: [4, 5] }),
    RangeError,
    "level 2",
  );
});

Deno.test("binByPassRate: quantile cut, ties kept together, validation", async () => {
  const ps = Array.from({ length: 9 }, (_, i) => ({ id: i, answer: "1" }));
  const rates = [0.9, 0.1, 0.5, 1, 0, 0.6, 0.3, 0.8, 0.2];
  const { bins, passRates } = await binByPassRate(
    ps,
    (x) => Promise.resolve(x.map((p) => rates[p.id])),
  );
  assertEquals(passRates, rates);
  assertEquals(bins.easy.map((p) => p.id), [3, 0, 7]);
  assertEquals(bins.medium.map((p) => p.id), [5, 2, 6]);
  assertEquals(bins.hard.map((p) => p.id), [8, 1, 4]);
  // Ties stay in one bin.
  const tied = cutByPassRate(ps, [1, 1, 1, 1, 0, 0, 0, 0, 0], {});
  assertEquals([tied.easy.length, tied.medium.length, tied.hard.length], [4, 0, 5]);
  const custom = cutByPassRate(ps, rates, { easy: 0.5, hard: 0.2 });
  assertEquals([custom.easy.length, custom.medium.length, custom.hard.length], [5, 2, 2]);
  await assertRejects(() => binByPassRate(ps, () => Promise.resolve([1])), RangeError);
  assertThrows(() => cutByPassRate(ps, rates.map((r) => r * 2)), RangeError);
  assertThrows(() => cutByPassRate(ps, rates, { easy: 0.8, hard: 0.5 }), RangeError);
});

Deno.test("passRateMeasure: grades k samples per problem", async () => {
  const ps = [{ answer: "4" }, { answer: "\\frac12" }];
  const sample = (problems: readonly { answer: string }[], k: number) =>
    Promise.resolve(
      problems.map((_p, i) =>
        Array.from(
          { length: k },
          (_, j) => (j < k / (i + 1) ? `\\boxed{${i === 0 ? "4" : "0.5"}}` : "\\boxed{9}"),
        )
      ),
    );
  const rates = await passRateMeasure(sample, 4)(ps);
  assertEquals(rates, [1, 0.5]);
  assertThrows(() => passRateMeasure(sample, 0), RangeError);
});

Deno.test("schedules: staged, review, mix, constant, shuffled", () => {
  const s = stagedSchedule([10, 20]);
  assertEquals(s.weightsAt(0), { easy: 1, medium: 0, hard: 0 });
  assertEquals(s.weightsAt(9), { easy: 1, medium: 0, hard: 0 });
  assertEquals(s.weightsAt(10), { easy: 0, medium: 1, hard: 0 });
  assertEquals(s.weightsAt(20), { easy: 0, medium: 0, hard: 1 });
  assertEquals(s.weightsAt(10_000), { easy: 0, medium: 0, hard: 1 });
  const r = stagedSchedule([10, 20], { review: 0.2 });
  assertEquals(r.weightsAt(15), { easy: 0.2, medium: 0.8, hard: 0 });
  assertEquals(r.weightsAt(25), { easy: 0.1, medium: 0.1, hard: 0.8 });
  assertThrows(() => stagedSchedule([20, 10]), RangeError);
  assertThrows(() => s.weightsAt(-1), RangeError);
  assertThrows(() => s.weightsAt(1.5), RangeError);

  const m = mixSchedule(100);
  assertEquals(m.weightsAt(0), MIX_START);
  assertEquals(m.weightsAt(100), MIX_END);
  assertEquals(m.weightsAt(500), MIX_END);
  const mid = m.weightsAt(50);
  assert(Math.abs(mid.hard - 0.3) < 1e-12 && Math.abs(mid.easy - 0.4) < 1e-12);
  // Monotone shift toward hard.
  for (let t = 1; t <= 100; t++) assert(m.weightsAt(t).hard >= m.weightsAt(t - 1).hard);
  assertThrows(() => mixSchedule(0), RangeError);
  assertThrows(() => constantSchedule({ easy: 0, medium: 0, hard: 0 }), RangeError);
  assertEquals(shuffledSchedule().weightsAt(5), null);
});

Deno.test("sampler: deterministic, random access, follows the schedule", () => {
  const bins = binByLevel(POOL);
  const opts = { bins, schedule: stagedSchedule([5, 10]), batchSize: 8, seed: 7 };
  const a = createSampler(opts);
  const b = createSampler(opts);
  // Random access order does not matter.
  const late = a.batchAt(12);
  for (let t = 0; t < 15; t++) b.batchAt(t);
  assertEquals(b.batchAt(12), late);
  for (let t = 0; t < 15; t++) {
    const batch = a.batchAt(t);
    assertEquals(batch.length, 8);
    assertEquals(batch, b.batchAt(t));
    const want = t < 5 ? [1, 2] : t < 10 ? [3] : [4, 5];
    assert(batch.every((p) => want.includes(p.level)), `step ${t}`);
  }
  // A different seed gives different batches.
  const c = createSampler({ ...opts, seed: 8 });
  assert(JSON.stringify(c.batchAt(0)) !== JSON.stringify(a.batchAt(0)));
  assertThrows(() => createSampler({ ...opts, batchSize: 0 }), RangeError);
  assertThrows(() => a.batchAt(-1), RangeError);
});

Deno.test("sampler: each bin is used once before repeats (epochs)", () => {
  const bins = binByLevel(POOL);
  const s = createSampler({ bins, schedule: stagedSchedule([100, 200]), batchSize: 10, seed: 1 });
  const seen: string[] = [];
  for (let t = 0; t < 5; t++) seen.push(...s.batchAt(t).map((p) => p.id)); // 50 = |easy|
  assertEquals(new Set(seen).size, 50);
});

Deno.test("sampler: mix schedule proportions and shuffled (no curriculum)", () => {
  const bins = binByLevel(POOL);
  const s = createSampler({
    bins,
    schedule: constantSchedule({ easy: 0.5, medium: 0.3, hard: 0.2 }),
    batchSize: 10,
    seed: 3,
  });
  for (let t = 0; t < 20; t++) assertEquals(s.countsAt(t), { easy: 5, medium: 3, hard: 2 });
  const m = createSampler({ bins, schedule: mixSchedule(1000), batchSize: 7, seed: 3 });
  const total = { easy: 0, medium: 0, hard: 0 };
  for (let t = 0; t < 200; t++) {
    const c = m.countsAt(t)!;
    assertEquals(c.easy + c.medium + c.hard, 7);
    for (const d of DIFFICULTIES) total[d] += c[d];
  }
  // Expected over steps 0..199 (weights at ~10% of the way): easy ≈ 0.64, hard ≈ 0.06.
  assert(Math.abs(total.easy / 1400 - 0.64) < 0.05, `easy ${total.easy / 1400}`);
  assert(Math.abs(total.hard / 1400 - 0.06) < 0.03, `hard ${total.hard / 1400}`);

  const sh = createSampler({ bins, schedule: shuffledSchedule(), batchSize: 20, seed: 3 });
  assertEquals(sh.countsAt(0), null);
  const seen = new Set<string>();
  for (let t = 0; t < 5; t++) for (const p of sh.batchAt(t)) seen.add(p.id);
  assertEquals(seen.size, 100); // one epoch of the whole pool
  // Empty bins get no weight.
  const noHard = { ...bins, hard: [] };
  const e = createSampler({
    bins: noHard,
    schedule: stagedSchedule([0, 0]),
    batchSize: 4,
    seed: 1,
  });
  assertEquals(e.batchAt(0).length, 4);
  assertThrows(
    () =>
      createSampler({
        bins: { easy: [], medium: [], hard: [] },
        schedule: shuffledSchedule(),
        batchSize: 2,
        seed: 1,
      }),
    RangeError,
  );
});

Deno.test("createMiniMathSampler: binned MiniMath training pool, no held-out problems", () => {
  const s = createMiniMathSampler({
    seed: 1,
    perLevel: 40,
    schedule: stagedSchedule([3, 6]),
    batchSize: 16,
  });
  assertEquals(s.pool.length, 200);
  for (let t = 0; t < 9; t++) {
    const batch = s.batchAt(t);
    assertEquals(batch.length, 16);
    assert(batch.every((p) => !isHeldOut(p.problem)));
    const want = t < 3 ? [1, 2] : t < 6 ? [3] : [4, 5];
    assert(batch.every((p) => want.includes(p.level)));
  }
});
