/**
 * A small ONNX protobuf writer and composer: enough of ModelProto / GraphProto / NodeProto /
 * TensorProto / ValueInfoProto / AttributeProto to append nodes and initializers to an existing
 * model (the exported backbone) and write the result. Output bytes depend only on the inputs
 * (fields are written in a fixed order, floats as little-endian raw_data), so the same fitted
 * baseline always gives the same file.
 *
 * Field numbers are from onnx/onnx.proto3: ModelProto ir_version=1, producer_name=2,
 * producer_version=3, doc_string=6, graph=7, opset_import=8; GraphProto node=1, name=2,
 * initializer=5, input=11, output=12; NodeProto input=1, output=2, name=3, op_type=4, attribute=5;
 * AttributeProto name=1, f=2, i=3, s=4, ints=8, type=20; TensorProto dims=1, data_type=2, name=8,
 * raw_data=9; ValueInfoProto name=1, type=2; TypeProto tensor_type=1; TypeProto.Tensor elem_type=1,
 * shape=2; TensorShapeProto dim=1; Dimension dim_value=1, dim_param=2.
 */

const FLOAT = 1
const INT64 = 7

export type Dim = number | string

export type TensorInit =
  | { readonly name: string; readonly dims: readonly number[]; readonly float: Float32Array }
  | { readonly name: string; readonly dims: readonly number[]; readonly int64: readonly number[] }

export type AttrValue = { readonly i: number } | { readonly f: number } | { readonly ints: readonly number[] } | { readonly s: string }

export interface NodeDef {
  readonly op: string
  readonly inputs: readonly string[]
  readonly outputs: readonly string[]
  readonly name: string
  readonly attrs?: Readonly<Record<string, AttrValue>>
}

export interface ValueInfoDef {
  readonly name: string
  readonly shape: readonly Dim[]
  readonly elemType?: number
}

/** Byte sink that collects encoded pieces and concatenates them once. */
class Out {
  readonly parts: Uint8Array[] = []
  length = 0
  push(b: Uint8Array): void {
    this.parts.push(b)
    this.length += b.length
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(this.length)
    let o = 0
    for (const p of this.parts) {
      out.set(p, o)
      o += p.length
    }
    return out
  }
}

/** Varint of a non-negative integer up to 2^53, or a negative int64 (10 bytes, two's complement). */
function varint(n: number): Uint8Array {
  if (!Number.isInteger(n)) throw new Error(`varint of a non-integer ${n}`)
  if (n < 0) {
    let v = BigInt.asUintN(64, BigInt(n))
    const out: number[] = []
    while (v >= 0x80n) {
      out.push(Number(v & 0x7fn) | 0x80)
      v >>= 7n
    }
    out.push(Number(v))
    return Uint8Array.from(out)
  }
  const out: number[] = []
  let v = n
  while (v >= 0x80) {
    out.push((v % 128) | 0x80)
    v = Math.floor(v / 128)
  }
  out.push(v)
  return Uint8Array.from(out)
}

const utf8 = new TextEncoder()
const tag = (field: number, wire: number) => varint(field * 8 + wire)

function fVarint(out: Out, field: number, n: number): void {
  out.push(tag(field, 0))
  out.push(varint(n))
}
function fBytes(out: Out, field: number, data: Uint8Array): void {
  out.push(tag(field, 2))
  out.push(varint(data.length))
  out.push(data)
}
function fString(out: Out, field: number, s: string): void {
  fBytes(out, field, utf8.encode(s))
}
function fMessage(out: Out, field: number, build: (o: Out) => void): void {
  const inner = new Out()
  build(inner)
  fBytes(out, field, inner.bytes())
}

/** Little-endian bytes of a float32 array (a copy, independent of the platform's byte order). */
function floatBytes(a: Float32Array): Uint8Array {
  const out = new Uint8Array(a.length * 4)
  const view = new DataView(out.buffer)
  for (let i = 0; i < a.length; i++) view.setFloat32(i * 4, a[i], true)
  return out
}

