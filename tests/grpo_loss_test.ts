import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { equal, throws } from "node:assert/strict";
import {
  grpoLoss,
  grpoLossAndGrads,
  type GrpoLossConfig,
  type GrpoLossInputs,
  grpoLossMetrics,
  k3,
} from "../lib/train/grpo_loss.ts";

await tf.setBackend("cpu");

function near(actual: number, expected: number, tol = 1e-5, msg = "") {
  if (!(Math.abs(actual - expected) <= tol)) {
    throw new Error(`${msg} ${actual} != ${expected} ± ${tol}`);
  }
}
function nearAll(actual: ArrayLike<number>, expected: number[], tol = 1e-5) {
  equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) near(actual[i], expected[i], tol, `index ${i}:`);
}

// B = 2 sequences, T = 3 tokens. Ratios exp(logp − old) are chosen directly:
//   row 0 (A = +1): ratios [1.0, 1.5, 0.7], mask [1, 1, 0]
//   row 1 (A = −2): ratios [0.9, 0.5, 1.3], mask [1, 1, 1]
// With epsilon = 0.2 (clip to [0.8, 1.2]), per-token −min(r·A, clip(r)·A):
//   row 0: t0 −min(1, 1) = −1;  t1 −min(1.5, 1.2) = −1.2 (HIGH clip);  t2 masked
//   row 1: t0 −min(−1.8, −1.8) = 1.8;  t1 −min(−1.0, −1.6) = 1.6 (LOW clip);
//          t2 −min(−2.6, −2.4) = 2.6 (unclipped branch is the min: no clip)
// grpo:    row means (−1 − 1.2)/2 = −1.1 and (1.8 + 1.6 + 2.6)/3 = 2 → batch mean 0.45
// dapo:    (−2.2 + 6) / 5 tokens = 0.76
// dr_grpo: 3.8 / (B · L) = 3.8 / (2 · 4) = 0.475 with L = 4; 3.8 / 6 = 0.633333 with L = T = 3
const LOGP = [[-1.0, -2.0, -0.5], [-1.5, -0.2, -3.0]];
const RATIOS = [[1.0, 1.5, 0.7], [0.9, 0.5, 1.3]];
const OLD = LOGP.map((row, b) => row.map((x, t) => x - Math.log(RATIOS[b][t])));
const MASK = [[1, 1, 0], [1, 1, 1]];
const ADV = [1, -2];
// ref − logp: row 0 [ln 2, 0, 0], row 1 [−ln 2, 0, ln 2]
// k3(ln 2) = 2 − ln 2 − 1 = 0.3068528;  k3(−ln 2) = 0.5 + ln 2 − 1 = 0.1931472;  k3(0) = 0
const LN2 = Math.log(2);
const REF_DELTA = [[LN2, 0, 0], [-LN2, 0, LN2]];
const REF = LOGP.map((row, b) => row.map((x, t) => x + REF_DELTA[b][t]));

function inputs(withRef = false): GrpoLossInputs {
  return {
    logp: tf.tensor2d(LOGP),
    oldLogp: tf.tensor2d(OLD),
    refLogp: withRef ? tf.tensor2d(REF) : undefined,
    advantages: ADV,
    mask: tf.tensor2d(MASK),
  };
}

function lossValue(inp: GrpoLossInputs, cfg: GrpoLossConfig): number {
  return tf.tidy(() => grpoLoss(inp, cfg).dataSync()[0]);
}

function gradWrtLogp(inp: GrpoLossInputs, cfg: GrpoLossConfig): Float32Array {
  return tf.tidy(() => {
    const g = tf.grad((logp: tf.Tensor) => grpoLoss({ ...inp, logp: logp as tf.Tensor2D }, cfg));
    return g(inp.logp).dataSync() as Float32Array;
  });
}

Deno.test("k3 KL estimator matches hand values and is ≥ 0", () => {
  tf.tidy(() => {
    const ref = tf.tensor1d([LN2, -LN2, 0, 3]);
    const logp = tf.zeros([4]);
    // exp(3) − 3 − 1 = 16.0855369
    nearAll(k3(ref, logp).dataSync(), [0.3068528, 0.1931472, 0, 16.0855369], 1e-4);
  });
});

Deno.test("grpo loss: per-sequence mean then batch mean", () => {
  near(lossValue(inputs(), { beta: 0, epsilon: 0.2, loss_type: "grpo" }), 0.45);
});

