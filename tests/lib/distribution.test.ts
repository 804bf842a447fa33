// The participant-facing distribution of per-image scores (lib/submissions/distribution.ts).
import { describe, expect, it } from 'vitest'
import { distribution, histogramCounts, histogramEdges, round } from '../../lib/submissions/distribution.ts'

describe('distribution', () => {
  it('bins over the observed range rounded outward to 0.05, with 20 bins', () => {
    const edges = histogramEdges([[0.4123, 0.8871], [0.3012]])
    expect(edges).toHaveLength(21)
    expect(edges[0]).toBe(0.3)
    expect(edges[20]).toBe(0.9)
    expect(edges.every((e) => round(e) === e)).toBe(true)
  })

  it('counts every value once, the maximum in the last bin', () => {
    const edges = histogramEdges([[0, 1]])
    expect(histogramCounts([0, 0.5, 1, 1], edges)).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 2])
  })

  it('rounds quantiles and the mean to 3 decimals (nearest rank, no interpolation)', () => {
    const values = [0.123456, 0.234567, 0.345678, 0.456789, 0.56789]
    const d = distribution(values)
    expect(d.count).toBe(5)
    expect(d.quantiles).toEqual({ p5: 0.123, p25: 0.235, p50: 0.346, p75: 0.457, p95: 0.568 })
    expect(d.mean).toBe(0.346)
    expect(d.counts.reduce((a, b) => a + b, 0)).toBe(5)
  })

  it('has no quantiles or mean without values, and edges over [-1, 1]', () => {
    const d = distribution([])
    expect(d).toMatchObject({ count: 0, mean: null, quantiles: {} })
    expect([d.edges[0], d.edges[20]]).toEqual([-1, 1])
  })
})
