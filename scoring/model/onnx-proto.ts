/**
 * A minimal, streaming reader for the parts of an ONNX `ModelProto` that validation needs: IR
 * version, opset imports, the main graph's inputs/outputs (names, element types, shapes) and
 * initializer names (older exporters list weights among the graph inputs), the op types of every
 * node (subgraphs and functions included), and whether any tensor keeps its data outside the file.
 *
 * It reads through a small window (64 KiB chunks) and seeks past every field it does not need,
 * so tensor data is never read: checking a 1 GB model reads its few kilobytes of structure and
 * holds about one chunk in memory.
 *
 * Field numbers are from onnx/onnx.proto3 (ModelProto: ir_version=1, graph=7, opset_import=8,
 * functions=25; GraphProto: node=1, initializer=5, input=11, output=12, sparse_initializer=15;
 * NodeProto: op_type=4, attribute=5; AttributeProto: t=5, g=6, tensors=10, graphs=11,
 * sparse_tensor=22, sparse_tensors=23; FunctionProto: node=7; ValueInfoProto: name=1, type=2;
 * TypeProto: tensor_type=1; Tensor: elem_type=1, shape=2; TensorShapeProto: dim=1; Dimension:
 * dim_value=1, dim_param=2; OperatorSetIdProto: domain=1, version=2; TensorProto: name=8,
 * external_data=13, data_location=14 (EXTERNAL=1); SparseTensorProto: values=1, indices=2).
 */
import { open } from 'node:fs/promises'

export type OnnxDim = number | string

export interface OnnxValueInfo {
  readonly name: string
  /** TensorProto.DataType (1 = FLOAT); 0 when the type is not a tensor or unspecified. */
  readonly elemType: number
  /** null when the graph declares no shape. Symbolic dims are their names ('?' when unnamed). */
  readonly shape: readonly OnnxDim[] | null
}

export interface OnnxModelInfo {
  readonly irVersion: number
  readonly opsets: readonly { readonly domain: string; readonly version: number }[]
  readonly inputs: readonly OnnxValueInfo[]
  readonly outputs: readonly OnnxValueInfo[]
  readonly initializerNames: ReadonlySet<string>
  /** Nodes of the main graph. */
  readonly nodeCount: number
  /** Op types of all nodes: main graph, subgraphs (If/Loop/Scan bodies) and model-local functions. */
  readonly opTypes: ReadonlySet<string>
  /** Name of the first tensor stored as ONNX external data (`data_location = EXTERNAL`), if any. */
  readonly externalData: string | null
}

export type ParseOnnxResult = { ok: true; info: OnnxModelInfo } | { ok: false; message: string }

class ProtoError extends Error {}

const utf8 = new TextDecoder('utf-8', { fatal: false })
const CHUNK = 64 * 1024
/** Names, op types and domains are short; a longer one is refused rather than buffered. */
const MAX_STRING = 1024 * 1024
/** If/Loop bodies nest graphs in graphs; deeper than this is refused (no real model comes close). */
const MAX_DEPTH = 64

/** Random-access bytes: a file or a buffer. */
interface Source {
  readonly size: number
  read(pos: number, length: number): Promise<Uint8Array>
}

/** A window over the source; `ensure` makes [pos, pos + n) readable with `at`. */
class Window {
  private buf: Uint8Array = new Uint8Array(0)
  private start = 0
  constructor(private readonly src: Source) {}

  async ensure(pos: number, n: number): Promise<void> {
    if (pos >= this.start && pos + n <= this.start + this.buf.length) return
    const want = Math.min(Math.max(n, CHUNK), this.src.size - pos)
    this.buf = await this.src.read(pos, want)
    this.start = pos
    if (this.buf.length < n) throw new ProtoError('file ends early')
  }

  at(pos: number): number {
    return this.buf[pos - this.start]
  }

  slice(pos: number, n: number): Uint8Array {
    return this.buf.subarray(pos - this.start, pos - this.start + n)
  }
}

/** Cursor over one protobuf message: [pos, end) of the source. */
class Reader {
  constructor(
    private readonly w: Window,
    public pos: number,
    readonly end: number,
  ) {}

  get done(): boolean {
    return this.pos >= this.end
  }

