/**
 * The safetensors format (https://huggingface.co/docs/safetensors): an
 * 8-byte little-endian header length N, N bytes of JSON header
 * `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {…}}`,
 * then the tensor bytes (offsets relative to the end of the header).
 *
 * {@linkcode SafetensorsReader} validates the header and reads one tensor at
 * a time (F32, F16 and BF16 are decoded to `Float32Array`);
 * {@linkcode writeSafetensors} writes F32 tensors (names sorted, header padded
 * to 8 bytes) through a temporary file and a rename.
 *
 * @module
 */

/** Element types this module can decode to float32. */
export type SafetensorsDtype = "F32" | "F16" | "BF16";

/** Header entry of one tensor. */
export interface TensorInfo {
  /** Stored element type. */
  dtype: SafetensorsDtype;
  /** Shape (row-major). */
  shape: number[];
  /** Byte range `[begin, end)` relative to the start of the data section. */
  dataOffsets: [number, number];
}

/** A float32 tensor as plain data. */
export interface NamedTensor {
  /** Shape (row-major). */
  shape: number[];
  /** `prod(shape)` values. */
  data: Float32Array;
}

const DTYPE_SIZE: Record<string, number> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

/** Largest accepted header (same limit as the reference implementation). */
const MAX_HEADER = 100_000_000;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Reads a safetensors file tensor by tensor. The header is parsed and fully
 * validated on {@linkcode SafetensorsReader.open}; tensor data is read from
 * the file on demand. Close it with {@linkcode SafetensorsReader.close}.
 *
 * ```ts
 * using r = SafetensorsReader.open("model.safetensors");
 * const w = r.read("model.embed_tokens.weight");
 * ```
 */
export class SafetensorsReader {
  /** Path the reader was opened on (used in error messages). */
  readonly path: string;
  /** The `__metadata__` map, or `null`. */
  readonly metadata: Record<string, string> | null;
  readonly #tensors: Map<string, TensorInfo>;
  readonly #dataStart: number;
  #file: Deno.FsFile | null;

  private constructor(
    path: string,
    file: Deno.FsFile,
    tensors: Map<string, TensorInfo>,
    metadata: Record<string, string> | null,
    dataStart: number,
  ) {
    this.path = path;
    this.#file = file;
    this.#tensors = tensors;
    this.metadata = metadata;
    this.#dataStart = dataStart;
  }

  /** Open `path` and validate its header (one-line errors naming file and field). */
  static open(path: string): SafetensorsReader {
    let file: Deno.FsFile;
    try {
      file = Deno.openSync(path, { read: true });
    } catch (err) {
      throw new Error(`${path}: cannot open: ${(err as Error).message.split("\n")[0]}`);
    }
    try {
      const size = file.statSync().size;
      if (size < 8) {
        throw new Error(`${path}: file too short (${size} bytes) for a safetensors header`);
      }
      const lenBytes = readExact(file, 0, 8, path);
      const n = Number(new DataView(lenBytes.buffer).getBigUint64(0, true));
      if (n > MAX_HEADER || 8 + n > size) {
        throw new Error(`${path}: header length ${n} exceeds the file size ${size}`);
      }
      const headerText = new TextDecoder("utf-8", { fatal: false }).decode(
        readExact(file, 8, n, path),
      );
      const { tensors, metadata } = parseHeader(headerText, size - 8 - n, path);
      return new SafetensorsReader(path, file, tensors, metadata, 8 + n);
    } catch (err) {
      file.close();
      throw err;
    }
  }

