import * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import {
  backendFromArgs,
  FUSED,
  heapBytes,
  initBackend,
  loadBlas,
  loadFusedLib,
  planMatMul,
  registerAllGradients,
  segmentSumInto,
  threadPolicy,
  threadsFor,
} from "../lib/backend/mod.ts";
import { KVCache } from "../lib/model/kv_cache.ts";
import { AdamW } from "../lib/train/adamw.ts";
import { attention } from "../lib/model/fused/attention.ts";
import { attentionSoftmax } from "../lib/model/fused/attention_softmax.ts";
import { cachedAttention } from "../lib/model/fused/cached_attention.ts";
import {
  cachedDecoderLayer,
  cachedDecoderLayerReference,
} from "../lib/model/fused/decoder_layer.ts";
import { cachedDecoder, cachedDecoderReference } from "../lib/model/fused/decoder.ts";
import { targetLogProbs } from "../lib/model/fused/log_probs.ts";
import { qkvHeads } from "../lib/model/fused/qkv_heads.ts";
import { rmsNorm } from "../lib/model/fused/rms_norm.ts";
import { swiGlu } from "../lib/model/fused/swiglu.ts";

// Backends set up global state (wasm heap, FFI library): no per-test sanitizers.
const opts = { sanitizeOps: false, sanitizeResources: false };

const HAS_BLAS = loadBlas().ok;
/** Backends compared against cpu; the tensorflow one joins when it is installed. */
const CANDIDATES = ["native", "wasm", "tensorflow"] as const;

// ---------------------------------------------------------------- helpers

type Out = { shape: number[]; data: Float32Array };

/** Deterministic values in [-1, 1). */
function rand(shape: number[], seed: number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    values[i] = s / 2 ** 31 - 1;
  }
  return tf.tensor(values, shape);
}

/** Runs `fn` on `backend`, returning its outputs as plain arrays (no tensor escapes). */
async function on(backend: string, fn: () => tf.Tensor | tf.Tensor[]): Promise<Out[]> {
  await initBackend({ backend, quiet: true });
  const before = tf.memory().numTensors, dataIds = tf.backend().numDataIds();
  const outs = tf.tidy(() => {
    const r = fn();
    return (Array.isArray(r) ? r : [r]).map((t) => ({
      shape: t.shape,
      data: Float32Array.from(t.dataSync() as Float32Array),
    }));
  });
  if (tf.memory().numTensors !== before) {
    throw new Error(`${backend}: ${tf.memory().numTensors - before} tensors leaked`);
  }
  if (tf.backend().numDataIds() !== dataIds) {
    throw new Error(`${backend}: ${tf.backend().numDataIds() - dataIds} backend buffers leaked`);
  }
  return outs;
}

function assertClose(actual: Out[], expected: Out[], label: string, tol = 1e-4): void {
  if (actual.length !== expected.length) {
    throw new Error(`${label}: ${actual.length} outputs, expected ${expected.length}`);
  }
  actual.forEach((a, i) => {
    const e = expected[i];
    if (a.shape.join() !== e.shape.join()) {
      throw new Error(`${label}[${i}]: shape [${a.shape}], expected [${e.shape}]`);
    }
    for (let j = 0; j < e.data.length; j++) {
      const diff = Math.abs(a.data[j] - e.data[j]);
      if (!(diff <= tol * (1 + Math.abs(e.data[j])))) {
        throw new Error(`${label}[${i}] at ${j}: ${a.data[j]} vs cpu ${e.data[j]}`);
      }
    }
  });
}

/** Backends of the ladder (other than cpu) that start here. */
async function availableBackends(): Promise<string[]> {
  const found: string[] = [];
  for (const name of CANDIDATES) {
    try {
      await initBackend({ backend: name, quiet: true });
      found.push(name);
    } catch {
      // unavailable here: nothing to compare
    }
  }
  return found;
}

/** Compares every available backend with cpu on the same computation. */
async function compareWithCpu(
  label: string,
  fn: () => tf.Tensor | tf.Tensor[],
  tol?: number,
): Promise<void> {
  const expected = await on("cpu", fn);
  for (const backend of await availableBackends()) {
    assertClose(await on(backend, fn), expected, `${backend} ${label}`, tol);
  }
}

const TRANSPOSES = [[false, false], [false, true], [true, false], [true, true]] as const;

/** Stored shape of an operand of logical shape [..., rows, cols], transposed if asked. */
function stored(batch: number[], rows: number, cols: number, transposed: boolean): number[] {
  return transposed ? [...batch, cols, rows] : [...batch, rows, cols];
}

// ---------------------------------------------------------------- selection

Deno.test("backendFromArgs reads --backend NAME and --backend=NAME", () => {
  if (backendFromArgs(["--backend", "wasm"]) !== "wasm") throw new Error("--backend NAME");
  if (backendFromArgs(["x", "--backend=cpu"]) !== "cpu") throw new Error("--backend=NAME");
  if (backendFromArgs(["--steps", "3"]) !== undefined) throw new Error("absent");
  let threw = false;
  try {
    backendFromArgs(["--backend"]);
  } catch {
    threw = true;
  }
  if (!threw) throw new Error("missing value should throw");
});

Deno.test({
  name: "initBackend picks the best available backend and is idempotent",
  ...opts,
  async fn() {
    const first = await initBackend({ backend: "auto", quiet: true });
    if (tf.getBackend() !== first.name) throw new Error("tf.getBackend() disagrees");
    if (HAS_BLAS && first.name !== "native" && first.name !== "tensorflow") {
      throw new Error(`expected native with OpenBLAS present, got ${first.name}`);
    }
    const again = await initBackend({ quiet: true });
    if (again !== first) throw new Error("second call should return the same info");
  },
});

Deno.test({
  name: "requesting tensorflow when absent fails with a clear message",
  ...opts,
  async fn() {
    let message = "";
    try {
      await initBackend({ backend: "tensorflow", quiet: true });
      return; // installed here: nothing to check
    } catch (e) {
      message = (e as Error).message;
    }
    if (tf.getBackend() !== (await initBackend({ quiet: true })).name) {
      throw new Error("a failed request should leave the previous backend active");
    }
    for (const part of ["tensorflow", "requested", "@tensorflow/tfjs-node", "not installed"]) {
      if (!message.includes(part)) throw new Error(`message lacks "${part}": ${message}`);
    }
  },
});

