import { assertEquals, assertThrows } from "./_assert.ts";
import { pretrainLegs } from "../lib/pretrain/legs.ts";
import { join } from "node:path";

Deno.test("pretrainLegs: follows --init back to the first leg; a cycle is an error", () => {
  const root = Deno.makeTempDirSync();
  try {
    const [a, b, c] = ["a", "b", "c"].map((n) => join(root, n));
    const write = (dir: string, recipe: Record<string, unknown>) => {
      Deno.mkdirSync(dir, { recursive: true });
      Deno.writeTextFileSync(join(dir, "pretrain.json"), JSON.stringify(recipe));
    };
    write(a, { steps: 3000, seconds: 1160, init: null });
    write(b, { steps: 1000, seconds: 1177, init: a });
    write(c, { steps: 400, seconds: 375, init: b });
    assertEquals(pretrainLegs(c), [
      { dir: a, steps: 3000, seconds: 1160 },
      { dir: b, steps: 1000, seconds: 1177 },
      { dir: c, steps: 400, seconds: 375 },
    ]);
    assertEquals(pretrainLegs(join(root, "none")), []);
    write(a, { steps: 3000, seconds: 1160, init: c });
    assertThrows(() => pretrainLegs(c), Error, 'field "init" makes a cycle');
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});
