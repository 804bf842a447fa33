/**
 * Binary truth file (`.truth`), how the platform stores a test set's answer key.
 * Everything is in one file so ids and vectors can never drift apart:
 *
 *   offset  size         field
 *   0       8            magic "ARENATR\0"
 *   8       4  u32 LE    version (1)
 *   12      4  u32 LE    count   (number of images)
 *   16      4  u32 LE    dim
 *   20      4  u32 LE    idBytes (length of the id block)
 *   24      idBytes      ids, UTF-8, joined by "\n" (ids never contain a newline)
 *   …       count        isPublic, one byte per image (1 = public)
 *   …       0-3          zero padding to a multiple of 4
 *   …       count*dim*4  vectors, float32 LE, row-major
 */
import { readFile, writeFile } from 'node:fs/promises'
import type { Truth } from './truth.ts'

const MAGIC = 'ARENATR\0'
const VERSION = 1
const HEADER = 24

export function encodeTruth(truth: Truth): Uint8Array {
  for (const id of truth.ids) if (id.includes('\n')) throw new Error(`truth id contains a newline: ${JSON.stringify(id)}`)
  const idBlock = new TextEncoder().encode(truth.ids.join('\n'))
  const count = truth.ids.length
  const vecStart = align4(HEADER + idBlock.length + count)
  const out = new Uint8Array(vecStart + count * truth.dim * 4)
  const view = new DataView(out.buffer)
  for (let i = 0; i < 8; i++) out[i] = MAGIC.charCodeAt(i)
  view.setUint32(8, VERSION, true)
  view.setUint32(12, count, true)
  view.setUint32(16, truth.dim, true)
  view.setUint32(20, idBlock.length, true)
  out.set(idBlock, HEADER)
  out.set(truth.isPublic, HEADER + idBlock.length)
  for (let i = 0; i < truth.vectors.length; i++) view.setFloat32(vecStart + i * 4, truth.vectors[i], true)
  return out
}

export function decodeTruth(bytes: Uint8Array): Truth {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (bytes.length < HEADER) throw new Error('truth file too short')
  for (let i = 0; i < 8; i++) if (bytes[i] !== MAGIC.charCodeAt(i)) throw new Error('not a truth file (bad magic)')
  const version = view.getUint32(8, true)
  if (version !== VERSION) throw new Error(`unsupported truth file version ${version}`)
  const count = view.getUint32(12, true)
  const dim = view.getUint32(16, true)
  const idBytes = view.getUint32(20, true)
  const vecStart = align4(HEADER + idBytes + count)
  if (bytes.length !== vecStart + count * dim * 4) throw new Error('truth file has the wrong length')
  const idText = new TextDecoder().decode(bytes.subarray(HEADER, HEADER + idBytes))
  const ids = count === 0 ? [] : idText.split('\n')
  if (ids.length !== count) throw new Error(`truth file lists ${ids.length} ids, header says ${count}`)
  const isPublic = bytes.slice(HEADER + idBytes, HEADER + idBytes + count)
  // Shared memory: scoring threads then read the vectors in place (shared-truth.ts).
  const vectors = new Float32Array(new SharedArrayBuffer(count * dim * 4))
  for (let i = 0; i < vectors.length; i++) vectors[i] = view.getFloat32(vecStart + i * 4, true)
  return { ids, dim, vectors, isPublic }
}

export async function writeTruthFile(path: string, truth: Truth): Promise<void> {
  await writeFile(path, encodeTruth(truth))
}

export async function readTruthFile(path: string): Promise<Truth> {
  return decodeTruth(await readFile(path))
}

function align4(n: number): number {
  return (n + 3) & ~3
}