Deno.test({
  name: "an unknown backend name is rejected",
  ...opts,
  async fn() {
    try {
      await initBackend({ backend: "webgpu", quiet: true });
    } catch (e) {
      if ((e as Error).message.includes("unknown backend")) return;
      throw e;
    }
    throw new Error("should have thrown");
  },
});

Deno.test({
  name: "SSR1_BACKEND selects the backend when no option or flag is given",
  ...opts,
  async fn() {
    const previous = Deno.env.get("SSR1_BACKEND");
    Deno.env.set("SSR1_BACKEND", "cpu");
    try {
      const info = await initBackend({ quiet: true });
      if (info.name !== "cpu" || tf.getBackend() !== "cpu") throw new Error(info.name);
    } finally {
      if (previous === undefined) Deno.env.delete("SSR1_BACKEND");
      else Deno.env.set("SSR1_BACKEND", previous);
    }
  },
});

Deno.test({
  name: "native backend reports OpenBLAS and shares the wasm backend instance",
  ignore: !HAS_BLAS,
  ...opts,
  async fn() {
    const info = await initBackend({ backend: "native", quiet: true });
    if (!info.reason.includes("sgemm")) throw new Error(info.reason);
    if (tf.findBackend("native") !== tf.findBackend("wasm")) throw new Error("not shared");
  },
});

Deno.test("thread policy: the cores other processes leave free, at least one; fixed stays fixed", () => {
  const cases: [number, number, number][] = [
    [0, 2, 2],
    [0.3, 2, 2],
    [0.5, 2, 1],
    [1.7, 2, 1],
    [
      5,
      2,
      1,
    ],
    [1.2, 4, 3],
    [2.6, 4, 1],
    [0, 1, 1],
  ];
  for (const [others, cores, want] of cases) {
    const got = threadsFor(others, cores);
    if (got !== want) throw new Error(`threadsFor(${others}, ${cores}) = ${got}, expected ${want}`);
  }
  const applied: number[] = [];
  const policy = threadPolicy((n) => applied.push(n), 2, 1, 0);
  policy.poll();
  policy.poll();
  if (applied.join() !== "1" || policy.threads() !== 1) throw new Error(`applied ${applied}`);
});

// ---------------------------------------------------------------- matmul

Deno.test("planMatMul follows tfjs shape rules", () => {
  const p = planMatMul([2, 3, 5, 7], [7, 4], false, false);
  if (p.outShape.join() !== "2,3,5,4" || p.batch !== 6 || p.batchB !== 1) {
    throw new Error(JSON.stringify(p));
  }
  const q = planMatMul([6, 7, 5], [3, 4, 7], true, true, true);
  if (q.outShape.join() !== "6,5,4" || q.batchB !== 3) throw new Error(JSON.stringify(q));
});

Deno.test({
  name: "matMul matches cpu for all transpose combos, batched and broadcast",
  ...opts,
  async fn() {
    const cases: [number[], number[], number, number, number][] = [
      // [batchA, batchB, m, k, n]
      [[], [], 5, 7, 4],
      [[], [], 70, 130, 90],
      [[3], [3], 5, 7, 4],
      [[2, 3], [], 5, 7, 4],
      [[], [3], 5, 7, 4],
      [[1], [3], 5, 7, 4],
      [[2, 3], [3], 5, 7, 4],
      [[2], [2], 1, 16, 9],
    ];
    for (const [batchA, batchB, m, k, n] of cases) {
      for (const [ta, tb] of TRANSPOSES) {
        await compareWithCpu(`matMul ${batchA}|${batchB} ${m}x${k}x${n} ${ta} ${tb}`, () => {
          const a = rand(stored(batchA, m, k, ta), 1);
          const b = rand(stored(batchB, k, n, tb), 2);
          return tf.matMul(a, b, ta, tb);
        });
      }
    }
  },
});

Deno.test({
  name: "native matMul stays correct when its output allocation grows the wasm heap",
  ignore: !HAS_BLAS,
  ...opts,
  async fn() {
    await initBackend({ backend: "native", quiet: true });
    const heapSize = () => heapBytes(tf.backend() as BackendWasm).length;
    const before = heapSize();
    const n = Math.ceil(Math.sqrt(before / 4)) + 16; // output alone exceeds the current heap
    const out = tf.tidy(() => tf.matMul(tf.fill([n, 4], 0.5), tf.fill([4, n], 2)));
    const values = out.dataSync();
    out.dispose();
    if (heapSize() <= before) throw new Error("heap did not grow");
    for (const i of [0, n + 1, values.length - 1]) {
      if (values[i] !== 4) throw new Error(`value ${values[i]} at ${i}`);
    }
  },
});

Deno.test({
  name: "fused matMul with bias and activations matches cpu",
  ...opts,
  async fn() {
    const activations = ["linear", "relu", "relu6", "elu", "sigmoid", "leakyrelu", "prelu"];
    for (const activation of activations) {
      for (const [ta, tb] of TRANSPOSES) {
        await compareWithCpu(`fused ${activation} ${ta} ${tb}`, () => {
          const a = rand(stored([2], 6, 5, ta), 3);
          const b = rand(stored([2], 5, 4, tb), 4);
          return tf.fused.matMul({
            a: a as tf.Tensor3D,
            b: b as tf.Tensor3D,
            transposeA: ta,
            transposeB: tb,
            bias: rand([4], 5),
            activation: activation as tf.fused.Activation,
            preluActivationWeights: activation === "prelu" ? rand([4], 6) : undefined,
            leakyreluAlpha: 0.1,
          });
        });
      }
    }
    await compareWithCpu("fused 2-D bias, broadcast batch", () =>
      tf.fused.matMul({
        a: rand([3, 6, 5], 7) as tf.Tensor3D,
        b: rand([5, 4], 8) as tf.Tensor2D,
        bias: rand([6, 4], 9),
        activation: "relu",
      }));
  },
});