  async varint(): Promise<number> {
    await this.w.ensure(this.pos, Math.min(10, this.end - this.pos))
    let result = 0
    let mul = 1
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new ProtoError('truncated varint')
      const b = this.w.at(this.pos++)
      // Beyond 2^53 precision is lost; such values only appear in fields we do not interpret.
      result += (b & 0x7f) * mul
      mul *= 128
      if ((b & 0x80) === 0) return result
    }
    throw new ProtoError('varint longer than 10 bytes')
  }

  /** Reads a tag, returning field number and wire type. */
  async tag(): Promise<{ field: number; wire: number }> {
    const t = await this.varint()
    const field = Math.floor(t / 8)
    if (field === 0) throw new ProtoError('field number 0')
    return { field, wire: t & 7 }
  }

  /** Returns [start, end) of a length-delimited field and moves past it (without reading it). */
  async bytes(): Promise<[number, number]> {
    const len = await this.varint()
    const start = this.pos
    const end = start + len
    if (end > this.end) throw new ProtoError(`length-delimited field runs past its message (${len} bytes)`)
    this.pos = end
    return [start, end]
  }

  async string(): Promise<string> {
    const [s, e] = await this.bytes()
    if (e - s > MAX_STRING) throw new ProtoError(`a name of ${e - s} bytes (at most ${MAX_STRING})`)
    await this.w.ensure(s, e - s)
    return utf8.decode(this.w.slice(s, e - s))
  }

  async skip(wire: number): Promise<void> {
    switch (wire) {
      case 0:
        await this.varint()
        return
      case 1:
        return this.advance(8)
      case 2:
        await this.bytes()
        return
      case 5:
        return this.advance(4)
      default:
        throw new ProtoError(`unsupported wire type ${wire}`)
    }
  }

  private advance(n: number): void {
    if (this.pos + n > this.end) throw new ProtoError('truncated fixed-width field')
    this.pos += n
  }

  async sub(): Promise<Reader> {
    const [s, e] = await this.bytes()
    return new Reader(this.w, s, e)
  }
}

function expectWire(wire: number, want: number, what: string): void {
  if (wire !== want) throw new ProtoError(`${what} has wire type ${wire}, expected ${want}`)
}

async function readDim(r: Reader): Promise<OnnxDim> {
  let dim: OnnxDim = '?'
  while (!r.done) {
    const { field, wire } = await r.tag()
    if (field === 1 && wire === 0) dim = await r.varint()
    else if (field === 2 && wire === 2) dim = (await r.string()) || '?'
    else await r.skip(wire)
  }
  return dim
}

async function readTensorType(r: Reader): Promise<{ elemType: number; shape: OnnxDim[] | null }> {
  let elemType = 0
  let shape: OnnxDim[] | null = null
  while (!r.done) {
    const { field, wire } = await r.tag()
    if (field === 1 && wire === 0) elemType = await r.varint()
    else if (field === 2 && wire === 2) {
      const s = await r.sub()
      shape = []
      while (!s.done) {
        const t = await s.tag()
        if (t.field === 1 && t.wire === 2) shape.push(await readDim(await s.sub()))
        else await s.skip(t.wire)
      }
    } else await r.skip(wire)
  }
  return { elemType, shape }
}

async function readValueInfo(r: Reader): Promise<OnnxValueInfo> {
  let name = ''
  let elemType = 0
  let shape: OnnxDim[] | null = null
  while (!r.done) {
    const { field, wire } = await r.tag()
    if (field === 1 && wire === 2) name = await r.string()
    else if (field === 2 && wire === 2) {
      const t = await r.sub()
      while (!t.done) {
        const tt = await t.tag()
        if (tt.field === 1 && tt.wire === 2) ({ elemType, shape } = await readTensorType(await t.sub()))
        else await t.skip(tt.wire)
      }
    } else await r.skip(wire)
  }
  return { name, elemType, shape }
}

/** What the walk over graphs collects besides the main graph's interface. */
interface Collected {
  opTypes: Set<string>
  externalData: string | null
}

/** A TensorProto: its name, noting external data. */
async function readTensor(r: Reader, c: Collected): Promise<string> {
  let name = ''
  let external = false
  while (!r.done) {
    const { field, wire } = await r.tag()
    if (field === 8 && wire === 2) name = await r.string()
    else if (field === 14 && wire === 0) {
      // Read first: `external ||= await …` would skip the read and lose the field's bytes.
      const location = await r.varint()
      if (location === 1) external = true
    } else if (field === 13 && wire === 2) {
      external = true
      await r.skip(wire)
    } else await r.skip(wire)
  }
  if (external) c.externalData ??= name || '(unnamed)'
  return name
}

async function readSparseTensor(r: Reader, c: Collected): Promise<void> {
  while (!r.done) {
    const { field, wire } = await r.tag()
    if ((field === 1 || field === 2) && wire === 2) await readTensor(await r.sub(), c)
    else await r.skip(wire)
  }
}

