/**
 * Image id bytes → truth index, without making a JS string per row.
 * Open addressing over an FNV-1a hash of the UTF-8 bytes; ids are compared byte for byte,
 * so lookups are exact and case-sensitive.
 */
export class IdIndex {
  private readonly keys: Uint8Array
  private readonly offsets: Int32Array
  private readonly table: Int32Array
  private readonly mask: number

  constructor(ids: readonly string[]) {
    const enc = new TextEncoder()
    const parts = ids.map((id) => enc.encode(id))
    const total = parts.reduce((n, p) => n + p.length, 0)
    this.keys = new Uint8Array(total)
    this.offsets = new Int32Array(ids.length + 1)
    let off = 0
    parts.forEach((p, i) => {
      this.keys.set(p, off)
      this.offsets[i] = off
      off += p.length
    })
    this.offsets[ids.length] = off
    let size = 16
    while (size < ids.length * 2) size *= 2
    this.mask = size - 1
    this.table = new Int32Array(size).fill(-1)
    for (let i = 0; i < ids.length; i++) {
      const s = this.offsets[i]
      const e = this.offsets[i + 1]
      if (this.lookup(this.keys, s, e) !== -1) throw new Error(`duplicate truth id '${ids[i]}'`)
      let h = hashBytes(this.keys, s, e) & this.mask
      while (this.table[h] !== -1) h = (h + 1) & this.mask
      this.table[h] = i
    }
  }

  /** Index of the id spelled by `b[start, end)`, or -1. */
  lookup(b: Uint8Array, start: number, end: number): number {
    return this.lookupHashed(b, start, end, hashBytes(b, start, end))
  }

  /** Same, with `hash = hashBytes(b, start, end)` already computed by the caller's scan. */
  lookupHashed(b: Uint8Array, start: number, end: number, hash: number): number {
    const len = end - start
    let h = hash & this.mask
    for (;;) {
      const idx = this.table[h]
      if (idx === -1) return -1
      const ks = this.offsets[idx]
      if (this.offsets[idx + 1] - ks === len) {
        let j = 0
        while (j < len && this.keys[ks + j] === b[start + j]) j++
        if (j === len) return idx
      }
      h = (h + 1) & this.mask
    }
  }
}

export function hashBytes(b: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5
  for (let i = start; i < end; i++) h = Math.imul(h ^ b[i], 0x01000193)
  return h >>> 0
}

/**
 * Growable id table for readers that learn the ids as they go (truth CSVs: ids in order of
 * first appearance). Same hashing and byte comparison as IdIndex; no string per row.
 */
export class IdTable {
  private keys = new Uint8Array(1 << 16)
  private keyLen = 0
  private offsets = new Int32Array(1025)
  private table = new Int32Array(2048).fill(-1)
  private mask = 2047
  /** Number of distinct ids so far; new ids get this index. */
  count = 0

  /** Index of the id spelled by `b[start, end)` (hash = hashBytes of it), adding it if new. */
  lookupOrAdd(b: Uint8Array, start: number, end: number, hash: number): number {
    const len = end - start
    let h = hash & this.mask
    for (;;) {
      const idx = this.table[h]
      if (idx === -1) break
      const ks = this.offsets[idx]
      if (this.offsets[idx + 1] - ks === len) {
        let j = 0
        while (j < len && this.keys[ks + j] === b[start + j]) j++
        if (j === len) return idx
      }
      h = (h + 1) & this.mask
    }
    const idx = this.count++
    if (this.keyLen + len > this.keys.length) this.keys = grow(this.keys, this.keyLen + len)
    if (idx + 2 > this.offsets.length) this.offsets = grow(this.offsets, idx + 2)
    this.keys.set(b.subarray(start, end), this.keyLen)
    this.offsets[idx] = this.keyLen
    this.keyLen += len
    this.offsets[idx + 1] = this.keyLen
    this.table[h] = idx
    // Load factor ≤ 1/2 keeps probe runs short.
    if (this.count * 2 > this.table.length) this.rehash()
    return idx
  }

  /** The ids as strings, in index order. */
  ids(): string[] {
    const dec = new TextDecoder()
    return Array.from({ length: this.count }, (_, i) => dec.decode(this.keys.subarray(this.offsets[i], this.offsets[i + 1])))
  }

  private rehash(): void {
    const size = this.table.length * 2
    this.table = new Int32Array(size).fill(-1)
    this.mask = size - 1
    for (let i = 0; i < this.count; i++) {
      let h = hashBytes(this.keys, this.offsets[i], this.offsets[i + 1]) & this.mask
      while (this.table[h] !== -1) h = (h + 1) & this.mask
      this.table[h] = i
    }
  }
}

function grow<T extends Uint8Array | Int32Array>(a: T, need: number): T {
  let size = a.length * 2
  while (size < need) size *= 2
  const b = new (a.constructor as new (n: number) => T)(size)
  b.set(a)
  return b
}
