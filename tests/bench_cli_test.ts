import { loadBlas } from "../lib/backend/mod.ts";
import { assertEquals } from "./_assert.ts";

Deno.test("bench --matmul-only: one JSON object naming the backend and the BLAS build it timed", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "bin/bench.ts", "--matmul-only"],
    cwd: new URL("..", import.meta.url),
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  const report = JSON.parse(new TextDecoder().decode(out.stdout));
  if (typeof report.backend !== "string") throw new Error(`backend: ${report.backend}`);
  for (const n of ["128", "512"]) {
    if (!(report.matmul_gflops[report.backend][n] > 0)) throw new Error(`matmul ${n}`);
  }
  const blas = loadBlas();
  if (!blas.ok) {
    assertEquals(report.blas, blas.reason);
    return;
  }
  assertEquals(report.blas.path, blas.blas.path);
  assertEquals(report.blas.config, blas.blas.config); // OpenBLAS: version and CPU kernels
  if (blas.blas.config !== null && !/OpenBLAS/.test(report.blas.config)) {
    throw new Error(`config: ${report.blas.config}`);
  }
});