Deno.test("dapo loss: token-level sum / total tokens", () => {
  near(lossValue(inputs(), { beta: 0, epsilon: 0.2, loss_type: "dapo" }), 0.76);
});

Deno.test("dr_grpo loss: sum / (B × max_completion_length)", () => {
  const cfg: GrpoLossConfig = { beta: 0, epsilon: 0.2, loss_type: "dr_grpo" };
  near(lossValue(inputs(), { ...cfg, max_completion_length: 4 }), 0.475);
  near(lossValue(inputs(), cfg), 3.8 / 6); // default L = T = 3
});

Deno.test("epsilon_high (clip-higher) widens only the upper bound", () => {
  // ε_high = 0.3: row 0 t1 ratio 1.5 → clip 1.3, loss −1.3; low clip (0.8) unchanged.
  // dapo: (−1 − 1.3 + 1.8 + 1.6 + 2.6) / 5 = 3.7 / 5 = 0.74
  near(lossValue(inputs(), { beta: 0, epsilon: 0.2, epsilon_high: 0.3, loss_type: "dapo" }), 0.74);
  // ε_high = 0.6: ratio 1.5 no longer clipped → −1.5; dapo 3.5 / 5 = 0.7
  near(lossValue(inputs(), { beta: 0, epsilon: 0.2, epsilon_high: 0.6, loss_type: "dapo" }), 0.7);
});

Deno.test("KL term: beta · k3 added per token before aggregation", () => {
  // per-seq KL means: row 0 0.3068528/2 = 0.1534264; row 1 (0.1931472 + 0.3068528)/3 = 0.1666667
  // grpo: 0.45 + 0.1 · (0.1534264 + 0.1666667)/2 = 0.4660047
  near(lossValue(inputs(true), { beta: 0.1, epsilon: 0.2, loss_type: "grpo" }), 0.4660047);
  // dapo: 0.76 + 0.1 · (0.3068528 + 0.1931472 + 0.3068528)/5 = 0.76 + 0.1 · 0.1613706
  near(lossValue(inputs(true), { beta: 0.1, epsilon: 0.2, loss_type: "dapo" }), 0.7761371);
});

Deno.test("beta > 0 without refLogp throws; beta = 0 needs no reference", () => {
  throws(() => grpoLoss(inputs(false), { beta: 0.1, epsilon: 0.2, loss_type: "grpo" }));
  tf.tidy(() => grpoLoss(inputs(false), { beta: 0, epsilon: 0.2, loss_type: "grpo" }));
});

Deno.test("gradient w.r.t. logp: unclipped tokens −A·ratio·w, clipped tokens 0", () => {
  // grpo weights w = 1/(B · n_b): row 0 1/4, row 1 1/6. d(−r·A)/dlogp = −A·r.
  //   row 0: t0 −1·1/4 = −0.25; t1 high-clipped → 0; t2 masked → 0
  //   row 1: t0 2·0.9/6 = 0.3; t1 low-clipped → 0; t2 2·1.3/6 = 0.4333333
  nearAll(gradWrtLogp(inputs(), { beta: 0, epsilon: 0.2, loss_type: "grpo" }), [
    -0.25,
    0,
    0,
    0.3,
    0,
    0.4333333,
  ]);
  // with KL: + β · (1 − exp(ref − logp)) · w; ref − logp = ln 2 → −1, −ln 2 → +0.5, 0 → 0
  //   row 0 t0: −0.25 + 0.1·(−1)/4 = −0.275; t1: 0 + 0 = 0
  //   row 1 t0: 0.3 + 0.1·0.5/6 = 0.3083333; t2: 0.4333333 + 0.1·(−1)/6 = 0.4166667
  nearAll(gradWrtLogp(inputs(true), { beta: 0.1, epsilon: 0.2, loss_type: "grpo" }), [
    -0.275,
    0,
    0,
    0.3083333,
    0,
    0.4166667,
  ]);
});

Deno.test("without oldLogp the ratio is 1 and the gradient is −A·w (on-policy)", () => {
  const inp = { ...inputs(), oldLogp: undefined };
  // loss: row 0 −1, row 1 +2 → grpo mean 0.5; dapo (−2 + 6)/5 = 0.8
  near(lossValue(inp, { beta: 0, epsilon: 0.2, loss_type: "grpo" }), 0.5);
  near(lossValue(inp, { beta: 0, epsilon: 0.2, loss_type: "dapo" }), 0.8);
  // dapo gradient: −A / 5 on unmasked tokens
  nearAll(gradWrtLogp(inp, { beta: 0, epsilon: 0.2, loss_type: "dapo" }), [
    -0.2,
    -0.2,
    0,
    0.4,
    0.4,
    0.4,
  ]);
});

