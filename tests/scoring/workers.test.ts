import { describe, expect, it } from 'vitest'
import { RowStore } from '../../scoring/long-rows.ts'
import { SegmentRunner } from '../../scoring/segment-runner.ts'
import { mergeAccumulators } from '../../scoring/accumulators.ts'
import { mergeBitmaps } from '../../scoring/slot-claims.ts'

describe('parse workers', () => {
  it('start under vitest (tsx bootstrap) and parse segments into their own accumulators, merged at the end', async () => {
    const ids = ['a1', 'b2']
    const dim = 3
    // One-hot truth per image, so each worker's accumulators show which values it saw.
    const truth = new Float32Array(new SharedArrayBuffer(ids.length * dim * 4))
    truth[0] = 1
    truth[3] = 1
    const store = new RowStore({ ids, dim, truth })
    const runner = new SegmentRunner(store, 1, 1 << 20, { ids, dim, idColumn: 1, maxRecordBytes: 1 << 20, truth: truth.buffer as SharedArrayBuffer, truthOffset: 0 }, 2)
    try {
      expect(await runner.whenReady()).toBe(true)
      const enc = new TextEncoder()
      await runner.submit(0, enc.encode('a1_0,1\na1_1,2\na1_2,3\n'))
      await runner.submit(1, enc.encode('b2_0,-1e300\nb2_1,.5\nb2_2,1e-310'))
      await runner.drain()
      expect(runner.outcomes.map((o) => o.lines).sort()).toEqual([2, 3])
      expect(runner.outcomes.find((o) => o.seg === 1)?.log).toEqual(new Uint32Array([4, 5, 6]))
      const totals = await runner.finish()
      // Both segments were parsed by the workers (none inline): each worker holds one's sums.
      expect(totals.filter((t) => t.acc.some((v) => v !== 0))).toHaveLength(2)
      for (const t of totals) {
        mergeAccumulators(store.acc, t.acc)
        expect(mergeBitmaps(store.seen, t.seen)).toBe(false)
      }
      expect(store.seen[0]).toBe(0b111111)
      // image a1: scale 3, ss (1+4+9)/9, dot 1/3; image b2: scale 1e300, ss 1 (+ tiny), dot -1
      expect(Array.from(store.acc)).toEqual([3, 14 / 9, 1 / 3, 1e300, 1, -1])
    } finally {
      await runner.close()
    }
  })
})
