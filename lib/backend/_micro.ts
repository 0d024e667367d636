import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "./mod.ts";
await initBackend({ quiet: true, backend: Deno.args[0] ?? "native" });
function t(label: string, f: () => tf.Tensor | tf.Tensor[]) {
  const r = f(); tf.dispose(r);
  const n = 5; const t0 = performance.now();
  for (let i = 0; i < n; i++) tf.dispose(f());
  console.log(label.padEnd(40), ((performance.now() - t0) / n).toFixed(2), "ms");
}
const a = tf.randomNormal([8128, 100]); const m = tf.max(a, 1, true);
t("Equal [8128,100]v[8128,1]", () => tf.equal(a, m));
t("Sub [8128,100]v[8128,1]", () => tf.sub(a, m));
t("Greater [8128,100]v[8128,1]", () => tf.greater(a, m));
const b = tf.randomNormal([8128, 100]);
t("Equal same shape", () => tf.equal(a, b));
const x = tf.randomNormal([8192, 768]);
t("split cols [8192,768]", () => tf.split(x, 2, 1));
const y = tf.randomNormal([1, 8192, 256]);
t("sum axes 0,1 [1,8192,256]", () => tf.sum(y, [0, 1]));
t("transpose [8192,256]", () => tf.transpose(tf.reshape(y, [8192, 256])));
t("sum axis -1 [8192,256]", () => tf.sum(y, -1));
const z = tf.randomNormal([64, 128, 6, 32]);
t("split [64,128,6,32] axis2 4/2", () => tf.split(z, [4, 2], 2));
t("transpose [64,128,4,32]->0213", () => tf.transpose(tf.slice(z, [0,0,0,0],[64,128,4,32]), [0, 2, 1, 3]));
t("slice only", () => tf.slice(z, [0,0,0,0],[64,128,4,32]));
