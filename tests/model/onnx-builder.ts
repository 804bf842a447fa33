import { closeSync, openSync, writeSync } from 'node:fs'

/**
 * A tiny hand-written ONNX (protobuf) encoder for tests: enough of ModelProto/GraphProto/NodeProto/
 * TensorProto/ValueInfoProto to build small float models without any Python or onnx package.
 */

type Field = Uint8Array

function varint(n: number): number[] {
  const out: number[] = []
  let v = n
  while (v >= 0x80) {
    out.push((v % 128) | 0x80)
    v = Math.floor(v / 128)
  }
  out.push(v)
  return out
}

const concat = (parts: readonly Uint8Array[]): Uint8Array => {
  const len = parts.reduce((s, p) => s + p.length, 0)
  const out = new Uint8Array(len)
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}

const tag = (field: number, wire: number) => varint(field * 8 + wire)
const fVarint = (field: number, n: number): Field => Uint8Array.from([...tag(field, 0), ...varint(n)])
const fBytes = (field: number, data: Uint8Array): Field => concat([Uint8Array.from([...tag(field, 2), ...varint(data.length)]), data])
const fString = (field: number, s: string): Field => fBytes(field, new TextEncoder().encode(s))
const fFloat = (field: number, v: number): Field => {
  const b = new Uint8Array(5)
  b[0] = field * 8 + 5
  new DataView(b.buffer).setFloat32(1, v, true)
  return b
}

export type Dim = number | string

export interface TensorSpec {
  name: string
  dims: number[]
  /** Float values (row-major). Omit with `zeros: true` for an all-zero tensor. */
  data?: Float32Array
  zeros?: boolean
  /** Int64 values instead of floats (shape tensors). */
  int64?: number[]
  /** Stored as ONNX external data (`data_location = EXTERNAL`) in this file, next to the model. */
  externalFile?: string
}

export type AttrValue = { i: number } | { f: number } | { ints: number[] } | { s: string }

export interface NodeSpec {
  op: string
  inputs: string[]
  outputs: string[]
  attrs?: Record<string, AttrValue>
  /** Encoded AttributeProtos added as they are (e.g. `graphAttribute` for If/Loop bodies). */
  rawAttrs?: Uint8Array[]
}

export interface ModelSpec {
  inputs: { name: string; shape: Dim[] | null; elemType?: number }[]
  outputs: { name: string; shape: Dim[] | null; elemType?: number }[]
  initializers?: TensorSpec[]
  nodes: NodeSpec[]
  opset?: number
  irVersion?: number
}

function tensor(t: TensorSpec): Uint8Array {
  if (t.externalFile !== undefined) {
    const entry = (k: string, v: string) => fBytes(13, concat([fString(1, k), fString(2, v)]))
    return concat([...t.dims.map((d) => fVarint(1, d)), fVarint(2, 1), fString(8, t.name), entry('location', t.externalFile), fVarint(14, 1)])
  }
  if (t.int64) {
    const raw = BigInt64Array.from(t.int64.map((v) => BigInt(v)))
    return concat([...t.dims.map((d) => fVarint(1, d)), fVarint(2, 7), fString(8, t.name), fBytes(9, new Uint8Array(raw.buffer))])
  }
  const count = t.dims.reduce((a, b) => a * b, 1)
  const data = t.data ?? new Float32Array(count)
  if (data.length !== count) throw new Error(`tensor ${t.name}: ${data.length} values for dims ${t.dims}`)
  return concat([
    ...t.dims.map((d) => fVarint(1, d)),
    fVarint(2, 1),
    fString(8, t.name),
    fBytes(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength)),
  ])
}

function attribute(name: string, v: AttrValue): Uint8Array {
  if ('i' in v) return concat([fString(1, name), fVarint(3, v.i), fVarint(20, 2)])
  if ('f' in v) return concat([fString(1, name), fFloat(2, v.f), fVarint(20, 1)])
  if ('s' in v) return concat([fString(1, name), fString(4, v.s), fVarint(20, 3)])
  return concat([fString(1, name), ...v.ints.map((x) => fVarint(8, x)), fVarint(20, 7)])
}

function valueInfo(name: string, shape: Dim[] | null, elemType = 1): Uint8Array {
  const parts = [fVarint(1, elemType)]
  if (shape) {
    parts.push(fBytes(2, concat(shape.map((d) => fBytes(1, typeof d === 'number' ? fVarint(1, d) : fString(2, d))))))
  }
  return concat([fString(1, name), fBytes(2, fBytes(1, concat(parts)))])
}

