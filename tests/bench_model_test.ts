import { initBackend } from "../lib/backend/mod.ts";
import { trainStep } from "../lib/bench/model.ts";
import { loadConfig, Qwen2Model } from "../lib/model/mod.ts";

Deno.test("bench train step: AdamW updates every parameter (the optimizer is timed, not skipped)", async () => {
  await initBackend({ backend: "cpu", quiet: true });
  const config = { ...loadConfig("data/configs/qwen2-0.04m.json"), num_hidden_layers: 1 };
  const net = Qwen2Model.init(config, 0);
  const step = trainStep(net);
  try {
    const before = new Map([...net.params].map(([k, v]) => [k, v.dataSync().slice()]));
    step();
    for (const [k, v] of net.params) {
      const was = before.get(k)!, now = v.dataSync();
      if (was.every((x, i) => x === now[i])) throw new Error(`${k} did not change`);
    }
  } finally {
    step.dispose();
    net.dispose();
  }
});
