import { describe, expect, it } from 'vitest'
import { RowStore } from '../../scoring/long-rows.ts'
import { SegmentRunner } from '../../scoring/segment-runner.ts'

describe('parse workers', () => {
  it('start under vitest (tsx bootstrap) and parse segments into shared memory', async () => {
    const ids = ['a1', 'b2']
    const dim = 3
    const pred = new SharedArrayBuffer(ids.length * dim * 8)
    const lineOf = new SharedArrayBuffer(ids.length * dim * 4)
    const store = new RowStore({ ids, dim, pred: new Float64Array(pred), lineOf: new Uint32Array(lineOf) })
    const runner = new SegmentRunner(store, 1, 1 << 20, { ids, dim, idColumn: 1, maxRecordBytes: 1 << 20, pred, lineOf }, 2)
    try {
      expect(await runner.whenReady()).toBe(true)
      const enc = new TextEncoder()
      await runner.submit(0, enc.encode('a1_0,1\na1_1,2\na1_2,3\n'))
      await runner.submit(1, enc.encode('b2_0,-1e300\nb2_1,.5\nb2_2,1e-310'))
      await runner.drain()
      expect(runner.stats).toEqual({ inline: 0, worker: 2 })
      expect(Array.from(new Float64Array(pred))).toEqual([1, 2, 3, -1e300, 0.5, 1e-310])
      expect(runner.outcomes.map((o) => o.lines).sort()).toEqual([2, 3])
    } finally {
      await runner.close()
    }
  })
})
