import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { join } from "node:path";
import {
  encodeSafetensors,
  halfToFloat,
  readSafetensors,
  SafetensorsReader,
  writeSafetensors,
} from "../lib/model/mod.ts";
import { throwsOneLine } from "./_tiny_model.ts";

/** A safetensors file from a raw header (object or exact text) and data bytes. */
function rawFile(path: string, header: unknown, data: Uint8Array, headerLen?: number): void {
  const json = new TextEncoder().encode(
    typeof header === "string" ? header : JSON.stringify(header),
  );
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLen ?? json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  Deno.writeFileSync(path, out);
}

const u16 = (...xs: number[]) => new Uint8Array(new Uint16Array(xs).buffer);

Deno.test("safetensors round trip is bit-exact, HF names, sorted, 8-byte aligned header", () => {
  const dir = Deno.makeTempDirSync();
  const path = join(dir, "model.safetensors");
  const special = new Float32Array([
    0,
    -0,
    1.5,
    -2.25e-38,
    3.4e38,
    Infinity,
    -Infinity,
    NaN,
    1e-45,
  ]);
  const tensors = new Map([
    ["model.layers.1.mlp.down_proj.weight", { shape: [3, 3], data: special }],
    ["model.embed_tokens.weight", { shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) }],
    ["model.norm.weight", { shape: [0], data: new Float32Array(0) }],
    ["model.layers.0.self_attn.q_proj.bias", { shape: [1], data: new Float32Array([Math.PI]) }],
  ]);
  writeSafetensors(path, tensors, { format: "pt" });
  const bytes = Deno.readFileSync(path);
  const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assertEquals(n % 8, 0);
  const header = new TextDecoder().decode(bytes.subarray(8, 8 + n));
  // Exactly what the reference (Rust) serializer emits for F32 tensors.
  assertEquals(
    header.trimEnd(),
    '{"__metadata__":{"format":"pt"},' +
      '"model.embed_tokens.weight":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},' +
      '"model.layers.0.self_attn.q_proj.bias":{"dtype":"F32","shape":[1],"data_offsets":[16,20]},' +
      '"model.layers.1.mlp.down_proj.weight":{"dtype":"F32","shape":[3,3],"data_offsets":[20,56]},' +
      '"model.norm.weight":{"dtype":"F32","shape":[0],"data_offsets":[56,56]}}',
  );
  const { tensors: back, metadata } = readSafetensors(path);
  assertEquals(metadata, { format: "pt" });
  assertEquals([...back.keys()], [...tensors.keys()].sort());
  for (const [name, t] of tensors) {
    const b = back.get(name)!;
    assertEquals(b.shape, t.shape);
    assertEquals(new Uint32Array(b.data.buffer), new Uint32Array(t.data.buffer)); // bit-exact
  }
  // Tensor-by-tensor reading.
  const r = SafetensorsReader.open(path);
  assert(r.has("model.norm.weight") && !r.has("lm_head.weight"));
  assertEquals(r.info("model.embed_tokens.weight"), {
    dtype: "F32",
    shape: [2, 2],
    dataOffsets: [0, 16],
  });
  assertEquals(r.readBytes("model.layers.0.self_attn.q_proj.bias").length, 4);
  throwsOneLine(() => r.read("lm_head.weight"), `${path}: tensor "lm_head.weight": missing`);
  r.close();
  // No temp files left behind; the encoder and the file agree.
  assertEquals([...Deno.readDirSync(dir)].map((e) => e.name), ["model.safetensors"]);
  assertEquals(encodeSafetensors(tensors, { format: "pt" }), bytes);
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("F16 and BF16 tensors decode to float32 exactly", () => {
  const dir = Deno.makeTempDirSync();
  const path = join(dir, "half.safetensors");
  // F16: 1, -2, 0.5, 65504 (max), 2^-24 (smallest subnormal), -0, +inf, NaN, 1/3 ≈ 0x3555
  const f16 = u16(0x3c00, 0xc000, 0x3800, 0x7bff, 0x0001, 0x8000, 0x7c00, 0x7e00, 0x3555);
  // BF16: 1, -2, 3.140625 (0x4049), 1e38-ish (0x7e96), -inf, the smallest subnormal 0x0001
  const bf16 = u16(0x3f80, 0xc000, 0x4049, 0x7e96, 0xff80, 0x0001);
  const data = new Uint8Array(f16.length + bf16.length);
  data.set(bf16, 0);
  data.set(f16, bf16.length);
  rawFile(path, {
    b: { dtype: "BF16", shape: [2, 3], data_offsets: [0, 12] },
    h: { dtype: "F16", shape: [9], data_offsets: [12, 30] },
  }, data);
  const { tensors } = readSafetensors(path);
  const h = tensors.get("h")!.data;
  assertEquals(Array.from(h.subarray(0, 7)), [1, -2, 0.5, 65504, 2 ** -24, -0, Infinity]);
  assert(Number.isNaN(h[7]));
  assertEquals(h[8], Math.fround(0x155 / 1024 * 0.25 + 0.25)); // 0x3555 = 2^-2 · (1 + 341/1024)
  const b = tensors.get("b")!;
  assertEquals(b.shape, [2, 3]);
  assertEquals(Array.from(b.data), [
    1,
    -2,
    3.140625,
    new Float32Array(new Uint32Array([0x7e960000]).buffer)[0],
    -Infinity,
    new Float32Array(new Uint32Array([0x00010000]).buffer)[0],
  ]);
  assertEquals(halfToFloat(0x3555), 0.333251953125);
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("corrupt safetensors files fail with one line naming the file and field", () => {
  const dir = Deno.makeTempDirSync();
  const p = join(dir, "bad.safetensors");
  const ok = { dtype: "F32", shape: [2], data_offsets: [0, 8] };
  const eight = new Uint8Array(8);
  const cases: [() => void, string][] = [
    [
      () => rawFile(p, { a: ok }, eight, 1 << 20),
      `${p}: header length 1048576 exceeds the file size`,
    ],
    [() => rawFile(p, "{not json", eight), `${p}: header: invalid JSON`],
    [() => rawFile(p, "[1]", eight), `${p}: header: expected a JSON object`],
    [
      () => rawFile(p, { a: { ...ok, dtype: undefined } }, eight),
      `${p}: tensor "a": field "dtype": missing`,
    ],
    [
      () => rawFile(p, { a: { ...ok, dtype: "F8" } }, eight),
      `${p}: tensor "a": field "dtype": unknown dtype "F8"`,
    ],
    [
      () => rawFile(p, { a: { ...ok, dtype: "I64" } }, eight),
      `${p}: tensor "a": field "dtype": unsupported dtype I64`,
    ],
    [() => rawFile(p, { a: { ...ok, shape: [-2] } }, eight), `${p}: tensor "a": field "shape"`],
    [
      () => rawFile(p, { a: { ...ok, shape: [3] } }, eight),
      `${p}: tensor "a": field "data_offsets": 8 bytes but shape [3] of F32 needs 12`,
    ],
    [
      () => rawFile(p, { a: { ...ok, data_offsets: [0, 16] } }, eight),
      `${p}: tensor "a": field "data_offsets": end 16 is past the data section (8 bytes)`,
    ],
    [
      () => rawFile(p, { a: { ...ok, data_offsets: [0] } }, eight),
      `${p}: tensor "a": field "data_offsets": expected [begin, end]`,
    ],
    [
      () => rawFile(p, { a: { ...ok, extra: 1 } }, eight),
      `${p}: tensor "a": field "extra": unknown key`,
    ],
    [
      () => rawFile(p, { a: ok, b: { ...ok, shape: [1], data_offsets: [4, 8] } }, eight),
      `${p}: tensor "b": field "data_offsets": begins at 4, expected 8 (overlaps`,
    ],
    [
      () => rawFile(p, { a: { ...ok, shape: [1], data_offsets: [4, 8] } }, eight),
      `${p}: tensor "a": field "data_offsets": begins at 4, expected 0 (leaves a hole)`,
    ],
    [
      () => rawFile(p, { a: ok }, new Uint8Array(12)),
      `${p}: header: tensors cover 8 bytes but the data section has 12`,
    ],
    [
      () => rawFile(p, { __metadata__: { n: 1 }, a: ok }, eight),
      `${p}: header: field "__metadata__.n": expected a string`,
    ],
    [() => Deno.writeFileSync(p, new Uint8Array(3)), `${p}: file too short (3 bytes)`],
  ];
  for (const [make, msg] of cases) {
    make();
    throwsOneLine(() => SafetensorsReader.open(p), msg);
  }
  throwsOneLine(
    () => SafetensorsReader.open(join(dir, "nope.safetensors")),
    `${join(dir, "nope.safetensors")}: cannot open`,
  );
  Deno.removeSync(dir, { recursive: true });
});
