/**
 * Truth vectors in shared memory, so parse workers read them without a 24 MB copy each.
 * Truths decoded from a file are already shared (truth-file.ts); others are copied once and
 * cached per vector array.
 */
const copies = new WeakMap<Float32Array, Float32Array>()

export function sharedVectors(vectors: Float32Array): Float32Array {
  if (vectors.buffer instanceof SharedArrayBuffer) return vectors
  let copy = copies.get(vectors)
  if (!copy) {
    copy = new Float32Array(new SharedArrayBuffer(vectors.byteLength))
    copy.set(vectors)
    copies.set(vectors, copy)
  }
  return copy
}
