import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "./mod.ts";
const info = await initBackend();
console.log(info, tf.getBackend());
const a = tf.randomNormal([3, 4, 5]); const b = tf.randomNormal([5, 6]);
const y = tf.matMul(a, b);
const f = tf.fused.matMul({ a: tf.randomNormal([2, 3]), b: tf.randomNormal([3, 4]), bias: tf.ones([4]), activation: "relu" });
console.log(y.shape, f.arraySync());
const g = tf.grad((x: tf.Tensor) => tf.sum(tf.gather(x, tf.tensor1d([0, 2, 0], "int32"))))(tf.randomNormal([4, 3]));
g.print();
await initBackend({ backend: "cpu" });
console.log(tf.getBackend(), y.shape, (await y.data()).length);
try { await initBackend({ backend: "tensorflow" }); } catch (e) { console.log("ERR", (e as Error).message); }
import { registerAllGradients } from "./gradients.ts";
console.log(registerAllGradients());
