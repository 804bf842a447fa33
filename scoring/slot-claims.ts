/**
 * Bookkeeping for "every slot exactly once" without a per-slot line table.
 *
 * Each parsing thread marks the slots (image × dim) it filled in its own bitmap: n bits
 * (768 KB for 6.1 M slots) stays mostly in cache even when rows come shuffled, where a
 * per-slot Uint32 line table costs one random cache miss per row. Bitmaps are OR-ed together
 * at the end; a bit set by two threads is a duplicate across threads.
 *
 * To still report a duplicate at its exact line, each segment also keeps a line log:
 * `log[localLine] = slot + 1` (0 = no row on that line). It is written sequentially (cheap)
 * and only read on the error path, to find the earliest repeat in file order.
 */

export function newBitmap(slots: number): Int32Array {
  return new Int32Array((slots + 31) >>> 5)
}

/** `into |= from`; true when some slot is set in both (a duplicate across threads). */
export function mergeBitmaps(into: Int32Array, from: Int32Array): boolean {
  let overlap = 0
  for (let w = 0; w < into.length; w++) {
    const a = into[w]
    const b = from[w]
    overlap |= a & b
    into[w] = a | b
  }
  return overlap !== 0
}

/** First slot below `slots` whose bit is clear, or -1. */
export function firstClear(bits: Int32Array, slots: number): number {
  for (let w = 0; w < bits.length; w++) {
    if (bits[w] === -1) continue
    for (let b = 0; b < 32; b++) {
      const slot = (w << 5) | b
      if (slot >= slots) return -1
      if ((bits[w] & (1 << b)) === 0) return slot
    }
  }
  return -1
}

/** A growable per-segment line log, reused across segments by one thread. */
export class LineLog {
  private buf: Uint32Array
  private len = 0

  constructor(initial = 1 << 16) {
    this.buf = new Uint32Array(initial)
  }

  /** Starts a new segment's log. */
  begin(): void {
    this.buf.fill(0, 0, this.len)
    this.len = 0
  }

  set(local: number, slot: number): void {
    if (local >= this.buf.length) {
      const bigger = new Uint32Array(Math.max(local + 1, this.buf.length * 2))
      bigger.set(this.buf.subarray(0, this.len))
      this.buf = bigger
    }
    this.buf[local] = slot + 1
    if (local >= this.len) this.len = local + 1
  }

  /** A compact copy of the current segment's log (the buffer itself is reused). */
  take(): Uint32Array {
    return this.buf.slice(0, this.len)
  }
}