Deno.test({
  name: "matMul and fused matMul gradients match cpu",
  ...opts,
  async fn() {
    for (const [ta, tb] of TRANSPOSES) {
      await compareWithCpu(`grad matMul ${ta} ${tb}`, () => {
        const a = rand(stored([3], 6, 5, ta), 10);
        const b = rand(stored([3], 5, 4, tb), 11);
        const w = rand([3, 6, 4], 12);
        return tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y, ta, tb), w)))(
          [a, b],
        );
      });
      await compareWithCpu(`grad fused relu+bias ${ta} ${tb}`, () => {
        const a = rand(stored([], 6, 5, ta), 13);
        const b = rand(stored([], 5, 4, tb), 14);
        const bias = rand([4], 15);
        const w = rand([6, 4], 16);
        const f = (x: tf.Tensor, y: tf.Tensor, c: tf.Tensor) =>
          tf.sum(tf.mul(
            tf.fused.matMul({
              a: x as tf.Tensor2D,
              b: y as tf.Tensor2D,
              transposeA: ta,
              transposeB: tb,
              bias: c,
              activation: "relu",
            }),
            w,
          ));
        return tf.grads(f)([a, b, bias]);
      });
    }
  },
});

// ---------------------------------------------------------------- segment sum / gather

Deno.test("segmentSumInto adds rows into their segments and drops out-of-range ids", () => {
  const out = new Float32Array(6);
  segmentSumInto(
    new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]),
    new Int32Array([2, 0, 2, -1]),
    3,
    2,
    out,
  );
  if (out.join() !== "3,4,0,0,6,8") throw new Error(out.join());
});

Deno.test({
  name: "UnsortedSegmentSum and the gather gradient match cpu",
  ...opts,
  async fn() {
    registerAllGradients();
    await compareWithCpu(
      "unsortedSegmentSum",
      () => tf.unsortedSegmentSum(rand([5, 3], 20), tf.tensor1d([1, 0, 1, 3, 1], "int32"), 4),
    );
    // Independent check (cpu's kernel is replaced too): rows of w add into the gathered rows.
    for (const backend of ["cpu", ...await availableBackends()]) {
      const [g] = await on(
        backend,
        () =>
          tf.grad((t: tf.Tensor) =>
            tf.sum(
              tf.mul(
                tf.gather(t, tf.tensor1d([2, 0, 2], "int32")),
                tf.tensor2d([[1, 2], [3, 4], [5, 6]]),
              ),
            )
          )(
            tf.zeros([3, 2]),
          ),
      );
      if (g.data.join() !== "3,4,0,0,6,8") throw new Error(`${backend} gather grad: ${g.data}`);
    }
    await compareWithCpu("gather grad axis 0", () => {
      const table = rand([7, 4], 21);
      const ids = tf.tensor2d([[0, 3, 3], [6, 0, 1]], [2, 3], "int32");
      const w = rand([2, 3, 4], 22);
      return tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, ids), w)))(table);
    });
    await compareWithCpu("gather grad axis 1", () => {
      const x = rand([3, 5, 2], 23);
      const ids = tf.tensor1d([4, 4, 0], "int32");
      return tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.gather(t, ids, 1))))(x);
    });
  },
});

// ---------------------------------------------------------------- replaced heap kernels

Deno.test({
  name: "slice, split, leading-axes sum and broadcast comparisons match cpu",
  ...opts,
  async fn() {
    await compareWithCpu("slice", () => {
      const x = rand([4, 5, 6, 3], 30);
      return [
        tf.slice(x, [1, 0, 2, 0], [2, 5, 3, 3]),
        tf.slice(x, [0, 1, 0, 1], [4, 3, 6, 2]),
        tf.slice(x, [3, 4, 5, 2], [1, 1, 1, 1]),
        tf.slice(x, [0, 0, 0, 0], [-1, -1, -1, -1]),
        tf.slice(x, [2, 0, 0, 0], [2, -1, -1, -1]),
        tf.slice(rand([7], 31), [2], [3]),
        tf.cast(
          tf.slice(tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3], "int32"), [0, 1], [2, 2]),
          "float32",
        ),
        tf.cast(tf.slice(tf.greater(rand([3, 4], 32), 0), [1, 1], [2, 3]), "float32"),
      ];
    });
    await compareWithCpu("split", () => [
      ...tf.split(rand([16, 12], 33), [8, 4], 1),
      ...tf.split(rand([2, 3, 6, 4], 34), [4, 2], 2),
      ...tf.split(rand([6, 5], 35), 3, 0),
    ]);
    await compareWithCpu("sum", () => {
      const x = rand([1, 33, 7], 36);
      return [
        tf.sum(x, [0, 1]),
        tf.sum(x, [0, 1], true),
        tf.sum(rand([5, 4, 3], 37), [0]),
        tf.sum(rand([5, 4, 3], 38), [0, 1]),
        tf.sum(rand([5, 4, 3], 39), [1]),
        tf.sum(rand([5, 4, 3], 40)),
        tf.sum(rand([5, 4, 3], 41), -1),
        tf.sum(rand([50, 70], 42), 0), // column blocks of 32 and a remainder
      ];
    });
    await compareWithCpu("add", () => [
      tf.add(rand([40, 70], 43), rand([40, 70], 44)), // same shape: ssr_add on native
      tf.add(rand([40, 70], 45), rand([70], 46)), // broadcast: the stock kernel
      tf.add(tf.tensor1d([1, 2, 3], "int32"), tf.tensor1d([4, 5, 6], "int32")),
    ]);
    await compareWithCpu("compare", () => {
      const a = tf.round(tf.mul(rand([6, 5], 42), 3)), b = tf.round(tf.mul(rand([6, 1], 43), 3));
      const c = tf.round(tf.mul(rand([2, 1, 5], 44), 3));
      const ops = [tf.equal, tf.notEqual, tf.greater, tf.greaterEqual, tf.less, tf.lessEqual];
      return ops.flatMap((op) => [
        tf.cast(op(a, b), "float32"),
        tf.cast(op(b, a), "float32"),
        tf.cast(op(a, c), "float32"),
        tf.cast(op(a, tf.scalar(1)), "float32"),
        tf.cast(op(a, a), "float32"),
      ]);
    });
  },
});

// ---------------------------------------------------------------- fused ops

// The fused ops run one kernel each on `native` (and their composite tfjs chain on the other
// backends): each is compared with the composite on cpu, values and gradients.

