import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { equal, throws } from "node:assert/strict";
import { AdamW, clipByGlobalNorm, globalNorm } from "../lib/train/adamw.ts";
import { lrSchedule } from "../lib/train/lr_schedule.ts";

await tf.setBackend("cpu");

function near(actual: number, expected: number, tol = 1e-6, msg = "") {
  if (!(Math.abs(actual - expected) <= tol)) {
    throw new Error(`${msg} ${actual} != ${expected} ± ${tol}`);
  }
}
function nearAll(actual: ArrayLike<number>, expected: number[], tol = 1e-6) {
  equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) near(actual[i], expected[i], tol, `index ${i}:`);
}

for (const impl of ["tf", "js"] as const) {
  Deno.test(`AdamW (${impl}): two steps vs hand-computed (decay on a matrix, none on a 1-D norm)`, () => {
    const w = tf.variable(tf.tensor2d([[1, -2]]), true, `adamw_test_w_${impl}`);
    const norm = tf.variable(tf.tensor1d([0.5]), true, `adamw_test_norm_${impl}`);
    const params = new Map<string, tf.Variable>([["layer.weight", w], ["norm.weight", norm]]);
    const opt = new AdamW(params, { lr: 0.1, weight_decay: 0.1, impl }); // β1 .9, β2 .999, eps 1e-8
    equal(opt.isDecayed("layer.weight"), true);
    equal(opt.isDecayed("norm.weight"), false);

    // Step 1, g = [0.5, −1]:  p ← p·(1 − 0.1·0.1) = [0.99, −1.98]
    //   m = 0.1·g = [0.05, −0.1], v = 0.001·g² = [0.00025, 0.001]
    //   m̂ = m/0.1 = [0.5, −1], v̂ = v/0.001 = [0.25, 1] → step 0.1·m̂/(√v̂ + eps) = [0.1, −0.1]
    //   p = [0.89, −1.88]
    // norm: g = [2], no decay: m̂ = 2, √v̂ = 2 → p = 0.5 − 0.1 = 0.4
    opt.step(
      new Map<string, tf.Tensor>([["layer.weight", tf.tensor2d([[0.5, -1]])], [
        "norm.weight",
        tf.tensor1d([2]),
      ]]),
    );
    nearAll(w.dataSync(), [0.89, -1.88]);
    nearAll(norm.dataSync(), [0.4]);

    // Step 2, g = [0.1, 0.2]:  p ← p·0.99 = [0.8811, −1.8612]
    //   m = 0.9·[0.05, −0.1] + 0.1·[0.1, 0.2] = [0.055, −0.07]
    //   v = 0.999·[0.00025, 0.001] + 0.001·[0.01, 0.04] = [0.00025975, 0.001039]
    //   bc1 = 1 − 0.9² = 0.19, bc2 = 1 − 0.999² = 0.001999
    //   m̂ = [0.2894737, −0.3684211], v̂ = [0.1299400, 0.5197599], √v̂ = [0.3604719, 0.7209437]
    //   step = 0.1·m̂/√v̂ = [0.0803041, −0.0511026] → p = [0.8007959, −1.8100974]
    // (norm.weight gets no gradient this step: left untouched.)
    opt.step({ "layer.weight": tf.tensor2d([[0.1, 0.2]]) });
    nearAll(w.dataSync(), [0.8007959, -1.8100974], 1e-5);
    nearAll(norm.dataSync(), [0.4]);
    equal(opt.stepCount, 2);
    opt.dispose();
    w.dispose();
    norm.dispose();
  });
}

for (const impl of ["tf", "js"] as const) {
  Deno.test(`AdamW (${impl}): per-step lr override, decay_1d, no tensor leak per step`, () => {
    const b = tf.variable(tf.tensor1d([1]), true, `adamw_test_bias_${impl}`);
    const opt = new AdamW(new Map([["bias", b]]), {
      lr: 1,
      weight_decay: 0.5,
      decay_1d: true,
      impl,
    });
    const g = new Map([["bias", tf.tensor1d([-3])]]);
    const before = tf.memory().numTensors;
    // lr 0.01: p ← 1·(1 − 0.01·0.5) = 0.995; m̂ = −3, √v̂ = 3 → p = 0.995 + 0.01 = 1.005
    opt.step(g, 0.01);
    near(b.dataSync()[0], 1.005);
    equal(tf.memory().numTensors, before);
    opt.dispose();
    b.dispose();
    g.get("bias")!.dispose();
  });
}

Deno.test("globalNorm and clipByGlobalNorm", () => {
  const grads = new Map<string, tf.Tensor>([["a", tf.tensor1d([3, 0])], [
    "b",
    tf.tensor2d([[0, 4]]),
  ]]);
  near(globalNorm(grads), 5);
  // max 10 ≥ 5: untouched, same tensors returned
  const same = clipByGlobalNorm(grads, 10);
  equal(same.clipped, false);
  equal(same.grads.get("a"), grads.get("a"));
  // max 1: scaled by 1/(5 + 1e-6)
  const clipped = clipByGlobalNorm(grads, 1);
  equal(clipped.clipped, true);
  near(clipped.norm, 5);
  nearAll(clipped.grads.get("a")!.dataSync(), [0.6, 0], 1e-6);
  nearAll(clipped.grads.get("b")!.dataSync(), [0, 0.8], 1e-6);
  near(globalNorm(clipped.grads), 1, 1e-5);
  // non-finite norm: reported, nothing scaled
  const bad = new Map([["a", tf.tensor1d([NaN, 1])]]);
  const r = clipByGlobalNorm(bad, 1);
  equal(Number.isNaN(r.norm), true);
  equal(r.clipped, false);
  for (const m of [grads, clipped.grads, bad]) for (const t of m.values()) t.dispose();
});

Deno.test("lrSchedule: constant, warmup + cosine, warmup + linear", () => {
  equal(lrSchedule({ lr: 0.5 })(123), 0.5);
  const cw = lrSchedule({ lr: 1, lr_scheduler_type: "constant_with_warmup", warmup_steps: 4 });
  nearAll([0, 1, 4, 100].map(cw), [0, 0.25, 1, 1]);
  // warmup 2, total 10: warmup lr·s/2; then progress p = (s − 2)/8
  const cos = lrSchedule({ lr: 1, lr_scheduler_type: "cosine", warmup_steps: 2, total_steps: 10 });
  // s=4: p=0.25 → ½(1 + cos π/4) = 0.8535534; s=6: p=.5 → 0.5; s=10: 0; s=12 clamps to 0
  nearAll([0, 1, 2, 4, 6, 10, 12].map(cos), [0, 0.5, 1, 0.8535534, 0.5, 0, 0]);
  const lin = lrSchedule({ lr: 1, lr_scheduler_type: "linear", warmup_steps: 2, total_steps: 10 });
  nearAll([0, 1, 2, 4, 6, 10, 12].map(lin), [0, 0.5, 1, 0.75, 0.5, 0, 0]);
  // cosine floor: min_lr_ratio 0.1 → s=6: 0.1 + 0.9·0.5 = 0.55; s=10: 0.1
  const floor = lrSchedule({
    lr: 1,
    lr_scheduler_type: "cosine",
    warmup_steps: 2,
    total_steps: 10,
    min_lr_ratio: 0.1,
  });
  nearAll([6, 10].map(floor), [0.55, 0.1]);
  throws(() => lrSchedule({ lr: 1, lr_scheduler_type: "cosine" }));
});
