import { deepEqual, equal, throws } from "node:assert/strict";
import {
  encodeMetricsLine,
  MetricsWriter,
  parseMetricsJsonl,
  readMetricsJsonl,
  repairTornTail,
} from "../lib/train/metrics.ts";

Deno.test("MetricsWriter appends lines; reader round-trips incl. non-finite numbers", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/metrics.jsonl`;
  const w = MetricsWriter.open(path);
  w.append({ step: 1, reward: 0.5, kl: 0 });
  w.append({ step: 2, reward: NaN, loss: Infinity, note: "skip" });
  w.close();
  equal(
    await Deno.readTextFile(path),
    '{"step":1,"reward":0.5,"kl":0}\n{"step":2,"reward":"NaN","loss":"Infinity","note":"skip"}\n',
  );
  const recs = await readMetricsJsonl(path);
  equal(recs.length, 2);
  equal(Number.isNaN(recs[1].reward), true);
  equal(recs[1].loss, Infinity);
  // re-open appends (resume)
  const w2 = MetricsWriter.open(path);
  w2.append({ step: 3, reward: 1 });
  w2.close();
  deepEqual((await readMetricsJsonl(path)).map((r) => r.step), [1, 2, 3]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("reader tolerates a torn last line; a bad middle line throws", () => {
  const torn = '{"step":1,"reward":0.1}\n{"step":2,"reward":0.2}\n{"step":3,"rew';
  const p = parseMetricsJsonl(torn);
  deepEqual(p.records.map((r) => r.step), [1, 2]);
  equal(p.tornTail, true);
  // complete last line without trailing newline is kept
  deepEqual(parseMetricsJsonl('{"step":1}\n{"step":2}').records.map((r) => r.step), [1, 2]);
  equal(parseMetricsJsonl("").records.length, 0);
  throws(() => parseMetricsJsonl('{"step":1}\n{"st\n{"step":3}\n'), /line 2/);
});

Deno.test("open() repairs a torn tail before appending", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/m.jsonl`;
  await Deno.writeTextFile(path, '{"step":1}\n{"step":2,"re');
  const w = MetricsWriter.open(path);
  w.append({ step: 2, reward: 1 });
  w.close();
  equal(await Deno.readTextFile(path), '{"step":1}\n{"step":2,"reward":1}\n');
  await Deno.writeTextFile(path, '{"step":1}');
  equal(repairTornTail(path), "terminated");
  equal(await Deno.readTextFile(path), '{"step":1}\n');
  equal(repairTornTail(`${dir}/missing.jsonl`), "ok");
  equal(await readMetricsJsonl(`${dir}/missing.jsonl`).then((r) => r.length), 0);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("encodeMetricsLine: one line, no newline", () => {
  equal(
    encodeMetricsLine({ step: 7, x: -Infinity, s: "a\nb" }),
    '{"step":7,"x":"-Infinity","s":"a\\nb"}',
  );
});