function node(n: NodeSpec, idx: number): Uint8Array {
  return fBytes(
    1,
    concat([
      ...n.inputs.map((i) => fString(1, i)),
      ...n.outputs.map((o) => fString(2, o)),
      fString(3, `n${idx}_${n.op}`),
      fString(4, n.op),
      ...Object.entries(n.attrs ?? {}).map(([k, v]) => fBytes(5, attribute(k, v))),
      ...(n.rawAttrs ?? []).map((a) => fBytes(5, a)),
    ]),
  )
}

/** A graph-valued AttributeProto (If/Loop bodies), for `NodeSpec.rawAttrs`. */
export function graphAttribute(name: string, spec: Pick<ModelSpec, 'inputs' | 'outputs' | 'initializers' | 'nodes'>): Uint8Array {
  return concat([fString(1, name), fBytes(6, graphBytes(spec)), fVarint(20, 5)])
}

function graphBytes(spec: Pick<ModelSpec, 'inputs' | 'outputs' | 'initializers' | 'nodes'>): Uint8Array {
  return concat([
    ...spec.nodes.map(node),
    fString(2, 'test-graph'),
    ...(spec.initializers ?? []).map((t) => fBytes(5, tensor(t))),
    ...spec.inputs.map((i) => fBytes(11, valueInfo(i.name, i.shape, i.elemType))),
    ...spec.outputs.map((o) => fBytes(12, valueInfo(o.name, o.shape, o.elemType))),
  ])
}

const modelHeader = (spec: Pick<ModelSpec, 'irVersion'>) => concat([fVarint(1, spec.irVersion ?? 8), fString(2, 'prompt-arena-tests')])
const modelOpset = (spec: Pick<ModelSpec, 'opset'>) => fBytes(8, concat([fString(1, ''), fVarint(2, spec.opset ?? 13)]))

/** Serialises a model to ONNX protobuf bytes. */
export function buildModel(spec: ModelSpec): Uint8Array {
  return concat([modelHeader(spec), fBytes(7, graphBytes(spec)), modelOpset(spec)])
}

/**
 * Writes `spec` to `path` with one more float initializer `name` of `floats` zeros, streamed in
 * 16 MiB pieces: a model as large as a real one, without holding it in memory.
 */
export function writeModelWithLargeInitializer(path: string, spec: ModelSpec, name: string, floats: number): void {
  const small = graphBytes(spec)
  const dataLen = floats * 4
  const tensorHead = concat([fVarint(1, floats), fVarint(2, 1), fString(8, name), Uint8Array.from([...tag(9, 2), ...varint(dataLen)])])
  const initHead = Uint8Array.from([...tag(5, 2), ...varint(tensorHead.length + dataLen)])
  const graphLen = small.length + initHead.length + tensorHead.length + dataLen
  const fd = openSync(path, 'w')
  try {
    writeSync(fd, concat([modelHeader(spec), Uint8Array.from([...tag(7, 2), ...varint(graphLen)]), small, initHead, tensorHead]))
    const piece = new Uint8Array(16 * 1024 * 1024)
    for (let left = dataLen; left > 0; left -= piece.length) writeSync(fd, piece, 0, Math.min(piece.length, left))
    writeSync(fd, modelOpset(spec))
  } finally {
    closeSync(fd)
  }
}

/** Deterministic pseudo-random floats in [-1, 1) (mulberry32). */
export function seededFloats(n: number, seed: number): Float32Array {
  let a = seed >>> 0
  const out = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1
  }
  return out
}

export const IMAGE_SIZE = 32
export const POOL = 8
/** Features after pooling: 3 channels × (32/8)² cells. */
export const POOLED = 3 * (IMAGE_SIZE / POOL) ** 2

/**
 * image [N,3,32,32] → AveragePool 8×8 → Flatten → MatMul W[48, outDim] → `emb` [N, outDim].
 * `heavyMatMuls` > 0 adds a chain of 1024×1024 MatMuls that depends on the input (so it cannot be
 * constant-folded) and is added to the output times zero: same result, much slower.
 * `expandFloats` > 0 adds an Expand of the input mean to that many floats (a memory hog).
 */
