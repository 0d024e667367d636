import { join } from "node:path";
import { assert, assertEquals } from "./_assert.ts";
import {
  executeNotebook,
  failureFromStderr,
  findKernelSpec,
  firstFailure,
  formatFailure,
  jupyterDataDirs,
  type NotebookCell,
  stripAnsi,
} from "../lib/notebook/nbconvert.ts";

const md = (source: string): NotebookCell => ({ cell_type: "markdown", source });
const code = (source: string | string[], outputs: NotebookCell["outputs"] = []): NotebookCell => ({
  cell_type: "code",
  source,
  outputs,
});

const NOTEBOOK = {
  cells: [
    md("# t"),
    code("const a = 1;", [{ output_type: "stream" }]),
    md("text"),
    code(["const b = 2;\n", 'throw new Error("boom");'], [{
      output_type: "error",
      ename: "Error",
      evalue: "boom",
      traceback: ["\x1b[31mError: boom\x1b[0m", "    at <anonymous>:2:7"],
    }]),
    code("later()", [{ output_type: "error", ename: "ReferenceError", evalue: "x" }]),
  ],
};

Deno.test("firstFailure: the first cell with an error output, by cell and code-cell number", () => {
  const f = firstFailure(NOTEBOOK)!;
  assertEquals([f.cell, f.codeCell, f.error], [4, 2, "Error: boom"]);
  assertEquals(f.source, 'const b = 2;\nthrow new Error("boom");');
  assertEquals(f.traceback, ["Error: boom", "    at <anonymous>:2:7"]);
  assertEquals(firstFailure({ cells: [md("x"), code("1")] }), null);
});

Deno.test("formatFailure: notebook, cell, source lines and traceback", () => {
  const text = formatFailure("notebooks/x.ipynb", firstFailure(NOTEBOOK)!);
  assertEquals(text.split("\n"), [
    "notebooks/x.ipynb: cell 4 (code cell 2) failed: Error: boom",
    "    | const b = 2;",
    '    | throw new Error("boom");',
    "  traceback:",
    "        at <anonymous>:2:7",
  ]);
});

Deno.test("failureFromStderr: matches nbconvert's cell dump to the notebook", () => {
  const stderr = [
    "[NbConvertApp] Converting notebook x.ipynb to notebook",
    "Traceback (most recent call last):",
    "nbclient.exceptions.CellExecutionError: An error occurred while executing the following cell:",
    "------------------",
    "const b = 2;",
    'throw new Error("boom");',
    "------------------",
    "",
    "Error: boom",
  ].join("\n");
  const f = failureFromStderr(stderr, NOTEBOOK)!;
  assertEquals([f.cell, f.codeCell, f.error], [4, 2, "Error: boom"]);
  assertEquals(failureFromStderr("kernel died", NOTEBOOK), null);
});

Deno.test("findKernelSpec: missing, stale (program gone) and usable kernelspecs", async () => {
  const dir = await Deno.makeTempDir();
  assertEquals(findKernelSpec([dir]), { path: null, ok: false });
  const spec = join(dir, "kernels", "deno");
  await Deno.mkdir(spec, { recursive: true });
  await Deno.writeTextFile(
    join(spec, "kernel.json"),
    JSON.stringify({ argv: ["/no/such/deno", "jupyter"] }),
  );
  assertEquals(findKernelSpec(["/nonexistent", dir]).ok, false);
  await Deno.writeTextFile(
    join(spec, "kernel.json"),
    JSON.stringify({ argv: [Deno.execPath(), "jupyter"] }),
  );
  const ok = findKernelSpec([dir]);
  assertEquals([ok.ok, ok.program], [true, Deno.execPath()]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("stripAnsi", () => {
  assertEquals(stripAnsi("\x1b[1m\x1b[31mred\x1b[0m"), "red");
});

async function denoKernelInstalled(): Promise<boolean> {
  try {
    return findKernelSpec(await jupyterDataDirs()).ok;
  } catch {
    return false;
  }
}

Deno.test({
  name: "executeNotebook: a failing cell on the Deno kernel is found (its reply says ok)",
  ignore: !(await denoKernelInstalled()),
  fn: async () => {
    const dir = await Deno.makeTempDir();
    const nb = {
      cells: [
        {
          cell_type: "code",
          id: "a1",
          metadata: {},
          outputs: [],
          execution_count: null,
          source: "const x = 1;",
        },
        {
          cell_type: "code",
          id: "a2",
          metadata: {},
          outputs: [],
          execution_count: null,
          source: 'throw new Error("boom " + x);',
        },
      ],
      metadata: { kernelspec: { name: "deno", display_name: "Deno", language: "typescript" } },
      nbformat: 4,
      nbformat_minor: 5,
    };
    await Deno.writeTextFile(join(dir, "t.ipynb"), JSON.stringify(nb));
    const r = await executeNotebook(join(dir, "t.ipynb"), {
      outDir: join(dir, "out"),
      env: { NO_COLOR: "1" },
    });
    assert(r.failure !== null, `expected a failure; stderr: ${r.stderr}`);
    assertEquals([r.failure!.cell, r.failure!.error], [2, "Error: boom 1"]);
    await Deno.remove(dir, { recursive: true });
  },
});