Deno.test("grpoLossMetrics: clip fractions, KL, ratio mean", () => {
  const m = grpoLossMetrics(inputs(true), { beta: 0.1, epsilon: 0.2, loss_type: "grpo" });
  near(m.loss, 0.4660047);
  near(m.kl!, 0.1613706); // masked token mean of k3
  near(m.clip_ratio_low, 0.2); // row 1 t1
  near(m.clip_ratio_high, 0.2); // row 0 t1
  near(m.clip_ratio, 0.4);
  near(m.ratio_mean, (1 + 1.5 + 0.9 + 0.5 + 1.3) / 5);
  equal(m.num_tokens, 5);
  const z = grpoLossMetrics(inputs(false), { beta: 0, epsilon: 0.2, loss_type: "dapo" });
  equal(z.kl, undefined);
});

Deno.test("grpoLossAndGrads: grads keyed like params, metrics, no tensor leak", () => {
  // logp = w · x (a linear "model"), so dL/dw = Σ dL/dlogp · x. Its gradient is
  // written with customGrad so the test needs no tfjs gradient registrations.
  const w = tf.variable(tf.scalar(1), true, "test_grpo_w");
  const x = tf.tensor2d(LOGP);
  const linear = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: tf.mul(args[0] as tf.Tensor, x),
    gradFunc: (dy: tf.Tensor) => tf.sum(tf.mul(dy, x)),
  }));
  const params = new Map<string, tf.Variable>([["model.w", w]]);
  const inp = inputs();
  const before = tf.memory().numTensors;
  const { grads, metrics } = grpoLossAndGrads(
    () => linear(w) as tf.Tensor2D,
    { oldLogp: inp.oldLogp, advantages: ADV, mask: inp.mask },
    { beta: 0, epsilon: 0.2, loss_type: "grpo" },
    params,
  );
  near(metrics.loss, 0.45);
  // Σ g·x = −0.25·(−1) + 0.3·(−1.5) + 0.4333333·(−3) = 0.25 − 0.45 − 1.3 = −1.5
  near(grads.get("model.w")!.dataSync()[0], -1.5);
  for (const g of grads.values()) g.dispose();
  equal(tf.memory().numTensors, before);
  w.dispose();
});

Deno.test("analytic gradient matches central finite differences (all loss types, KL on)", () => {
  const logp0 = [[-0.7, -1.3, -0.4, -2.1], [-0.9, -0.3, -1.7, -0.6]];
  const old = [[-0.8, -1.0, -0.5, -2.0], [-1.2, -0.3, -1.5, -0.6]];
  const ref = [[-0.5, -1.6, -0.4, -1.9], [-1.0, -0.1, -1.8, -0.9]];
  const mask = [[1, 1, 1, 0], [1, 1, 1, 1]];
  for (const loss_type of ["grpo", "dapo", "dr_grpo"] as const) {
    const cfg: GrpoLossConfig = { beta: 0.05, epsilon: 0.2, loss_type, max_completion_length: 5 };
    const at = (lp: number[][]) =>
      tf.tidy(() =>
        grpoLoss({
          logp: tf.tensor2d(lp),
          oldLogp: tf.tensor2d(old),
          refLogp: tf.tensor2d(ref),
          advantages: [0.7, -1.1],
          mask: tf.tensor2d(mask),
        }, cfg).dataSync()[0]
      );
    const g = gradWrtLogp({
      logp: tf.tensor2d(logp0),
      oldLogp: tf.tensor2d(old),
      refLogp: tf.tensor2d(ref),
      advantages: [0.7, -1.1],
      mask: tf.tensor2d(mask),
    }, cfg);
    const h = 1e-2;
    for (let b = 0; b < 2; b++) {
      for (let t = 0; t < 4; t++) {
        const plus = logp0.map((r) => [...r]);
        const minus = logp0.map((r) => [...r]);
        plus[b][t] += h;
        minus[b][t] -= h;
        near(g[b * 4 + t], (at(plus) - at(minus)) / (2 * h), 2e-3, `${loss_type} [${b},${t}]`);
      }
    }
  }
});