export function poolProjectModel(opts: { weights: Float32Array; outDim: number; declaredOut?: Dim[] | null; heavyMatMuls?: number; expandFloats?: number }): Uint8Array {
  const nodes: NodeSpec[] = [
    { op: 'AveragePool', inputs: ['image'], outputs: ['pooled'], attrs: { kernel_shape: { ints: [POOL, POOL] }, strides: { ints: [POOL, POOL] } } },
    { op: 'Flatten', inputs: ['pooled'], outputs: ['flat'], attrs: { axis: { i: 1 } } },
    { op: 'MatMul', inputs: ['flat', 'W'], outputs: ['proj'] },
  ]
  const initializers: TensorSpec[] = [{ name: 'W', dims: [POOLED, opts.outDim], data: opts.weights }, { name: 'zero', dims: [], data: new Float32Array([0]) }]
  const extras: string[] = []
  if (opts.heavyMatMuls || opts.expandFloats) {
    nodes.push({ op: 'ReduceMean', inputs: ['image'], outputs: ['m'], attrs: { keepdims: { i: 0 } } })
  }
  if (opts.heavyMatMuls) {
    initializers.push({ name: 'A', dims: [1024, 1024], zeros: true })
    nodes.push({ op: 'Mul', inputs: ['A', 'm'], outputs: ['h0'] })
    for (let i = 0; i < opts.heavyMatMuls; i++) nodes.push({ op: 'MatMul', inputs: [`h${i}`, 'h0'], outputs: [`h${i + 1}`] })
    nodes.push({ op: 'ReduceSum', inputs: [`h${opts.heavyMatMuls}`], outputs: ['hs'], attrs: { keepdims: { i: 0 } } })
    extras.push('hs')
  }
  if (opts.expandFloats) {
    initializers.push({ name: 'bigShape', dims: [1], int64: [opts.expandFloats] })
    nodes.push({ op: 'Expand', inputs: ['m', 'bigShape'], outputs: ['big'] })
    nodes.push({ op: 'ReduceSum', inputs: ['big'], outputs: ['bs'], attrs: { keepdims: { i: 0 } } })
    extras.push('bs')
  }
  let last = 'proj'
  extras.forEach((e, i) => {
    nodes.push({ op: 'Mul', inputs: [e, 'zero'], outputs: [`z${i}`] })
    nodes.push({ op: 'Add', inputs: [last, `z${i}`], outputs: [`acc${i}`] })
    last = `acc${i}`
  })
  nodes.push({ op: 'Identity', inputs: [last], outputs: ['emb'] })
  return buildModel({
    inputs: [{ name: 'image', shape: ['N', 3, IMAGE_SIZE, IMAGE_SIZE] }],
    outputs: [{ name: 'emb', shape: opts.declaredOut === undefined ? ['N', opts.outDim] : opts.declaredOut }],
    initializers,
    nodes,
  })
}

/**
 * The attack of issue 11: image [N,3,32,32] → the first `count` input values (raw pixels of the
 * first image with a 0-255 manifest, mean 0, std 1) cast to int64 → the target shape of a
 * Reshape of the image. ONNX Runtime refuses the shape and writes it, pixel values and all, into
 * its error message ("requested shape:{…}"). The output is poolProjectModel's, so the model
 * passes the upload check.
 */
export function pixelReshapeModel(weights: Float32Array, count = 4): Uint8Array {
  return buildModel({
    inputs: [{ name: 'image', shape: ['N', 3, IMAGE_SIZE, IMAGE_SIZE] }],
    outputs: [{ name: 'emb', shape: ['N', 384] }],
    initializers: [
      { name: 'W', dims: [POOLED, 384], data: weights },
      { name: 'zero', dims: [], data: new Float32Array([0]) },
      { name: 'starts', dims: [1], int64: [0] },
      { name: 'ends', dims: [1], int64: [count] },
      { name: 'axes', dims: [1], int64: [0] },
      { name: 'minus1', dims: [1], int64: [-1] },
    ],
    nodes: [
      { op: 'AveragePool', inputs: ['image'], outputs: ['pooled'], attrs: { kernel_shape: { ints: [POOL, POOL] }, strides: { ints: [POOL, POOL] } } },
      { op: 'Flatten', inputs: ['pooled'], outputs: ['flat'], attrs: { axis: { i: 1 } } },
      { op: 'MatMul', inputs: ['flat', 'W'], outputs: ['proj'] },
      { op: 'Reshape', inputs: ['image', 'minus1'], outputs: ['all'] },
      { op: 'Slice', inputs: ['all', 'starts', 'ends', 'axes'], outputs: ['px'] },
      { op: 'Cast', inputs: ['px'], outputs: ['shape'], attrs: { to: { i: 7 } } },
      { op: 'Reshape', inputs: ['image', 'shape'], outputs: ['leak'] },
      { op: 'ReduceSum', inputs: ['leak'], outputs: ['ls'], attrs: { keepdims: { i: 0 } } },
      { op: 'Mul', inputs: ['ls', 'zero'], outputs: ['z'] },
      { op: 'Add', inputs: ['proj', 'z'], outputs: ['emb'] },
    ],
  })
}