async function readNode(r: Reader, c: Collected, depth: number): Promise<void> {
  while (!r.done) {
    const { field, wire } = await r.tag()
    if (field === 4 && wire === 2) c.opTypes.add(await r.string())
    else if (field === 5 && wire === 2) {
      const a = await r.sub()
      while (!a.done) {
        const t = await a.tag()
        if ((t.field === 5 || t.field === 10) && t.wire === 2) await readTensor(await a.sub(), c)
        else if ((t.field === 6 || t.field === 11) && t.wire === 2) await readGraph(await a.sub(), c, depth + 1)
        else if ((t.field === 22 || t.field === 23) && t.wire === 2) await readSparseTensor(await a.sub(), c)
        else await a.skip(t.wire)
      }
    } else await r.skip(wire)
  }
}

interface GraphInterface {
  inputs: OnnxValueInfo[]
  outputs: OnnxValueInfo[]
  initializerNames: Set<string>
  nodeCount: number
}

async function readGraph(r: Reader, c: Collected, depth: number): Promise<GraphInterface> {
  if (depth > MAX_DEPTH) throw new ProtoError(`graphs nested deeper than ${MAX_DEPTH}`)
  const g: GraphInterface = { inputs: [], outputs: [], initializerNames: new Set(), nodeCount: 0 }
  while (!r.done) {
    const { field, wire } = await r.tag()
    if (field === 1 && wire === 2) {
      g.nodeCount++
      await readNode(await r.sub(), c, depth)
    } else if (field === 5 && wire === 2) g.initializerNames.add(await readTensor(await r.sub(), c))
    else if (field === 15 && wire === 2) await readSparseTensor(await r.sub(), c)
    else if (field === 11 && wire === 2) g.inputs.push(await readValueInfo(await r.sub()))
    else if (field === 12 && wire === 2) g.outputs.push(await readValueInfo(await r.sub()))
    else await r.skip(wire)
  }
  return g
}

async function readModel(src: Source): Promise<ParseOnnxResult> {
  try {
    const r = new Reader(new Window(src), 0, src.size)
    const c: Collected = { opTypes: new Set(), externalData: null }
    let irVersion = 0
    const opsets: { domain: string; version: number }[] = []
    let graph: GraphInterface | null = null
    while (!r.done) {
      const { field, wire } = await r.tag()
      if (field === 1) {
        expectWire(wire, 0, 'ModelProto.ir_version')
        irVersion = await r.varint()
      } else if (field === 7) {
        expectWire(wire, 2, 'ModelProto.graph')
        graph = await readGraph(await r.sub(), c, 0)
      } else if (field === 8) {
        expectWire(wire, 2, 'ModelProto.opset_import')
        const o = await r.sub()
        let domain = ''
        let version = 0
        while (!o.done) {
          const t = await o.tag()
          if (t.field === 1 && t.wire === 2) domain = await o.string()
          else if (t.field === 2 && t.wire === 0) version = await o.varint()
          else await o.skip(t.wire)
        }
        opsets.push({ domain, version })
      } else if (field === 25 && wire === 2) {
        const f = await r.sub()
        while (!f.done) {
          const t = await f.tag()
          if (t.field === 7 && t.wire === 2) await readNode(await f.sub(), c, 1)
          else await f.skip(t.wire)
        }
      } else await r.skip(wire)
    }
    if (!graph) return { ok: false, message: 'no graph found (is this an ONNX ModelProto?)' }
    if (irVersion === 0) return { ok: false, message: 'no ir_version found (is this an ONNX ModelProto?)' }
    return { ok: true, info: { irVersion, opsets, ...graph, opTypes: c.opTypes, externalData: c.externalData } }
  } catch (err) {
    if (err instanceof ProtoError) return { ok: false, message: err.message }
    throw err
  }
}

/** Parses the structure of a serialized ONNX ModelProto held in memory. Never throws. */
export function parseOnnxModel(buf: Uint8Array): Promise<ParseOnnxResult> {
  return readModel({ size: buf.length, read: async (pos, length) => buf.subarray(pos, pos + length) })
}

/**
 * Parses the structure of the ONNX model in a file, reading only what it needs (bounded memory).
 * Throws only when the file cannot be opened or read.
 */
export async function readOnnxFile(path: string): Promise<ParseOnnxResult> {
  const fh = await open(path, 'r')
  try {
    const { size } = await fh.stat()
    return await readModel({
      size,
      read: async (pos, length) => {
        const out = new Uint8Array(length)
        let off = 0
        while (off < length) {
          const { bytesRead } = await fh.read(out, off, length - off, pos + off)
          if (bytesRead === 0) break
          off += bytesRead
        }
        return out.subarray(0, off)
      },
    })
  } finally {
    await fh.close()
  }
}
