/**
 * Executing notebooks headless: `jupyter nbconvert --to notebook --execute` on the Deno kernel
 * (installing its kernelspec with `deno jupyter --install` when missing or stale), and finding the
 * first failing cell.
 *
 * The Deno kernel reports a failing cell with an `error` output but an `ok` execute reply, so
 * nbconvert carries on and exits 0; failures are found by reading the executed notebook.
 *
 * @module
 */
import { basename, join } from "node:path";

/** A cell of a notebook file (the fields used here). */
export interface NotebookCell {
  cell_type: string;
  source: string | string[];
  outputs?: { output_type: string; ename?: string; evalue?: string; traceback?: string[] }[];
}

/** The first cell whose outputs hold an error. */
export interface CellFailure {
  /** 1-based index among all cells. */
  cell: number;
  /** 1-based index among code cells. */
  codeCell: number;
  /** The cell's source. */
  source: string;
  /** Error name and message. */
  error: string;
  /** Traceback lines, ANSI colors removed. */
  traceback: string[];
}

/** The text of a cell's `source` (a string or a list of lines). */
export function cellSource(cell: NotebookCell): string {
  return Array.isArray(cell.source) ? cell.source.join("") : cell.source;
}

/** The first cell of an executed notebook with an `error` output, or `null`. */
export function firstFailure(notebook: { cells: NotebookCell[] }): CellFailure | null {
  let code = 0;
  for (const [i, cell] of notebook.cells.entries()) {
    if (cell.cell_type !== "code") continue;
    code++;
    const err = cell.outputs?.find((o) => o.output_type === "error");
    if (err) {
      return {
        cell: i + 1,
        codeCell: code,
        source: cellSource(cell),
        error: `${err.ename ?? "Error"}: ${err.evalue ?? ""}`.trim(),
        traceback: (err.traceback ?? []).map(stripAnsi),
      };
    }
  }
  return null;
}

/**
 * The cell nbconvert names when it aborts (`An error occurred while executing the following
 * cell:` then the source between dashed lines), matched to its index in `notebook`.
 */
export function failureFromStderr(
  stderr: string,
  notebook: { cells: NotebookCell[] },
): CellFailure | null {
  const m = /executing the following cell:\n-{6,}\n([\s\S]*?)\n-{6,}\n([\s\S]*)$/.exec(stderr);
  if (!m) return null;
  const source = m[1];
  let code = 0;
  for (const [i, cell] of notebook.cells.entries()) {
    if (cell.cell_type !== "code") continue;
    code++;
    if (cellSource(cell).trim() === source.trim()) {
      const tail = m[2].trim().split("\n").map(stripAnsi);
      return {
        cell: i + 1,
        codeCell: code,
        source,
        error: tail.at(-1) ?? "error",
        traceback: tail,
      };
    }
  }
  return null;
}

/** A failure as a readable block: the notebook, the cell, its first lines, the error. */
export function formatFailure(notebook: string, f: CellFailure): string {
  const src = f.source.split("\n");
  const shown = src.slice(0, 8).map((l) => `    | ${l}`);
  if (src.length > 8) shown.push(`    | … (${src.length - 8} more lines)`);
  const tb = f.traceback.filter((l) => l.trim() !== "" && l.trim() !== f.error).slice(0, 12)
    .map((l) => `    ${l}`);
  return [
    `${notebook}: cell ${f.cell} (code cell ${f.codeCell}) failed: ${f.error}`,
    ...shown,
    ...(tb.length ? ["  traceback:", ...tb] : []),
  ].join("\n");
}

/** Removes ANSI color codes. */
export function stripAnsi(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, "");
}

/** Where a kernelspec lives and whether it can start. */
export interface KernelSpecStatus {
  /** `kernel.json` path, or `null` when no `deno` kernelspec is installed. */
  path: string | null;
  /** The program the kernelspec starts (argv[0]). */
  program?: string;
  /** Installed and its program exists. */
  ok: boolean;
}

/** Finds the `deno` kernelspec in Jupyter data directories (the first one that has it wins). */
export function findKernelSpec(dataDirs: readonly string[], name = "deno"): KernelSpecStatus {
  for (const dir of dataDirs) {
    const path = join(dir, "kernels", name, "kernel.json");
    let spec: { argv?: string[] };
    try {
      spec = JSON.parse(Deno.readTextFileSync(path));
    } catch {
      continue;
    }
    const program = spec.argv?.[0];
    return { path, program, ok: program !== undefined && isFile(program) };
  }
  return { path: null, ok: false };
}