  /** Tensor names, sorted. */
  names(): string[] {
    return [...this.#tensors.keys()].sort();
  }

  /** Whether the file holds `name`. */
  has(name: string): boolean {
    return this.#tensors.has(name);
  }

  /** Header entry of `name`; throws if absent. */
  info(name: string): TensorInfo {
    const info = this.#tensors.get(name);
    if (!info) throw new Error(`${this.path}: tensor "${name}": missing`);
    return info;
  }

  /** The raw stored bytes of `name` (little-endian, its own dtype). */
  readBytes(name: string): Uint8Array {
    if (!this.#file) throw new Error(`${this.path}: reader is closed`);
    const { dataOffsets: [b, e] } = this.info(name);
    return readExact(this.#file, this.#dataStart + b, e - b, this.path);
  }

  /** `name` decoded to float32. */
  read(name: string): NamedTensor {
    const info = this.info(name);
    return { shape: [...info.shape], data: decodeToFloat32(this.readBytes(name), info.dtype) };
  }

  /** Close the file (idempotent). */
  close(): void {
    this.#file?.close();
    this.#file = null;
  }

  /** `using` support. */
  [Symbol.dispose](): void {
    this.close();
  }
}

/** Read every tensor of `path` (decoded to float32) and the metadata. */
export function readSafetensors(
  path: string,
): { tensors: Map<string, NamedTensor>; metadata: Record<string, string> | null } {
  const r = SafetensorsReader.open(path);
  try {
    const tensors = new Map<string, NamedTensor>();
    for (const name of r.names()) tensors.set(name, r.read(name));
    return { tensors, metadata: r.metadata };
  } finally {
    r.close();
  }
}

/**
 * The bytes of a safetensors file holding `tensors` as F32: names sorted,
 * data laid out in that order, header padded with spaces to a multiple of 8.
 */
export function encodeSafetensors(
  tensors: Map<string, NamedTensor> | Record<string, NamedTensor>,
  metadata?: Record<string, string>,
): Uint8Array {
  const entries = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of entries) {
    if (name === "__metadata__") {
      throw new Error(`safetensors: "__metadata__" is not a tensor name`);
    }
    const numel = t.shape.reduce((a, b) => a * b, 1);
    if (numel !== t.data.length) {
      throw new Error(
        `safetensors: tensor "${name}": shape [${t.shape}] has ${numel} elements, data ${t.data.length}`,
      );
    }
    header[name] = { dtype: "F32", shape: t.shape, data_offsets: [offset, offset + numel * 4] };
    offset += numel * 4;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + padded + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  let pos = 8 + padded;
  for (const [, t] of entries) {
    if (LITTLE_ENDIAN) {
      out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), pos);
    } else {
      const dv = new DataView(out.buffer, pos, t.data.byteLength);
      for (let i = 0; i < t.data.length; i++) dv.setFloat32(i * 4, t.data[i], true);
    }
    pos += t.data.byteLength;
  }
  return out;
}

/**
 * Write `tensors` to `path` as F32 safetensors (see {@linkcode encodeSafetensors}),
 * through a temporary file in the same directory and a rename.
 */
export function writeSafetensors(
  path: string,
  tensors: Map<string, NamedTensor> | Record<string, NamedTensor>,
  metadata?: Record<string, string>,
): void {
  writeFileAtomicSync(path, encodeSafetensors(tensors, metadata));
}

/** Write `bytes` to `path` via `path.<pid>.<n>.tmp` + rename (never a half-written file). */
export function writeFileAtomicSync(path: string, bytes: Uint8Array): void {
  const tmp = `${path}.${Deno.pid}.${++tmpCounter}.tmp`;
  try {
    Deno.writeFileSync(tmp, bytes, { createNew: true });
    Deno.renameSync(tmp, path);
  } catch (err) {
    try {
      Deno.removeSync(tmp);
    } catch { /* the temp file may not exist */ }
    throw err;
  }
}
let tmpCounter = 0;

/** Decode little-endian `bytes` of `dtype` to float32. */
export function decodeToFloat32(bytes: Uint8Array, dtype: SafetensorsDtype): Float32Array {
  if (dtype === "F32") {
    if (LITTLE_ENDIAN) {
      const out = new Float32Array(bytes.length / 4);
      new Uint8Array(out.buffer).set(bytes);
      return out;
    }
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return Float32Array.from({ length: bytes.length / 4 }, (_, i) => dv.getFloat32(i * 4, true));
  }
  const n = bytes.length / 2;
  const out = new Float32Array(n);
  if (dtype === "BF16") {
    const u32 = new Uint32Array(out.buffer);
    for (let i = 0; i < n; i++) u32[i] = (bytes[2 * i] | (bytes[2 * i + 1] << 8)) << 16;
    return out;
  }
  for (let i = 0; i < n; i++) out[i] = halfToFloat(bytes[2 * i] | (bytes[2 * i + 1] << 8));
  return out;
}

/** IEEE 754 half-precision bits to a number (exact). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Read exactly `len` bytes at `pos`. */
function readExact(file: Deno.FsFile, pos: number, len: number, path: string): Uint8Array {
  const buf = new Uint8Array(len);
  file.seekSync(pos, Deno.SeekMode.Start);
  let off = 0;
  while (off < len) {
    const n = file.readSync(buf.subarray(off));
    if (n === null || n === 0) {
      throw new Error(`${path}: unexpected end of file at byte ${pos + off}`);
    }
    off += n;
  }
  return buf;
}

/** Validate the header JSON against a data section of `dataLen` bytes. */
function parseHeader(
  text: string,
  dataLen: number,
  path: string,
): { tensors: Map<string, TensorInfo>; metadata: Record<string, string> | null } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${path}: header: invalid JSON: ${(err as Error).message.split("\n")[0]}`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new Error(`${path}: header: expected a JSON object`);
  }
  let metadata: Record<string, string> | null = null;
  const tensors = new Map<string, TensorInfo>();
  for (const [name, raw] of Object.entries(json as Record<string, unknown>)) {
    if (name === "__metadata__") {
      if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
        throw new Error(`${path}: header: field "__metadata__": expected an object of strings`);
      }
      for (const [k, v] of Object.entries(raw)) {
        if (typeof v !== "string") {
          throw new Error(`${path}: header: field "__metadata__.${k}": expected a string`);
        }
      }
      metadata = raw as Record<string, string>;
      continue;
    }
    const fail = (field: string, why: string): never => {
      throw new Error(`${path}: tensor "${name}": field "${field}": ${why}`);
    };
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      throw new Error(`${path}: tensor "${name}": expected an object`);
    }
    const e = raw as Record<string, unknown>;
    for (const k of Object.keys(e)) {
      if (k !== "dtype" && k !== "shape" && k !== "data_offsets") fail(k, "unknown key");
    }
    if (!("dtype" in e)) fail("dtype", "missing");
    if (!("shape" in e)) fail("shape", "missing");
    if (!("data_offsets" in e)) fail("data_offsets", "missing");
    const dtype = e.dtype;
    if (typeof dtype !== "string" || !(dtype in DTYPE_SIZE)) {
      fail("dtype", `unknown dtype ${JSON.stringify(dtype)}`);
    }
    if (dtype !== "F32" && dtype !== "F16" && dtype !== "BF16") {
      fail("dtype", `unsupported dtype ${dtype} (F32, F16, BF16 only)`);
    }
    const shape = e.shape;
    if (
      !Array.isArray(shape) ||
      shape.some((d) => typeof d !== "number" || !Number.isSafeInteger(d) || d < 0)
    ) {
      fail("shape", `expected an array of non-negative integers, got ${JSON.stringify(shape)}`);
    }
    const offs = e.data_offsets;
    if (
      !Array.isArray(offs) || offs.length !== 2 ||
      offs.some((d) => typeof d !== "number" || !Number.isSafeInteger(d) || d < 0)
    ) {
      fail("data_offsets", `expected [begin, end] integers, got ${JSON.stringify(offs)}`);
    }
    const [b, end] = offs as number[];
    if (b > end) fail("data_offsets", `begin ${b} > end ${end}`);
    if (end > dataLen) {
      fail("data_offsets", `end ${end} is past the data section (${dataLen} bytes)`);
    }
    const numel = (shape as number[]).reduce((a, d) => a * d, 1);
    const bytes = numel * DTYPE_SIZE[dtype as string];
    if (end - b !== bytes) {
      fail("data_offsets", `${end - b} bytes but shape [${shape}] of ${dtype} needs ${bytes}`);
    }
    tensors.set(name, {
      dtype: dtype as SafetensorsDtype,
      shape: shape as number[],
      dataOffsets: [b, end],
    });
  }
  // The data section must be covered exactly: no overlap, no hole.
  const sorted = [...tensors.entries()].sort((x, y) =>
    x[1].dataOffsets[0] - y[1].dataOffsets[0] || x[1].dataOffsets[1] - y[1].dataOffsets[1]
  );
  let expected = 0;
  for (const [name, info] of sorted) {
    const [b, e] = info.dataOffsets;
    if (b !== expected) {
      throw new Error(
        `${path}: tensor "${name}": field "data_offsets": begins at ${b}, expected ${expected} ` +
          `(${b < expected ? "overlaps the previous tensor" : "leaves a hole"})`,
      );
    }
    expected = e;
  }
  if (expected !== dataLen) {
    throw new Error(
      `${path}: header: tensors cover ${expected} bytes but the data section has ${dataLen}`,
    );
  }
  return { tensors, metadata };
}