Deno.test({
  name: "native runs the fused kernels (not their composite fallbacks)",
  ignore: !HAS_BLAS,
  ...opts,
  async fn() {
    const info = await initBackend({ backend: "native", quiet: true });
    if (!info.reason.includes("fused C kernels")) throw new Error(info.reason);
    for (const name of Object.values(FUSED)) {
      if (!tf.getKernel(name, "native")) throw new Error(`${name} not registered`);
      if (tf.getKernel(name, "cpu")) throw new Error(`${name} registered for cpu`);
    }
  },
});

Deno.test({
  name: "fused RMSNorm and SwiGLU match cpu, values and gradients",
  ...opts,
  async fn() {
    for (const shape of [[5, 7], [3, 2, 16], [2, 33]]) {
      await compareWithCpu(`rmsNorm ${shape}`, () => {
        const x = rand(shape, 300), w = rand(shape, 301);
        const { value, grads } = tf.valueAndGrads((t: tf.Tensor) =>
          tf.sum(tf.mul(rmsNorm(t, 1e-6), w)) as tf.Scalar
        )([x]);
        return [rmsNorm(x, 1e-6), value, ...grads];
      });
    }
    for (const shape of [[5, 22], [2, 3, 18], [4, 40]]) {
      await compareWithCpu(`swiGlu ${shape}`, () => {
        const gu = tf.mul(rand(shape, 302), 4);
        const w = rand([...shape.slice(0, -1), shape.at(-1)! / 2], 303);
        const { value, grads } = tf.valueAndGrads((t: tf.Tensor) =>
          tf.sum(tf.mul(swiGlu(t), w)) as tf.Scalar
        )([gu]);
        return [swiGlu(gu), value, ...grads];
      });
    }
  },
});

Deno.test({
  name: "fused q/k/v heads with RoPE match cpu, values and gradients",
  ...opts,
  async fn() {
    for (const [B, T, nh, nkv, hd] of [[2, 3, 4, 2, 6], [1, 5, 2, 1, 16], [3, 1, 4, 4, 8]]) {
      const dims = { batch: B, seq: T, heads: nh, kvHeads: nkv, headDim: hd };
      const width = (nh + 2 * nkv) * hd;
      const inputs = () => ({
        qkv: rand([B * T, width], 310) as tf.Tensor2D,
        bias: rand([width], 311) as tf.Tensor1D,
        cos: rand([B * T, hd], 312) as tf.Tensor2D,
        sin: rand([B * T, hd], 313) as tf.Tensor2D,
      });
      await compareWithCpu(`qkvHeads ${B} ${T} ${nh} ${nkv} ${hd}`, () => {
        const { qkv, bias, cos, sin } = inputs();
        const { q, k, v } = qkvHeads(qkv, bias, cos, sin, dims);
        const wq = rand(q.shape, 314), wk = rand(k.shape, 315), wv = rand(v.shape, 316);
        const all = tf.grads((a: tf.Tensor, b: tf.Tensor) => {
          const h = qkvHeads(a as tf.Tensor2D, b as tf.Tensor1D, cos, sin, dims);
          return tf.addN([
            tf.sum(tf.mul(h.q, wq)),
            tf.sum(tf.mul(h.k, wk)),
            tf.sum(tf.mul(h.v, wv)),
          ]);
        })([qkv, bias]);
        // Only q used: the unused outputs' gradients are zeros.
        const qOnly = tf.grads((a: tf.Tensor) =>
          tf.sum(tf.mul(qkvHeads(a as tf.Tensor2D, bias, cos, sin, dims).q, wq))
        )([qkv]);
        return [q, k, v, ...all, ...qOnly];
      });
    }
  },
});

Deno.test({
  name: "fused attention softmax matches cpu (causal, padding, past keys), values and gradients",
  ...opts,
  async fn() {
    const cases: [number[], number[][], number][] = [
      // [B, H, T, S], key mask rows, past
      [[2, 3, 4, 4], [[1, 1, 1, 1], [1, 1, 1, 1]], 0],
      [[2, 2, 4, 6], [[1, 1, 0, 1, 1, 1], [0, 0, 0, 1, 1, 1]], 2], // b=1, t=0 sees no key
      [[3, 2, 1, 9], [[1, 1, 1, 1, 1, 1, 1, 1, 1], [0, 1, 1, 1, 0, 1, 1, 1, 1], [
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        1,
      ]], 8],
      [[1, 1, 3, 20], [Array.from({ length: 20 }, (_, i) => (i % 7 ? 1 : 0))], 17],
    ];
    for (const [shape, mask, past] of cases) {
      await compareWithCpu(`attentionSoftmax ${shape} past ${past}`, () => {
        const scores = tf.mul(rand(shape, 320), 5) as tf.Tensor4D;
        const keyMask = tf.tensor2d(mask);
        const w = rand(shape, 321);
        const { value, grads } = tf.valueAndGrads((s: tf.Tensor) =>
          tf.sum(tf.mul(attentionSoftmax(s as tf.Tensor4D, keyMask, past), w)) as tf.Scalar
        )([scores]);
        return [attentionSoftmax(scores, keyMask, past), value, ...grads];
      });
    }
  },
});

Deno.test({
  name: "fused causal attention matches cpu (blocks, GQA, padding), values and gradients",
  ...opts,
  async fn() {
    // T = 130: blocks [0, 64), [64, 128), [128, 130); row 1 left-padded (its first queries see
    // no key), row 0 with a padding key in the middle.
    for (const [B, nh, nkv, T, hd] of [[2, 4, 2, 5, 4], [2, 4, 2, 70, 8], [2, 2, 1, 130, 4]]) {
      const mask = Array.from(
        { length: B },
        (_, b) =>
          Array.from({ length: T }, (_, t) => (b === 1 ? (t < 3 ? 0 : 1) : t === 2 ? 0 : 1)),
      );
      await compareWithCpu(`attention ${B} ${nh} ${nkv} ${T} ${hd}`, () => {
        const q = tf.mul(rand([B, nh, T, hd], 340), 2) as tf.Tensor4D;
        const k = tf.mul(rand([B, nkv, T, hd], 341), 2) as tf.Tensor4D;
        const v = rand([B, nkv, T, hd], 342) as tf.Tensor4D;
        const keyMask = tf.tensor2d(mask);
        const w = rand([B, T, nh, hd], 343);
        const { value, grads } = tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
          tf.sum(tf.mul(
            attention(a as tf.Tensor4D, b as tf.Tensor4D, c as tf.Tensor4D, keyMask),
            w,
          )) as tf.Scalar
        )([q, k, v]);
        return [attention(q, k, v, keyMask), value, ...grads];
      }, 3e-4);
    }
  },
});