/** Jupyter's data directories (`jupyter --paths --json`). */
export async function jupyterDataDirs(): Promise<string[]> {
  const out = await run(["jupyter", "--paths", "--json"]);
  if (out.code !== 0) throw new Error(`jupyter --paths failed: ${out.stderr.trim()}`);
  return JSON.parse(out.stdout).data as string[];
}

/**
 * Makes sure the Deno kernelspec is installed and points at a Deno that exists; installs it
 * with `<deno> jupyter --install --force` otherwise. Returns a line saying what it did.
 */
export async function ensureDenoKernel(deno: string = Deno.execPath()): Promise<string> {
  const status = findKernelSpec(await jupyterDataDirs());
  if (status.ok) return `kernel: deno kernelspec at ${status.path}`;
  const out = await run([deno, "jupyter", "--install", "--force"]);
  if (out.code !== 0) {
    throw new Error(`deno jupyter --install failed: ${(out.stderr || out.stdout).trim()}`);
  }
  const after = findKernelSpec(await jupyterDataDirs());
  if (!after.ok) throw new Error("deno jupyter --install ran, but no usable deno kernelspec");
  return `kernel: installed the deno kernelspec (${
    status.path ? `was stale: ${status.program} is missing` : "was missing"
  }) at ${after.path}`;
}

/** Checks that `jupyter nbconvert` runs; throws with the install hint otherwise. */
export async function checkNbconvert(): Promise<string> {
  let out: RunOutput;
  try {
    out = await run(["jupyter", "nbconvert", "--version"]);
  } catch {
    out = { code: 127, stdout: "", stderr: "jupyter: command not found" };
  }
  if (out.code !== 0) {
    throw new Error(
      `jupyter nbconvert is not available (${out.stderr.trim().split("\n").at(-1)}); ` +
        "install it: apt-get install jupyter-nbconvert python3-ipykernel",
    );
  }
  return `nbconvert ${out.stdout.trim()}`;
}

/** Options of {@link executeNotebook}. */
export interface ExecuteOptions {
  /** Folder the executed copy is written to (same file name). */
  outDir: string;
  /** Environment for the kernel (added to this process's). */
  env?: Record<string, string>;
  /** Per-cell timeout in seconds (default: none). */
  cellTimeout?: number;
}

/** Result of executing one notebook. */
export interface ExecuteResult {
  /** The executed copy (written even when a cell failed). */
  output: string;
  /** The first failing cell, or `null`. */
  failure: CellFailure | null;
  /** nbconvert's exit code. */
  code: number;
  /** nbconvert's stderr (for failures that name no cell). */
  stderr: string;
  seconds: number;
}

/**
 * Executes a notebook top to bottom with `jupyter nbconvert --to notebook --execute` in its own
 * folder, writing the executed copy to `outDir`, and finds the first failing cell.
 */
export async function executeNotebook(path: string, opts: ExecuteOptions): Promise<ExecuteResult> {
  const t0 = performance.now();
  const output = join(opts.outDir, basename(path));
  await Deno.mkdir(opts.outDir, { recursive: true });
  const args = [
    "jupyter",
    "nbconvert",
    "--to",
    "notebook",
    "--execute",
    "--ExecutePreprocessor.kernel_name=deno",
    `--ExecutePreprocessor.timeout=${opts.cellTimeout ?? -1}`,
    // The Deno kernel's outputs can trail its execute reply; wait for them instead of dropping
    // them after nbclient's default 4 s.
    "--ExecutePreprocessor.iopub_timeout=600",
    "--ExecutePreprocessor.raise_on_iopub_timeout=True",
    "--output-dir",
    opts.outDir,
    path,
  ];
  const out = await run(args, opts.env);
  const notebook = JSON.parse(await Deno.readTextFile(path));
  let failure: CellFailure | null = null;
  let wrote = false;
  try {
    failure = firstFailure(JSON.parse(await Deno.readTextFile(output)));
    wrote = true;
  } catch {
    // nbconvert aborted before writing
  }
  if (out.code !== 0 || !wrote) failure ??= failureFromStderr(out.stderr, notebook);
  return {
    output,
    failure,
    code: wrote ? out.code : out.code || 1,
    stderr: out.stderr,
    seconds: (performance.now() - t0) / 1000,
  };
}

interface RunOutput {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(cmd: string[], env?: Record<string, string>): Promise<RunOutput> {
  const p = await new Deno.Command(cmd[0], {
    args: cmd.slice(1),
    env,
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  const dec = new TextDecoder();
  return { code: p.code, stdout: dec.decode(p.stdout), stderr: dec.decode(p.stderr) };
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}
