/**
 * A minimal reader for the parts of an ONNX `ModelProto` that validation needs: IR version,
 * opset imports and the graph's inputs/outputs (names, element types, shapes), plus initializer
 * names (older exporters list weights among the graph inputs). Large fields such as tensor data
 * are skipped by length, so parsing a 1 GB file is a fast scan, not a decode.
 *
 * Field numbers are from onnx/onnx.proto3 (ModelProto: ir_version=1, graph=7, opset_import=8;
 * GraphProto: initializer=5, input=11, output=12; ValueInfoProto: name=1, type=2; TypeProto:
 * tensor_type=1; Tensor: elem_type=1, shape=2; TensorShapeProto: dim=1; Dimension: dim_value=1,
 * dim_param=2; OperatorSetIdProto: domain=1, version=2; TensorProto: name=8).
 */

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
  readonly nodeCount: number
}

export type ParseOnnxResult = { ok: true; info: OnnxModelInfo } | { ok: false; message: string }

class ProtoError extends Error {}

const utf8 = new TextDecoder('utf-8', { fatal: false })

/** Cursor over one protobuf message (a sub-range of the buffer). */
class Reader {
  pos: number
  constructor(
    readonly buf: Uint8Array,
    start: number,
    readonly end: number,
  ) {
    this.pos = start
  }

  get done(): boolean {
    return this.pos >= this.end
  }

  varint(): number {
    let result = 0
    let mul = 1
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new ProtoError('truncated varint')
      const b = this.buf[this.pos++]
      // Beyond 2^53 precision is lost; such values only appear in fields we do not interpret.
      result += (b & 0x7f) * mul
      mul *= 128
      if ((b & 0x80) === 0) return result
    }
    throw new ProtoError('varint longer than 10 bytes')
  }

  /** Reads a tag, returning field number and wire type. */
  tag(): { field: number; wire: number } {
    const t = this.varint()
    const field = Math.floor(t / 8)
    if (field === 0) throw new ProtoError('field number 0')
    return { field, wire: t & 7 }
  }

  /** Returns [start, end) of a length-delimited field and advances past it. */
  bytes(): [number, number] {
    const len = this.varint()
    const start = this.pos
    const end = start + len
    if (end > this.end) throw new ProtoError(`length-delimited field runs past its message (${len} bytes)`)
    this.pos = end
    return [start, end]
  }

  string(): string {
    const [s, e] = this.bytes()
    return utf8.decode(this.buf.subarray(s, e))
  }

  skip(wire: number): void {
    switch (wire) {
      case 0:
        this.varint()
        return
      case 1:
        this.advance(8)
        return
      case 2:
        this.bytes()
        return
      case 5:
        this.advance(4)
        return
      default:
        throw new ProtoError(`unsupported wire type ${wire}`)
    }
  }

  private advance(n: number): void {
    if (this.pos + n > this.end) throw new ProtoError('truncated fixed-width field')
    this.pos += n
  }

  sub(): Reader {
    const [s, e] = this.bytes()
    return new Reader(this.buf, s, e)
  }
}

function expectWire(wire: number, want: number, what: string): void {
  if (wire !== want) throw new ProtoError(`${what} has wire type ${wire}, expected ${want}`)
}

function readDim(r: Reader): OnnxDim {
  let dim: OnnxDim = '?'
  while (!r.done) {
    const { field, wire } = r.tag()
    if (field === 1 && wire === 0) dim = r.varint()
    else if (field === 2 && wire === 2) dim = r.string() || '?'
    else r.skip(wire)
  }
  return dim
}

function readTensorType(r: Reader): { elemType: number; shape: OnnxDim[] | null } {
  let elemType = 0
  let shape: OnnxDim[] | null = null
  while (!r.done) {
    const { field, wire } = r.tag()
    if (field === 1 && wire === 0) elemType = r.varint()
    else if (field === 2 && wire === 2) {
      const s = r.sub()
      shape = []
      while (!s.done) {
        const t = s.tag()
        if (t.field === 1 && t.wire === 2) shape.push(readDim(s.sub()))
        else s.skip(t.wire)
      }
    } else r.skip(wire)
  }
  return { elemType, shape }
}

function readValueInfo(r: Reader): OnnxValueInfo {
  let name = ''
  let elemType = 0
  let shape: OnnxDim[] | null = null
  while (!r.done) {
    const { field, wire } = r.tag()
    if (field === 1 && wire === 2) name = r.string()
    else if (field === 2 && wire === 2) {
      const t = r.sub()
      while (!t.done) {
        const tt = t.tag()
        if (tt.field === 1 && tt.wire === 2) ({ elemType, shape } = readTensorType(t.sub()))
        else t.skip(tt.wire)
      }
    } else r.skip(wire)
  }
  return { name, elemType, shape }
}

function readInitializerName(r: Reader): string {
  let name = ''
  while (!r.done) {
    const { field, wire } = r.tag()
    if (field === 8 && wire === 2) name = r.string()
    else r.skip(wire)
  }
  return name
}

/** Parses the header parts of a serialized ONNX ModelProto. Never throws. */
export function parseOnnxModel(buf: Uint8Array): ParseOnnxResult {
  try {
    const r = new Reader(buf, 0, buf.length)
    let irVersion = 0
    const opsets: { domain: string; version: number }[] = []
    let graph: Reader | null = null
    while (!r.done) {
      const { field, wire } = r.tag()
      if (field === 1) {
        expectWire(wire, 0, 'ModelProto.ir_version')
        irVersion = r.varint()
      } else if (field === 7) {
        expectWire(wire, 2, 'ModelProto.graph')
        graph = r.sub()
      } else if (field === 8) {
        expectWire(wire, 2, 'ModelProto.opset_import')
        const o = r.sub()
        let domain = ''
        let version = 0
        while (!o.done) {
          const t = o.tag()
          if (t.field === 1 && t.wire === 2) domain = o.string()
          else if (t.field === 2 && t.wire === 0) version = o.varint()
          else o.skip(t.wire)
        }
        opsets.push({ domain, version })
      } else r.skip(wire)
    }
    if (!graph) return { ok: false, message: 'no graph found (is this an ONNX ModelProto?)' }
    if (irVersion === 0) return { ok: false, message: 'no ir_version found (is this an ONNX ModelProto?)' }
    const inputs: OnnxValueInfo[] = []
    const outputs: OnnxValueInfo[] = []
    const initializerNames = new Set<string>()
    let nodeCount = 0
    while (!graph.done) {
      const { field, wire } = graph.tag()
      if (field === 1 && wire === 2) {
        nodeCount++
        graph.skip(wire)
      } else if (field === 5 && wire === 2) initializerNames.add(readInitializerName(graph.sub()))
      else if (field === 11 && wire === 2) inputs.push(readValueInfo(graph.sub()))
      else if (field === 12 && wire === 2) outputs.push(readValueInfo(graph.sub()))
      else graph.skip(wire)
    }
    return { ok: true, info: { irVersion, opsets, inputs, outputs, initializerNames, nodeCount } }
  } catch (err) {
    if (err instanceof ProtoError) return { ok: false, message: err.message }
    throw err
  }
}