Deno.test({
  name: "fused attention over a KV cache matches cpu (prefill, steps, chunks, growth, shapes)",
  ...opts,
  async fn() {
    // [B, nh, nkv, hd]: head pairs and a lone head per kv head (g = 2, 3, 1), head sizes with
    // 8-wide value columns (8, 32, 40) and without (4, 12).
    const shapes = [[3, 4, 2, 8], [3, 6, 2, 32], [2, 3, 3, 12], [2, 2, 1, 40], [3, 4, 2, 4]];
    // (T, key mask of this call's tokens per row): a left-padded prefill, single steps (one row
    // finished), a 2-token chunk, then enough steps for sweeps of 32 slots and a padded slot.
    const calls: [number, number[][]][] = [
      [4, [[0, 0, 1, 1], [1, 1, 1, 1], [0, 0, 0, 1]]],
      [1, [[1], [1], [1]]],
      [1, [[1], [0], [1]]],
      [2, [[1, 1], [1, 0], [1, 1]]],
      [1, [[1], [1], [1]]],
      [29, [[...Array(29)].map((_, i) => (i === 5 ? 0 : 1)), Array(29).fill(1), Array(29).fill(1)]],
      [1, [[1], [1], [0]]],
      [1, [[1], [1], [1]]],
    ];
    for (const [B, nh, nkv, hd] of shapes) {
      const dims = { batch: B, seq: 0, heads: nh, kvHeads: nkv, headDim: hd };
      for (const reserve of [0, 16]) {
        await compareWithCpu(`cachedAttention ${[B, nh, nkv, hd]} reserve ${reserve}`, () => {
          const cache = new KVCache();
          cache.reserve = reserve;
          const seen: number[][] = [...Array(B)].map(() => []);
          const outs: tf.Tensor[] = [];
          let past = 0;
          calls.forEach(([T, m], i) => {
            m.slice(0, B).forEach((row, b) => seen[b].push(...row));
            const qkv = tf.mul(rand([B * T, (nh + 2 * nkv) * hd], 350 + i), 2) as tf.Tensor2D;
            const bias = rand([(nh + 2 * nkv) * hd], 360 + i) as tf.Tensor1D;
            const angle = tf.mul(rand([B * T, hd], 370 + i), 3);
            const [cos, sin] = [tf.cos(angle), tf.sin(angle)] as tf.Tensor2D[];
            const d = { ...dims, seq: T };
            outs.push(cachedAttention(qkv, bias, cos, sin, d, cache, 0, tf.tensor2d(seen), past));
            past += T;
          });
          // The cached values (keys may be stored transposed).
          outs.push(tf.slice(cache.values[0], [0, 0, 0, 0], [-1, -1, past, -1]));
          cache.dispose();
          return outs;
        });
      }
    }
  },
});

/** Decoder-layer calls over one cache: a left-padded prefill, steps (one with a finished row). */
function decoderLayerCalls(
  [B, nh, nkv, hd, H, I]: number[],
  layer: typeof cachedDecoderLayer,
): tf.Tensor[] {
  const calls: [number, number[][]][] = [
    [5, [[0, 0, 1, 1, 1], [1, 1, 1, 1, 1], [0, 0, 0, 0, 1]]],
    [1, [[1], [1], [1]]],
    [1, [[1], [0], [1]]],
    [3, [[1, 1, 1], [1, 0, 1], [1, 1, 0]]],
    [1, [[1], [1], [1]]],
  ];
  const W = (nh + 2 * nkv) * hd;
  const w = {
    qkv: tf.mul(rand([H, W], 380), 0.3) as tf.Tensor2D,
    qkvBias: rand([W], 381) as tf.Tensor1D,
    o: tf.mul(rand([nh * hd, H], 382), 0.3) as tf.Tensor2D,
    gateUp: tf.mul(rand([H, 2 * I], 383), 0.3) as tf.Tensor2D,
    down: tf.mul(rand([I, H], 384), 0.3) as tf.Tensor2D,
  };
  const cache = new KVCache();
  const seen: number[][] = [...Array(B)].map(() => []);
  const outs: tf.Tensor[] = [];
  let past = 0;
  calls.forEach(([T, m], i) => {
    seen.forEach((row, b) => row.push(...m[b % m.length]));
    const x = tf.mul(rand([B * T, H], 390 + i), 2) as tf.Tensor2D;
    const angle = tf.mul(rand([B * T, hd], 395 + i), 3);
    const [cos, sin] = [tf.cos(angle), tf.sin(angle)] as tf.Tensor2D[];
    const dims = { batch: B, seq: T, heads: nh, kvHeads: nkv, headDim: hd };
    outs.push(layer(x, w, cos, sin, dims, cache, 0, tf.tensor2d(seen), past, 1e-6));
    past += T;
  });
  outs.push(tf.slice(cache.values[0], [0, 0, 0, 0], [-1, -1, past, -1]));
  cache.dispose();
  return outs;
}

// [B, nh, nkv, hd, H, I]
const LAYER_SHAPES = [[3, 4, 2, 8, 32, 48], [2, 4, 2, 32, 128, 96], [3, 4, 2, 4, 16, 24]];

Deno.test({
  name: "fused decoder layer over a KV cache matches cpu",
  ...opts,
  async fn() {
    for (const shape of LAYER_SHAPES) {
      await compareWithCpu(
        `cachedDecoderLayer ${shape}`,
        () => decoderLayerCalls(shape, cachedDecoderLayer),
        3e-4,
      );
    }
  },
});

