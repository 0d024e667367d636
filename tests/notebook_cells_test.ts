/**
 * The notebooks themselves: five Deno-kernel notebooks whose code cells only call `lib/` and
 * display — no functions, loops, conditionals or classes in a cell — and end in `await nb.show(…)`
 * (or a declaration), never a bare expression, so that the Deno kernel's outputs are not dropped.
 */
import { assert, assertEquals } from "./_assert.ts";
import { cellSource, type NotebookCell } from "../lib/notebook/nbconvert.ts";

const DIR = new URL("../notebooks/", import.meta.url);
const NAMES = [
  "01_data_and_curriculum.ipynb",
  "02_base_model.ipynb",
  "03_grpo_vs_zerogrpo.ipynb",
  "04_reward_ablation.ipynb",
  "05_results.ipynb",
];

interface Notebook {
  cells: NotebookCell[];
  metadata: { kernelspec?: { name?: string } };
  nbformat: number;
}

const notebooks = NAMES.map((name) => ({
  name,
  nb: JSON.parse(Deno.readTextFileSync(new URL(name, DIR))) as Notebook,
}));

/** Source with string and template literals and comments blanked out. */
function codeOnly(src: string): string {
  return src
    .replace(/\/\/.*$/gm, "")
    .replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`/g, '""');
}

const LOGIC: [RegExp, string][] = [
  [/\bfunction\b/, "a function"],
  [/=>/, "an arrow function"],
  [/\bclass\b/, "a class"],
  [/\b(for|while|do)\b/, "a loop"],
  [/\b(if|else|switch|case)\b/, "a conditional"],
  [/\?[^.?]/, "a conditional expression"],
  [/\b(try|catch)\b/, "exception handling"],
  [/\b(let|var)\b/, "mutable state"],
];

Deno.test("notebooks: the five notebooks, on the Deno kernel, with prose", () => {
  const present = [...Deno.readDirSync(DIR)].map((e) => e.name).filter((n) => n.endsWith(".ipynb"));
  assertEquals(present.sort(), NAMES);
  for (const { name, nb } of notebooks) {
    assertEquals(nb.nbformat, 4, name);
    assertEquals(nb.metadata.kernelspec?.name, "deno", name);
    const md = nb.cells.filter((c) => c.cell_type === "markdown").length;
    assert(md >= 5, `${name}: ${md} markdown cells`);
  }
});

Deno.test("notebooks: code cells hold no logic — they call lib/ and display", () => {
  for (const { name, nb } of notebooks) {
    nb.cells.forEach((cell, i) => {
      if (cell.cell_type !== "code") return;
      const src = cellSource(cell);
      for (const m of src.matchAll(/^import .* from "([^"]+)";$/gm)) {
        assert(m[1].startsWith("../lib/"), `${name} cell ${i + 1}: imports ${m[1]}`);
      }
      const code = codeOnly(src);
      for (const [re, what] of LOGIC) {
        assert(!re.test(code), `${name} cell ${i + 1} holds ${what}:\n${src}`);
      }
    });
  }
});

Deno.test("notebooks: every cell ends in a declaration or `await nb.show(…)`", () => {
  for (const { name, nb } of notebooks) {
    nb.cells.forEach((cell, i) => {
      if (cell.cell_type !== "code") return;
      const lines = cellSource(cell).trimEnd().split("\n");
      const last = lines.findLast((l) => /^[^\s})\]]/.test(l)) ?? "";
      assert(
        /^(await nb\.show\(|const |import |await initBackend\()/.test(last),
        `${name} cell ${i + 1} ends with "${last}"`,
      );
    });
  }
});

Deno.test("notebooks: the first code cell initializes the backend once", () => {
  for (const { name, nb } of notebooks) {
    const code = nb.cells.filter((c) => c.cell_type === "code").map(cellSource);
    assert(code[0].includes("await initBackend();"), `${name}: first cell`);
    assertEquals(code.filter((c) => c.includes("initBackend(")).length, 1, name);
  }
});
