import { assert, assertEquals } from "./_assert.ts";
import { join } from "node:path";
import {
  baseProfilesSpec,
  baseProfilesTable,
  baseProfilesViews,
  baseSamplesHtml,
  readBaseProfile,
} from "../lib/notebook/base_profiles.ts";
import { isMissing } from "../lib/notebook/missing.ts";
import { renderSvg } from "../lib/report/svg.ts";

const row = (level: string, pass1: number) => ({
  level,
  samples: 10,
  pass1,
  format: 0.5,
  truncation: 0.4,
  failures: 1 - pass1,
  truncated: 0.8,
  unboxed: 0.1,
  wrong: 0.1,
});

Deno.test("base profiles: read, table, chart, samples; a base without one gets a notice", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const a = join(dir, "overthink-x");
    Deno.mkdirSync(a);
    Deno.writeTextFileSync(
      join(a, "profile.json"),
      JSON.stringify({
        name: "overthink-x",
        parameters: 1000,
        profiles: [
          { budget: 160, rows: [row("1", 0.3), row("all", 0.2)] },
          { budget: 640, rows: [row("1", 0.9), row("all", 0.7)] },
        ],
        samples: [{
          caption: "Truncated <mid>",
          problem: "What is 1+1?",
          completion: "<think>1+1=2. Wait",
        }],
      }),
    );
    const p = readBaseProfile(a);
    assert(!isMissing(p));
    const t = baseProfilesTable([p]).toRecords();
    assertEquals(t.map((r) => [r.budget, r.pass1_pct, r.failures_truncated_pct]), [[160, 20, 80], [
      640,
      70,
      80,
    ]]);
    assert((await renderSvg(baseProfilesSpec([p]))).startsWith("<svg"));
    const h = baseSamplesHtml(p);
    assert(h.includes("Truncated &lt;mid&gt;") && h.includes("&lt;think&gt;1+1=2. Wait"), h);
    const missing = readBaseProfile(join(dir, "nothing"));
    assert(
      isMissing(missing) && missing.message.includes("deno task base-card --base"),
      JSON.stringify(missing),
    );
    assertEquals(baseProfilesViews([a, join(dir, "nothing")]).length, 4); // notice, table, chart, samples
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