Deno.test({
  name: "fused decoder layer gives the bits of its ops one by one on native",
  ignore: !HAS_BLAS,
  ...opts,
  async fn() {
    for (const shape of LAYER_SHAPES) {
      const fused = await on("native", () => decoderLayerCalls(shape, cachedDecoderLayer));
      if (!tf.getKernel(FUSED.cachedDecoderLayer, "native")) continue; // no fused library here
      const ops = await on("native", () => decoderLayerCalls(shape, cachedDecoderLayerReference));
      fused.forEach((a, i) => {
        if (!a.data.every((v, j) => Object.is(v, ops[i].data[j]))) {
          throw new Error(`${shape}: output ${i} differs from the ops one by one`);
        }
      });
    }
  },
});

/**
 * Whole decoder steps of two layers over one cache: a left-padded prefill (last positions only),
 * single-token steps (one with a finished row), a 3-token call with the logits of every row.
 */
function decoderCalls(
  [B, nh, nkv, hd, H, I, V]: number[],
  decoder: typeof cachedDecoder,
): tf.Tensor[] {
  const calls: [number, number[][], boolean][] = [
    [5, [[0, 0, 1, 1, 1], [1, 1, 1, 1, 1], [0, 0, 0, 0, 1]], true],
    [1, [[1], [1], [1]], false],
    [1, [[1], [0], [1]], false],
    [3, [[1, 1, 1], [1, 0, 1], [1, 1, 0]], false],
    [1, [[1], [1], [1]], false],
  ];
  const W = (nh + 2 * nkv) * hd;
  const layers = [0, 1].map((l) => ({
    qkv: tf.mul(rand([H, W], 420 + 10 * l), 0.3) as tf.Tensor2D,
    qkvBias: rand([W], 421 + 10 * l) as tf.Tensor1D,
    o: tf.mul(rand([nh * hd, H], 422 + 10 * l), 0.3) as tf.Tensor2D,
    gateUp: tf.mul(rand([H, 2 * I], 423 + 10 * l), 0.3) as tf.Tensor2D,
    down: tf.mul(rand([I, H], 424 + 10 * l), 0.3) as tf.Tensor2D,
  }));
  const w = {
    embed: tf.mul(rand([V, H], 440), 2) as tf.Tensor2D,
    layers,
    lm: tf.mul(rand([H, V], 441), 0.5) as tf.Tensor2D,
  };
  const cache = new KVCache();
  const seen: number[][] = [...Array(B)].map(() => []);
  const outs: tf.Tensor[] = [];
  let past = 0;
  calls.forEach(([T, m, lastOnly], i) => {
    seen.forEach((row, b) => row.push(...m[b % m.length]));
    const ids = tf.tensor2d(
      [...Array(B)].map((_, b) => [...Array(T)].map((_, t) => (b * 7 + t * 3 + i) % V)),
      undefined,
      "int32",
    ) as tf.Tensor2D;
    const angle = tf.mul(rand([B * T, hd], 450 + i), 3);
    const [cos, sin] = [tf.cos(angle), tf.sin(angle)] as tf.Tensor2D[];
    const dims = { batch: B, seq: T, heads: nh, kvHeads: nkv, headDim: hd };
    outs.push(decoder(ids, w, cos, sin, dims, cache, tf.tensor2d(seen), past, 1e-6, lastOnly));
    past += T;
  });
  for (const v of cache.values) outs.push(tf.slice(v, [0, 0, 0, 0], [-1, -1, past, -1]));
  cache.dispose();
  return outs;
}

// [B, nh, nkv, hd, H, I, V]
const DECODER_SHAPES = [
  [3, 4, 2, 8, 32, 48, 11],
  [2, 4, 2, 32, 128, 96, 100],
  [2, 2, 1, 8, 16, 24, 1100], // a vocabulary embedded by a gather, not a one-hot matmul
];

Deno.test({
  name: "fused decoder step (embedding, layers, norm, LM head) over a KV cache matches cpu",
  ...opts,
  async fn() {
    for (const shape of DECODER_SHAPES) {
      await compareWithCpu(
        `cachedDecoder ${shape}`,
        () => decoderCalls(shape, cachedDecoder),
        3e-4,
      );
    }
  },
});

Deno.test({
  name: "fused decoder step gives the bits of its ops one by one on native",
  ignore: !HAS_BLAS,
  ...opts,
  async fn() {
    for (const shape of DECODER_SHAPES) {
      const fused = await on("native", () => decoderCalls(shape, cachedDecoder));
      if (!tf.getKernel(FUSED.cachedDecoder, "native")) continue; // no fused library here
      const ops = await on("native", () => decoderCalls(shape, cachedDecoderReference));
      if (fused.length !== ops.length) throw new Error(`${shape}: ${fused.length} outputs`);
      fused.forEach((a, i) => {
        if (!a.data.every((v, j) => Object.is(v, ops[i].data[j]))) {
          throw new Error(`${shape}: output ${i} differs from the ops one by one`);
        }
      });
    }
  },
});

Deno.test({
  name: "fused decoder step refuses a token id outside the vocabulary",
  ...opts,
  async fn() {
    const [B, nh, nkv, hd, H, I, V] = DECODER_SHAPES[0], W = (nh + 2 * nkv) * hd;
    for (const backend of ["cpu", ...await availableBackends()]) {
      await initBackend({ backend, quiet: true });
      const cache = new KVCache();
      let message = "no error";
      try {
        tf.tidy(() => {
          const w = {
            embed: rand([V, H], 460) as tf.Tensor2D,
            layers: [{
              qkv: rand([H, W], 461) as tf.Tensor2D,
              qkvBias: rand([W], 462) as tf.Tensor1D,
              o: rand([nh * hd, H], 463) as tf.Tensor2D,
              gateUp: rand([H, 2 * I], 464) as tf.Tensor2D,
              down: rand([I, H], 465) as tf.Tensor2D,
            }],
            lm: rand([H, V], 466) as tf.Tensor2D,
          };
          const ids = tf.tensor2d(
            [...Array(B)].map((_, b) => [0, b === 1 ? V : 1]),
            undefined,
            "int32",
          );
          const cos = tf.ones([2 * B, hd]) as tf.Tensor2D,
            sin = tf.zeros([2 * B, hd]) as tf.Tensor2D;
          const dims = { batch: B, seq: 2, heads: nh, kvHeads: nkv, headDim: hd };
          cachedDecoder(
            ids as tf.Tensor2D,
            w,
            cos,
            sin,
            dims,
            cache,
            tf.ones([B, 2]),
            0,
            1e-6,
            true,
          );
        });
      } catch (e) {
        message = (e as Error).message;
      } finally {
        cache.dispose();
      }
      if (!message.includes(`token id ${V} outside [0, ${V})`)) {
        throw new Error(`${backend}: ${message}`);
      }
    }
  },
});