function int64Bytes(a: readonly number[]): Uint8Array {
  const out = new Uint8Array(a.length * 8)
  const view = new DataView(out.buffer)
  a.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true))
  return out
}

export function encodeTensor(t: TensorInit): Uint8Array {
  const out = new Out()
  const count = t.dims.reduce((a, b) => a * b, 1)
  for (const d of t.dims) fVarint(out, 1, d)
  if ('float' in t) {
    if (t.float.length !== count) throw new Error(`tensor ${t.name}: ${t.float.length} values for dims [${t.dims.join(', ')}]`)
    fVarint(out, 2, FLOAT)
    fString(out, 8, t.name)
    fBytes(out, 9, floatBytes(t.float))
  } else {
    if (t.int64.length !== count) throw new Error(`tensor ${t.name}: ${t.int64.length} values for dims [${t.dims.join(', ')}]`)
    fVarint(out, 2, INT64)
    fString(out, 8, t.name)
    fBytes(out, 9, int64Bytes(t.int64))
  }
  return out.bytes()
}

function encodeAttribute(name: string, v: AttrValue): Uint8Array {
  const out = new Out()
  fString(out, 1, name)
  if ('i' in v) {
    fVarint(out, 3, v.i)
    fVarint(out, 20, 2)
  } else if ('f' in v) {
    const b = new Uint8Array(4)
    new DataView(b.buffer).setFloat32(0, v.f, true)
    out.push(tag(2, 5))
    out.push(b)
    fVarint(out, 20, 1)
  } else if ('s' in v) {
    fString(out, 4, v.s)
    fVarint(out, 20, 3)
  } else {
    for (const x of v.ints) fVarint(out, 8, x)
    fVarint(out, 20, 7)
  }
  return out.bytes()
}

export function encodeNode(n: NodeDef): Uint8Array {
  const out = new Out()
  for (const i of n.inputs) fString(out, 1, i)
  for (const o of n.outputs) fString(out, 2, o)
  fString(out, 3, n.name)
  fString(out, 4, n.op)
  // Attributes in name order, so the bytes do not depend on how the caller built the object.
  for (const k of Object.keys(n.attrs ?? {}).sort()) fBytes(out, 5, encodeAttribute(k, (n.attrs ?? {})[k]))
  return out.bytes()
}

export function encodeValueInfo(v: ValueInfoDef): Uint8Array {
  const out = new Out()
  fString(out, 1, v.name)
  fMessage(out, 2, (type) =>
    fMessage(type, 1, (tensor) => {
      fVarint(tensor, 1, v.elemType ?? FLOAT)
      fMessage(tensor, 2, (shape) => {
        for (const d of v.shape) fMessage(shape, 1, (dim) => (typeof d === 'number' ? fVarint(dim, 1, d) : fString(dim, 2, d)))
      })
    }),
  )
  return out.bytes()
}

/** One top-level field of a protobuf message: number, wire type and the raw bytes it spans. */
interface RawField {
  readonly field: number
  readonly wire: number
  /** The whole field (tag included), to copy it unchanged. */
  readonly raw: Uint8Array
  /** The payload of a length-delimited field. */
  readonly payload: Uint8Array
}

function readVarint(buf: Uint8Array, pos: number): [number, number] {
  let result = 0
  let mul = 1
  for (let i = 0; i < 10; i++) {
    if (pos >= buf.length) throw new Error('truncated varint in ONNX model')
    const b = buf[pos++]
    result += (b & 0x7f) * mul
    mul *= 128
    if ((b & 0x80) === 0) return [result, pos]
  }
  throw new Error('varint longer than 10 bytes in ONNX model')
}

