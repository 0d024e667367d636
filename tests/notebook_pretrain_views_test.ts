import { join } from "node:path";
import { assert, assertEquals } from "./_assert.ts";
import { DEFAULT_MIX } from "../lib/pretrain/corpus.ts";
import { loadBaseModel } from "../lib/notebook/base_model.ts";
import {
  baseCorpus,
  corpusExamplesHtml,
  corpusMixSpec,
  corpusMixTable,
  modelView,
  pretrainCurveSpec,
  pretrainTotalsTable,
  pretrainViews,
  readPretrainLog,
  readPretrainRecipe,
  settingsTable,
} from "../lib/notebook/pretrain_views.ts";
import { mimeBundle } from "../lib/notebook/display.ts";
import { resetNotices } from "../lib/notebook/missing.ts";
import { renderSvg } from "../lib/report/svg.ts";

const LOG = Array.from({ length: 100 }, (_, i) => ({
  step: i + 1,
  loss: 4 / (1 + i / 10),
  lr: 1e-3,
  grad_norm: 1,
  tokens: 1000,
  seconds: 0.5,
}));

Deno.test("pretrainViews: notices for a missing recipe and log", async () => {
  resetNotices();
  const dir = await Deno.makeTempDir();
  assertEquals(readPretrainLog(dir), null);
  assertEquals(readPretrainRecipe(dir), null);
  const texts = await Promise.all(
    pretrainViews(dir).map(async (v) => String((await mimeBundle(v))["text/markdown"])),
  );
  assertEquals(texts.length, 2);
  assert(texts[0].includes("No `pretrain.json`") && texts[1].includes("No `pretrain_log.jsonl`"));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("pretrainViews: recipe table, totals and the loss curve", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(
    join(dir, "pretrain_log.jsonl"),
    LOG.map((m) => JSON.stringify(m)).join("\n") + "\n",
  );
  await Deno.writeTextFile(
    join(dir, "pretrain.json"),
    JSON.stringify({ steps: 100, lr: 1e-3, mix: DEFAULT_MIX }),
  );
  assertEquals(readPretrainLog(dir)?.length, 100);
  assertEquals(pretrainViews(dir).length, 4);
  const totals = pretrainTotalsTable(LOG).toRecords()[0] as Record<string, number>;
  assertEquals([totals.steps, totals.tokens, totals.tokens_per_s], [100, 100_000, 2000]);
  assert(totals.final_loss < totals.first_loss);
  assert((await renderSvg(pretrainCurveSpec(LOG))).startsWith("<svg"));
  const thin = pretrainCurveSpec(LOG, 30) as unknown as { data: { values: { step: number }[] } };
  const steps = thin.data.values.map((v) => v.step);
  assert(steps.length <= 31 && steps.at(-1) === 100, `${steps}`);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("settingsTable: nested values as JSON", () => {
  assertEquals(settingsTable({ a: 1, b: "x", c: { d: 2 } }).toRecords(), [
    { setting: "a", value: "1" },
    { setting: "b", value: "x" },
    { setting: "c", value: '{"d":2}' },
  ]);
});

Deno.test("corpus views: the mix in percent, one completion of each kind", () => {
  const mix = corpusMixTable(DEFAULT_MIX).toRecords();
  assertEquals(mix.map((r) => r.kind), ["clean", "wrong_final", "no_answer", "ramble"]);
  assertEquals(mix.reduce((s, r) => s + (r.share_pct as number), 0), 100);
  const h = corpusExamplesHtml(DEFAULT_MIX, 3);
  assert(h.includes("Let me check again."), "a rambling completion");
  assertEquals((h.match(/<pre/g) ?? []).length, 4);
});

Deno.test("corpus views: a base's own corpus (overthink, v2) with a passes example", () => {
  const c = baseCorpus("data/bases/overthink-0.2m");
  assertEquals([c.corpus, c.minimath], ["overthink", "v2"]);
  assertEquals(c.passes?.concise, 0.2);
  assertEquals(c.mix.ramble, 0);
  const h = corpusExamplesHtml(c.mix, 3, 3, { version: c.minimath, passes: 3 });
  assertEquals((h.match(/<pre/g) ?? []).length, 4, "clean, wrong_final, no_answer and 3 passes");
  assertEquals((h.match(/So the answer is/g) ?? []).length, 3);
  assert(h.includes("Hmm, let me verify that once more."), h);
  // the first base: the imperfect mix on v1, no passes
  const first = baseCorpus("data/bases/imperfect-0.8m");
  assertEquals([first.minimath, first.passes], ["v1", null]);
});

Deno.test("modelView: the model's table; without weights, the notice and config.json's shape", async () => {
  resetNotices();
  const dir = await Deno.makeTempDir();
  await Deno.copyFile("data/bases/imperfect-0.8m/config.json", join(dir, "config.json"));
  const views = modelView(loadBaseModel(dir));
  assertEquals(views.length, 3);
  const table = (await mimeBundle(views[2]))["text/html"] as string;
  assert(table.includes("parameters") && table.includes("hidden_size"));
  await Deno.remove(dir, { recursive: true });
  assertEquals(modelView(loadBaseModel(dir)).length, 1);
});

Deno.test("corpusMixSpec renders", async () => {
  assert((await renderSvg(corpusMixSpec(DEFAULT_MIX))).startsWith("<svg"));
});
