/**
 * Rows whose image changed from the previous row (i.e. shuffled input), held back and folded
 * into the accumulators in image order.
 *
 * Folding a row needs its truth component, and in a shuffled file those reads are random
 * over the 24 MB truth array: one cache miss per row, about half of the single-thread parse
 * time. Counting-sorting a batch by image first turns them into one forward sweep over the
 * truth, which the hardware prefetcher streams. The cosine terms do not depend on the order
 * rows are folded in (up to rounding), so results stay within the reference tolerance.
 */
import { accumulate } from './accumulators.ts'

const BATCH = 1 << 17

export class RowBatch {
  private readonly img = new Int32Array(BATCH)
  private readonly slot = new Int32Array(BATCH)
  private readonly val = new Float64Array(BATCH)
  private readonly order = new Int32Array(BATCH)
  private readonly start: Int32Array
  private n = 0

  constructor(
    private readonly acc: Float64Array,
    private readonly truth: Float32Array,
    images: number,
  ) {
    this.start = new Int32Array(images + 1)
  }

  add(img: number, slot: number, value: number): void {
    if (this.n === BATCH) this.flush()
    const k = this.n++
    this.img[k] = img
    this.slot[k] = slot
    this.val[k] = value
  }

  /** Folds every held row into the accumulators. */
  flush(): void {
    const n = this.n
    if (n === 0) return
    const { img, start, order } = this
    start.fill(0)
    for (let k = 0; k < n; k++) start[img[k] + 1]++
    for (let i = 1; i < start.length; i++) start[i] += start[i - 1]
    for (let k = 0; k < n; k++) order[start[img[k]]++] = k
    for (let j = 0; j < n; j++) {
      const k = order[j]
      accumulate(this.acc, img[k], this.val[k], this.truth[this.slot[k]])
    }
    this.n = 0
  }
}
