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
