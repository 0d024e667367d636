import "@tensorflow/tfjs-backend-cpu";
import {
  defaultPython,
  sideBySideThreads,
  startTorchBench,
  torchWaitPolicy,
} from "../lib/bench/torch.ts";
import { loadConfig, Qwen2Model } from "../lib/model/mod.ts";
import { assertEquals } from "./_assert.ts";

/** An executable shell script in a temp dir (the caller removes the dir). */
async function script(body: string): Promise<{ dir: string; path: string }> {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/python`;
  await Deno.writeTextFile(path, `#!/bin/sh\n${body}\n`);
  await Deno.chmod(path, 0o755);
  return { dir, path };
}

async function refusal(python: string): Promise<string> {
  const r = await startTorchBench({ python, config: "data/bases/imperfect-0.8m/config.json" });
  if (r.ok) {
    await r.server.close();
    throw new Error(`${python}: expected a refusal`);
  }
  return r.reason;
}

Deno.test("bench --vs-torch: a Python without torch is refused with the reason", async () => {
  // bench_torch.py run by an interpreter that cannot import torch (site-packages off).
  const python3 = new Deno.Command("sh", { args: ["-c", "command -v python3"] }).outputSync();
  const body = python3.success
    ? 'exec python3 -S "$@"'
    : "echo \"torch not importable by fake: No module named 'torch'\" >&2; exit 3";
  const { dir, path } = await script(body);
  try {
    const reason = await refusal(path);
    for (const part of ["torch not importable", "No module named 'torch'", "python3-torch"]) {
      if (!reason.includes(part)) throw new Error(`reason lacks "${part}": ${reason}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bench --vs-torch: a missing interpreter or a crash is refused with the reason", async () => {
  const missing = await refusal("/nonexistent/python3");
  if (!missing.includes("cannot run /nonexistent/python3")) throw new Error(missing);
  const { dir, path } = await script('echo "Segmentation fault" >&2; exit 139');
  try {
    const crash = await refusal(path);
    if (!crash.includes("exited with 139") || !crash.includes("Segmentation fault")) {
      throw new Error(crash);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const HAS_TORCH = new Deno.Command("sh", {
  args: ["-c", `"${defaultPython()}" -c "import torch"`],
  stdout: "null",
  stderr: "null",
}).outputSync().success;

Deno.test({
  name: "bench --vs-torch: the PyTorch twin has our parameter count and times requests",
  ignore: !HAS_TORCH,
  async fn() {
    const config = "data/bases/imperfect-0.8m/config.json";
    const r = await startTorchBench({ config });
    if (!r.ok) throw new Error(r.reason);
    try {
      const ours = Qwen2Model.init(loadConfig(config), 0);
      const params = ours.numParams();
      ours.dispose();
      if (r.server.info.params !== params) {
        throw new Error(`torch has ${r.server.info.params} parameters, ours ${params}`);
      }
      assertEquals(r.server.info.omp_wait_policy, torchWaitPolicy());
      const t = await r.server.time("train");
      if (!(t.wall > 0 && t.cpu > 0)) throw new Error(JSON.stringify(t));
    } finally {
      await r.server.close();
    }
  },
});

Deno.test("sideBySideThreads: one fixed count for both sides, set for our backend", () => {
  const env = (init: Record<string, string>) => {
    const m = new Map(Object.entries(init));
    return { get: (k: string) => m.get(k), set: (k: string, v: string) => void m.set(k, v), m };
  };
  const e1 = env({});
  assertEquals(sideBySideThreads(0, e1, 16), { ours: 16, torch: 16 });
  assertEquals(e1.m.get("SSR1_THREADS"), "16");
  assertEquals(sideBySideThreads(3, env({}), 16), { ours: 3, torch: 3 });
  assertEquals(sideBySideThreads(3, env({ SSR1_THREADS: "2" }), 16), { ours: 2, torch: 2 });
  assertEquals(sideBySideThreads(0, env({ OPENBLAS_NUM_THREADS: "1" }), 16), { ours: 1, torch: 1 });
});

Deno.test("torchWaitPolicy: the option, else $OMP_WAIT_POLICY, else passive", () => {
  const env = (v?: string) => ({ get: (k: string) => (k === "OMP_WAIT_POLICY" ? v : undefined) });
  assertEquals(torchWaitPolicy(undefined, env()), "passive");
  assertEquals(torchWaitPolicy(undefined, env("active")), "active");
  assertEquals(torchWaitPolicy("active", env("passive")), "active");
});
