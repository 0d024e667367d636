import * as tf from "@tensorflow/tfjs-core";
import { assertEquals } from "./_assert.ts";
import { initBackend } from "../lib/backend/mod.ts";

for (const backend of ["wasm", "native"]) {
  Deno.test(`Identity on ${backend} shares the buffer and survives disposing the source`, async () => {
    try {
      await initBackend({ backend, quiet: true });
    } catch {
      return; // backend unavailable here (e.g. no OpenBLAS for native)
    }
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const y = tf.clone(x);
    assertEquals(y.dataId, x.dataId, "a clone shares the buffer");
    x.dispose();
    assertEquals(Array.from(y.dataSync()), [1, 2, 3, 4, 5, 6]);
    // A variable initialised from a clone keeps its value when assigned elsewhere.
    const v = tf.variable(tf.clone(y), false);
    v.assign(tf.tidy(() => tf.mul(y, 2)));
    assertEquals(Array.from(y.dataSync()), [1, 2, 3, 4, 5, 6]);
    assertEquals(Array.from(v.dataSync()), [2, 4, 6, 8, 10, 12]);
    // Gradients through ops that save their inputs (the tape clones them) stay correct.
    const g = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(a, a)))(y);
    assertEquals(Array.from(g.dataSync()), [2, 4, 6, 8, 10, 12]);
    tf.dispose([y, v, g]);
  });
}