Deno.test({
  name: "fused target log-probs and entropy match cpu, values and gradients",
  ...opts,
  async fn() {
    for (const [N, V] of [[6, 13], [4, 100], [3, 8]]) {
      await compareWithCpu(`targetLogProbs ${N}x${V}`, () => {
        const logits = tf.mul(rand([N, V], 330), 6) as tf.Tensor2D;
        const targets = tf.tensor1d(
          Array.from({ length: N }, (_, n) => (n === N - 1 ? -1 : (n * 7) % V)),
          "int32",
        );
        const w1 = rand([N], 331), w2 = rand([N], 332);
        const { value, grads } = tf.valueAndGrads((z: tf.Tensor) => {
          const r = targetLogProbs(z as tf.Tensor2D, targets);
          return tf.add(tf.sum(tf.mul(r.logp, w1)), tf.sum(tf.mul(r.entropy, w2))) as tf.Scalar;
        })([logits]);
        const logpOnly = tf.grad((z: tf.Tensor) =>
          tf.sum(tf.mul(targetLogProbs(z as tf.Tensor2D, targets).logp, w1))
        )(logits);
        const r = targetLogProbs(logits, targets);
        return [r.logp, r.entropy, value, ...grads, logpOnly];
      });
    }
  },
});

Deno.test({
  name: "without a C compiler native runs without fused kernels, and says so",
  ignore: !HAS_BLAS,
  ...opts,
  async fn() {
    const cache = await Deno.makeTempDir();
    const url = (path: string) => new URL(path, import.meta.url).href;
    const code = `
      import * as tf from "@tensorflow/tfjs-core";
      import { initBackend } from "${url("../lib/backend/mod.ts")}";
      import { rmsNorm } from "${url("../lib/model/fused/rms_norm.ts")}";
      const info = await initBackend({ backend: "native", quiet: true });
      const y = Array.from(rmsNorm(tf.tensor2d([[3, 4]]), 0).dataSync());
      console.log(JSON.stringify({ reason: info.reason, fused: !!tf.getKernel("SsrRmsNorm", "native"), y }));`;
    try {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["eval", code],
        cwd: new URL("..", import.meta.url),
        env: { CC: "/nonexistent/cc", SSR1_CACHE: cache },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(out.stdout).trim().split("\n").at(-1) ?? "";
      if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
      const r = JSON.parse(text);
      if (!r.reason.includes("no fused kernels (no C compiler")) throw new Error(r.reason);
      if (r.fused) throw new Error("fused kernels registered without a library");
      const [a, b] = r.y; // the composite fallback: [3, 4] / 5/√2
      if (Math.abs(a - 0.6 * Math.SQRT2) > 1e-6 || Math.abs(b - 0.8 * Math.SQRT2) > 1e-6) {
        throw new Error(`rmsNorm fallback gave ${r.y}`);
      }
    } finally {
      await Deno.remove(cache, { recursive: true });
    }
  },
});

Deno.test({
  name: "fused kernels and split matmuls give the same bits on 1 thread as on several",
  ignore: !HAS_BLAS,
  ...opts,
  async fn() {
    await initBackend({ backend: "native", quiet: true });
    const load = loadFusedLib();
    if (!load.ok) throw new Error(load.reason);
    // Sizes above the kernels' parallel threshold (2^15 elements).
    const run = () =>
      tf.tidy(() => {
        const x = rand([512, 130], 500), gu = rand([300, 256], 501);
        const scores = tf.mul(rand([3, 4, 60, 60], 502), 4) as tf.Tensor4D;
        const mask = tf.tensor2d(
          [...Array(3)].map((_, b) => [...Array(60)].map((_, s) => (s + b) % 9 ? 1 : 0)),
        );
        const logits = tf.mul(rand([700, 100], 503), 5) as tf.Tensor2D;
        const targets = tf.tensor1d([...Array(700)].map((_, i) => (i * 13) % 100), "int32");
        const e = rand([700, 300], 504), w = rand([300, 500], 505); // split matmul: 4 blocks
        const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor, m: tf.Tensor) =>
          tf.addN([
            tf.sum(tf.square(tf.matMul(m, w))),
            tf.sum(tf.square(rmsNorm(a, 1e-6))),
            tf.sum(tf.square(swiGlu(b))),
            tf.sum(tf.square(attentionSoftmax(c as tf.Tensor4D, mask, 0))),
            tf.sum(targetLogProbs(d as tf.Tensor2D, targets).logp),
          ]) as tf.Scalar;
        const { value, grads } = tf.valueAndGrads(f)([x, gu, scores, logits, e]);
        // Causal attention (forward and gradient: one thread per (b, h), per (b, kv head)).
        const q = rand([4, 4, 70, 8], 506), k = rand([4, 2, 70, 8], 507);
        const v = rand([4, 2, 70, 8], 508),
          keyMask = tf.tensor2d(
            [...Array(4)].map((_, b) => [...Array(70)].map((_, s) => s >= b ? 1 : 0)),
          );
        const att = tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
          tf.sum(tf.square(
            attention(a as tf.Tensor4D, b as tf.Tensor4D, c as tf.Tensor4D, keyMask),
          )) as tf.Scalar
        )([q, k, v]);
        // Same-shape Add and a bias-gradient Sum (columns in blocks over the threads).
        const big = rand([600, 130], 509);
        const addSum = [tf.add(big, rand([600, 130], 510)), tf.sum(big, 0)];
        // A decoder layer over a KV cache, large enough for its parallel region.
        const layer = decoderLayerCalls([64, 4, 2, 32, 128, 96], cachedDecoderLayer);
        const decoder = decoderCalls([64, 4, 2, 32, 128, 96, 100], cachedDecoder);
        return [value, ...grads, att.value, ...att.grads, ...addSum, ...layer, ...decoder].map((
          t,
        ) => Float32Array.from(t.dataSync() as Float32Array));
      });
    const threads = load.lib.ssr_set_threads(0);
    try {
      load.lib.ssr_set_threads(Math.max(2, navigator.hardwareConcurrency || 1));
      const many = run();
      load.lib.ssr_set_threads(1);
      const one = run();
      many.forEach((a, i) => {
        if (!a.every((v, j) => Object.is(v, one[i][j]))) throw new Error(`output ${i} differs`);
      });
    } finally {
      load.lib.ssr_set_threads(threads);
    }
  },
});

