import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "./mod.ts";
import * as model from "../model/mod.ts";
import * as train from "../train/mod.ts";
await initBackend({ quiet: true });
const net = model.Qwen2Model.init(model.loadConfig("data/base/config.json"), 0);
const [B, T] = [64, 128];
const V = net.config.vocab_size;
const ids = tf.tensor2d(
  Int32Array.from({ length: B * T }, (_, i) => (i * 7919) % V),
  [B, T],
  "int32",
);
const mask = tf.ones([B, T], "int32") as tf.Tensor2D;
const opt = new train.AdamW(net.params, { lr: 1e-4 });
const vars = [...net.params.values()];
const step = () => {
  const { value, grads } = tf.variableGrads(
    () => tf.neg(tf.mean(model.tokenLogProbs(net, ids, mask))) as tf.Scalar,
    vars,
  );
  opt.step(grads);
  value.dataSync();
  tf.dispose([value, ...Object.values(grads)]);
};
step();
let t0 = performance.now();
step();
step();
console.log("step s", (performance.now() - t0) / 2000);
if (Deno.args[0] === "prof") {
  const prof = await tf.profile(() => {
    step();
  });
  const by = new Map<string, { ms: number; n: number }>();
  for (const k of prof.kernels) {
    const e = by.get(k.name) ?? { ms: 0, n: 0 };
    e.ms += k.kernelTimeMs as number;
    e.n++;
    by.set(k.name, e);
  }
  const det = new Map<string, { ms: number; n: number }>();
  for (const k of prof.kernels) {
    if (["BatchMatMul", "SplitV", "Sum", "Equal", "Identity", "Multiply", "Add"].includes(k.name)) {
      const key = k.name + " " + JSON.stringify(k.inputShapes) + " " +
        JSON.stringify(k.outputShapes);
      const e = det.get(key) ?? { ms: 0, n: 0 };
      e.ms += k.kernelTimeMs as number;
      e.n++;
      det.set(key, e);
    }
  }
  for (const [k, e] of [...det].sort((a, b) => b[1].ms - a[1].ms).slice(0, 40)) {
    console.log(e.ms.toFixed(1).padStart(8), e.n, k);
  }
  const rows = [...by].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25);
  let tot = 0;
  for (const [, e] of by) tot += e.ms;
  console.log("total kernel ms", tot.toFixed(0));
  for (const [k, e] of rows) console.log(k.padEnd(20), e.ms.toFixed(1).padStart(8), e.n);
}