/** Splits a message into its top-level fields, in order. */
export function scanFields(buf: Uint8Array): RawField[] {
  const out: RawField[] = []
  let pos = 0
  while (pos < buf.length) {
    const start = pos
    const [t, p1] = readVarint(buf, pos)
    pos = p1
    const field = Math.floor(t / 8)
    const wire = t & 7
    let payloadStart = pos
    if (wire === 0) pos = readVarint(buf, pos)[1]
    else if (wire === 1) pos += 8
    else if (wire === 5) pos += 4
    else if (wire === 2) {
      const [len, p2] = readVarint(buf, pos)
      payloadStart = p2
      pos = p2 + len
    } else throw new Error(`unsupported wire type ${wire} in ONNX model`)
    if (pos > buf.length) throw new Error('ONNX model is truncated')
    out.push({ field, wire, raw: buf.subarray(start, pos), payload: buf.subarray(payloadStart, pos) })
  }
  return out
}

const utf8Decode = new TextDecoder()

/** Re-encodes a NodeProto with its input names mapped through `rename` (other fields copied). */
function renameNodeInputs(node: Uint8Array, rename: ReadonlyMap<string, string>): Uint8Array {
  const fields = scanFields(node)
  if (!fields.some((f) => f.field === 1 && f.wire === 2 && rename.has(utf8Decode.decode(f.payload)))) return node
  const out = new Out()
  for (const f of fields) {
    if (f.field === 1 && f.wire === 2) {
      const name = utf8Decode.decode(f.payload)
      fString(out, 1, rename.get(name) ?? name)
    } else out.push(f.raw)
  }
  return out.bytes()
}

export interface ComposeSpec {
  /** Base model's graph-input names to rename inside its nodes (e.g. image → the TTA batch). */
  readonly renameInputs: ReadonlyMap<string, string>
  /** Nodes placed before the base graph's nodes (they feed it). */
  readonly preNodes: readonly NodeDef[]
  /** Nodes placed after the base graph's nodes (they read its outputs). */
  readonly postNodes: readonly NodeDef[]
  readonly initializers: readonly TensorInit[]
  /** Replace the base graph's inputs and outputs. */
  readonly inputs: readonly ValueInfoDef[]
  readonly outputs: readonly ValueInfoDef[]
  readonly producerName: string
  readonly producerVersion: string
  readonly docString: string
}

/**
 * A new ModelProto: the base model with its graph's inputs and outputs replaced, `preNodes`
 * before and `postNodes` after its nodes, extra initializers appended; ir_version and opset
 * imports are the base model's; producer and doc string are replaced.
 */
export function composeModel(base: Uint8Array, spec: ComposeSpec): Uint8Array {
  const top = scanFields(base)
  const graphField = top.find((f) => f.field === 7 && f.wire === 2)
  if (!graphField) throw new Error('base ONNX model has no graph')
  const graph = new Out()
  for (const n of spec.preNodes) fBytes(graph, 1, encodeNode(n))
  for (const f of scanFields(graphField.payload)) {
    if (f.field === 11 || f.field === 12) continue
    if (f.field === 1 && f.wire === 2) fBytes(graph, 1, renameNodeInputs(f.payload, spec.renameInputs))
    else graph.push(f.raw)
  }
  for (const n of spec.postNodes) fBytes(graph, 1, encodeNode(n))
  for (const t of spec.initializers) fBytes(graph, 5, encodeTensor(t))
  for (const i of spec.inputs) fBytes(graph, 11, encodeValueInfo(i))
  for (const o of spec.outputs) fBytes(graph, 12, encodeValueInfo(o))
  const model = new Out()
  for (const f of top) {
    if (f.field === 7) fBytes(model, 7, graph.bytes())
    else if (f.field === 2 || f.field === 3 || f.field === 6) continue
    else model.push(f.raw)
  }
  fString(model, 2, spec.producerName)
  fString(model, 3, spec.producerVersion)
  fString(model, 6, spec.docString)
  return model.bytes()
}