Deno.test({
  name: "AdamW with the fused kernel on native matches the JavaScript update on cpu",
  ignore: !HAS_BLAS,
  ...opts,
  async fn() {
    const shapes = [[7, 5], [13], [3, 2, 9]];
    const run = async (backend: string, impl: "kernel" | "js") => {
      await initBackend({ backend, quiet: true });
      const params = new Map(shapes.map((s, i) => [`p${i}`, tf.variable(rand(s, 400 + i))]));
      const opt = new AdamW(params, { lr: 0.05, weight_decay: 0.1, impl });
      for (let step = 0; step < 3; step++) {
        const grads = new Map(shapes.map((s, i) => [`p${i}`, rand(s, 410 + 10 * step + i)]));
        opt.step(grads, 0.05 / (step + 1));
        tf.dispose([...grads.values()]);
      }
      const out = [...params.values()].map((p) => ({
        shape: p.shape,
        data: Float32Array.from(p.dataSync() as Float32Array),
      }));
      const moments = [...opt.state().moments.values()].map((x) => ({
        shape: x.shape,
        data: x.data,
      }));
      opt.dispose();
      tf.dispose([...params.values()]);
      return [...out, ...moments];
    };
    const expected = await run("cpu", "js");
    assertClose(await run("native", "kernel"), expected, "native AdamW kernel", 1e-5);
  },
});

// ---------------------------------------------------------------- training-step kernel probe

/** A miniature decoder block + loss using the ops a Qwen2-style training step needs. */
function probeLoss(...params: tf.Tensor[]): tf.Scalar {
  const [emb, wq, wk, wv, wo, w1, w2, w3, gain] = params;
  const [B, T, D, H, V] = [2, 6, 8, 2, 11];
  const dh = D / H;
  const ids = tf.tensor2d([[1, 4, 2, 9, 0, 3], [5, 5, 7, 10, 1, 2]], [B, T], "int32");
  const targets = tf.tensor1d([4, 2, 9, 0, 3, 8, 5, 7, 10, 1, 2, 6], "int32");
  const x = tf.gather(emb, ids); // [B,T,D]
  const rms = tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), 1e-6));
  const h = tf.reshape(tf.mul(tf.mul(x, rms), gain), [B * T, D]);
  // rotary-style mixing with slice/concat/neg
  const rope = (t: tf.Tensor) => {
    const t4 = tf.reshape(t, [B, T, H, dh]);
    const [lo, hi] = tf.split(t4, 2, 3);
    const rot = tf.concat([tf.neg(hi), lo], 3);
    const ang = tf.reshape(tf.range(0, T, 1, "float32"), [1, T, 1, 1]);
    return tf.add(tf.mul(t4, tf.cos(ang)), tf.mul(rot, tf.sin(ang)));
  };
  const heads = (t: tf.Tensor) => tf.transpose(t, [0, 2, 1, 3]); // [B,H,T,dh]
  const q = heads(rope(tf.matMul(h, wq)));
  const k = heads(rope(tf.matMul(h, wk)));
  const v = heads(tf.reshape(tf.matMul(h, wv), [B, T, H, dh]));
  const scores = tf.div(tf.matMul(q, k, false, true), Math.sqrt(dh));
  const causal = tf.greaterEqual(
    tf.reshape(tf.range(0, T, 1, "int32"), [T, 1]),
    tf.reshape(tf.range(0, T, 1, "int32"), [1, T]),
  );
  const masked = tf.where(
    tf.broadcastTo(causal, scores.shape),
    scores,
    tf.fill(scores.shape, -1e9),
  );
  const att = tf.matMul(tf.softmax(masked), v);
  const merged = tf.reshape(tf.transpose(att, [0, 2, 1, 3]), [B * T, D]);
  const x2 = tf.add(tf.reshape(x, [B * T, D]), tf.matMul(merged, wo));
  const a = tf.matMul(x2, w1), g = tf.matMul(x2, w3);
  const mlp = tf.matMul(tf.mul(tf.mul(a, tf.sigmoid(a)), g), w2);
  const x3 = tf.add(x2, tf.clipByValue(mlp, -5, 5));
  const logits = tf.matMul(x3, emb, false, true); // tied embeddings
  const logp = tf.logSoftmax(logits);
  const nll = tf.neg(tf.mean(tf.sum(tf.mul(logp, tf.oneHot(targets, V)), -1)));
  // extra ops seen in losses / samplers
  const extra = tf.mul(
    tf.mean(tf.maximum(tf.minimum(tf.exp(tf.sub(logp, tf.max(logp, -1, true))), 0.9), 0.01)),
    tf.mean(tf.cumsum(tf.abs(tf.pow(x3, 2)), 1)),
  );
  return tf.add(nll, tf.mul(extra, 0.01)) as tf.Scalar;
}

Deno.test({
  name: "a transformer training step's forward and gradients match cpu",
  ...opts,
  async fn() {
    registerAllGradients();
    const shapes = [[11, 8], [8, 8], [8, 8], [8, 8], [8, 8], [8, 16], [16, 8], [8, 16], [8]];
    await compareWithCpu("probe", () => {
      const params = shapes.map((s, i) => rand(s, 100 + i));
      const { value, grads } = tf.valueAndGrads(probeLoss)(params);
      return [value, ...grads];
    }, 2e-4);
    await compareWithCpu("sampler ops", () => {
      const logits = rand([3, 11], 200);
      const { values, indices } = tf.topk(logits, 4);
      const probs = tf.softmax(tf.div(logits, 0.7));
      return [
        values,
        tf.cast(indices, "float32"),
        tf.cumsum(probs, 1),
        tf.cast(tf.argMax(logits, 1), "float32"),
        tf.stack(tf.unstack(probs)),
        tf.cast(tf.logicalAnd(tf.greater(probs, 0.05), tf.less(probs, 0.5)), "float32"),
      ];
    });
  },
});
